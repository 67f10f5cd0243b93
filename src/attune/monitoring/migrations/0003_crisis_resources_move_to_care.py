"""Crisis resources move to care (care/migrations/0002): monitoring forgets the model, the table stays."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0002_alert_intake_safety"),
        ("care", "0002_crisis_resources_move_to_care"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[migrations.DeleteModel(name="CrisisResource")]),
    ]
