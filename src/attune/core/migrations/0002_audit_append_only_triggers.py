"""Make the audit table append-only in the database itself.

PostgreSQL: a trigger refuses UPDATE and DELETE on audit rows (TRUNCATE, used only by test teardown and by a
superuser, is not a row operation). SQLite: a trigger refuses UPDATE; DELETE stays possible there because the
test runner flushes tables with DELETE, and anyone who can write the SQLite file can drop triggers anyway, so
`attune audit verify` is what detects it.
"""

from django.db import migrations

PG_UP = """
CREATE OR REPLACE FUNCTION attune_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER core_auditevent_append_only
    BEFORE UPDATE OR DELETE ON core_auditevent
    FOR EACH ROW EXECUTE FUNCTION attune_audit_append_only();
"""
PG_DOWN = """
DROP TRIGGER IF EXISTS core_auditevent_append_only ON core_auditevent;
DROP FUNCTION IF EXISTS attune_audit_append_only();
"""
SQLITE_UP = """
CREATE TRIGGER core_auditevent_no_update BEFORE UPDATE ON core_auditevent
BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
"""
SQLITE_DOWN = "DROP TRIGGER IF EXISTS core_auditevent_no_update;"


def install(apps, schema_editor):
    sql = PG_UP if schema_editor.connection.vendor == "postgresql" else SQLITE_UP
    schema_editor.execute(sql)


def uninstall(apps, schema_editor):
    sql = PG_DOWN if schema_editor.connection.vendor == "postgresql" else SQLITE_DOWN
    for statement in sql.strip().split(";\n"):
        if statement.strip():
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_data_keys_audit_chain_sharing_grants")]
    operations = [migrations.RunPython(install, uninstall)]
