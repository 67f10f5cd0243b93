"""Audit chains per practice (fixed shards), and a database that refuses to cut the trail short.

- Every event gets a chain (`shard`) and a position in it (`seq`). Events written before this migration stay in
  chain 1 as they are, with no position (their id is their position), so their signatures remain valid.
- Ids now come from the table's sequence; on PostgreSQL the sequence is moved past the ids written by hand.
- PostgreSQL: TRUNCATE of the audit table is refused, and a chain head can only move forward (no rewinding, no
  delete, no truncate). SQLite: a chain head can only move forward.

Test teardown empties tables with TRUNCATE on PostgreSQL; the suite does that as a superuser with
session_replication_role = replica, under which these triggers do not fire (tests/conftest.py). The
application's role is not a superuser and cannot.
"""

from django.db import migrations, models

PG_UP = [
    """CREATE TRIGGER core_auditevent_no_truncate BEFORE TRUNCATE ON core_auditevent
       FOR EACH STATEMENT EXECUTE FUNCTION attune_audit_append_only()""",
    """CREATE OR REPLACE FUNCTION attune_audit_head_forward() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.id = OLD.id AND NEW.last_id > OLD.last_id THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit chain heads only move forward';
END;
$$ LANGUAGE plpgsql""",
    """CREATE TRIGGER core_audithead_forward BEFORE UPDATE OR DELETE ON core_audithead
       FOR EACH ROW EXECUTE FUNCTION attune_audit_head_forward()""",
    """CREATE TRIGGER core_audithead_no_truncate BEFORE TRUNCATE ON core_audithead
       FOR EACH STATEMENT EXECUTE FUNCTION attune_audit_head_forward()""",
    """SELECT setval(pg_get_serial_sequence('core_auditevent', 'id'),
       COALESCE((SELECT MAX(id) FROM core_auditevent), 0) + 1, false)""",
]
PG_DOWN = [
    "DROP TRIGGER IF EXISTS core_audithead_no_truncate ON core_audithead",
    "DROP TRIGGER IF EXISTS core_audithead_forward ON core_audithead",
    "DROP FUNCTION IF EXISTS attune_audit_head_forward()",
    "DROP TRIGGER IF EXISTS core_auditevent_no_truncate ON core_auditevent",
]
SQLITE_UP = [
    # Adding the columns rebuilt the SQLite table, which drops its triggers: put 0002's back.
    "DROP TRIGGER IF EXISTS core_auditevent_no_update",
    """CREATE TRIGGER core_auditevent_no_update BEFORE UPDATE ON core_auditevent
       BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END""",
    """CREATE TRIGGER core_audithead_forward BEFORE UPDATE ON core_audithead
       WHEN NEW.id != OLD.id OR NEW.last_id <= OLD.last_id
       BEGIN SELECT RAISE(ABORT, 'audit chain heads only move forward'); END""",
]
SQLITE_DOWN = ["DROP TRIGGER IF EXISTS core_audithead_forward"]


def install(apps, schema_editor):
    for sql in PG_UP if schema_editor.connection.vendor == "postgresql" else SQLITE_UP:
        schema_editor.execute(sql)


def uninstall(apps, schema_editor):
    for sql in PG_DOWN if schema_editor.connection.vendor == "postgresql" else SQLITE_DOWN:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("core", "0003_tick_runs")]
    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="shard",
            field=models.PositiveIntegerField(default=1),
            preserve_default=False,
        ),
        migrations.AddField(model_name="auditevent", name="seq", field=models.BigIntegerField(null=True)),
        migrations.AddConstraint(
            model_name="auditevent",
            constraint=models.UniqueConstraint(fields=("shard", "seq"), name="audit_one_event_per_position"),
        ),
        migrations.RunPython(install, uninstall),
    ]
