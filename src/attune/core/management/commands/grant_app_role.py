from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections

from attune.core import dbroles


class Command(BaseCommand):
    help = (
        "PostgreSQL: grant the application's runtime role what the server and the workers need, and no more on the "
        "audit trail: SELECT on the audit tables and EXECUTE on the append functions, never INSERT, UPDATE, DELETE "
        "or TRUNCATE there. Run it as the owner role after every `attune migrate` (new tables need their grants)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("role", help="the application's role (it must exist and must not own the tables)")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args: Any, **options: Any) -> None:
        connection = connections[options["database"]]
        if connection.vendor != "postgresql":
            raise CommandError("roles are a PostgreSQL matter: SQLite has none")
        try:
            dbroles.grant_app_role(connection, options["role"])
        except dbroles.RoleError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"granted {options['role']} the application's rights on {connection.settings_dict['NAME']}")
