"""PostgreSQL roles: an owner role runs the migrations and owns every table; the application's runtime role (the
servers and the workers) reads and writes the tables, but the audit trail only through the owner's append
functions (core migration 0005).

The runtime role gets SELECT, INSERT, UPDATE and DELETE on every table of the schema, except the two audit tables,
where it gets SELECT alone: an event can only be added, and a chain head only moved, by
`attune_audit_append`, which checks that the events follow the head in order. No TRUNCATE anywhere, no DDL.
"""

from __future__ import annotations

from django.db.backends.base.base import BaseDatabaseWrapper
from psycopg import sql

AUDIT_TABLES = ("core_auditevent", "core_audithead")
AUDIT_FUNCTIONS = ("attune_audit_head(integer)", "attune_audit_append(integer, bigint, varchar, jsonb)")


class RoleError(Exception):
    pass


def grant_app_role(connection: BaseDatabaseWrapper, role: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = %s", [role])
        row = cursor.fetchone()
        if row is None:
            raise RoleError(f"no role {role}: create it first (CREATE ROLE {role} LOGIN PASSWORD '...')")
        if row[0]:
            raise RoleError(f"{role} is a superuser: no grant can hold it back; use an ordinary role")
        cursor.execute("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() AND tableowner = %s", [role])
        if cursor.fetchone()[0]:
            raise RoleError(f"{role} owns tables here: the runtime role must not be the owner role")
        cursor.execute("SELECT current_database(), current_schema()")
        database, schema = cursor.fetchone()
        who, where = sql.Identifier(role), sql.Identifier(schema)
        statements = [
            sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(sql.Identifier(database), who),
            sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(where, who),
            sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {} TO {}").format(where, who),
            sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {} TO {}").format(where, who),
        ]
        for table in AUDIT_TABLES:
            statements.append(
                sql.SQL("REVOKE INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON {} FROM {}").format(
                    sql.Identifier(table), who
                )
            )
        for function in AUDIT_FUNCTIONS:
            statements.append(sql.SQL(f"GRANT EXECUTE ON FUNCTION {function} TO {{}}").format(who))
        for statement in statements:
            cursor.execute(statement.as_string(cursor.connection))
