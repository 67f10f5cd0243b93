"""Crisis resources belong to the practice's record (care), not to monitoring: the table stays, only its owner
changes."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("care", "0001_practices_clients_care_teams_episodes"),
        ("monitoring", "0002_alert_intake_safety"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="CrisisResource",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("name", models.CharField(max_length=120)),
                        ("phone", models.CharField(blank=True, max_length=40)),
                        ("text_line", models.CharField(blank=True, max_length=120)),
                        ("web_url", models.URLField(blank=True)),
                        ("hours", models.CharField(blank=True, max_length=120)),
                        ("region", models.CharField(blank=True, max_length=80)),
                        ("position", models.PositiveSmallIntegerField(default=0)),
                        (
                            "practice",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="crisis_resources",
                                to="care.practice",
                            ),
                        ),
                    ],
                    options={"db_table": "monitoring_crisisresource", "ordering": ["position", "name"]},
                ),
            ],
            database_operations=[],
        ),
    ]
