from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from attune.core import audit


class Command(BaseCommand):
    help = "Work with the audit trail. `attune audit verify` recomputes the hash chain from the rows."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="Recompute the chain; exit non-zero naming the first bad position")

    def handle(self, *args: Any, **options: Any) -> None:
        result = audit.verify()
        if not result.ok:
            raise CommandError(f"audit chain broken at position {result.position}: {result.problem}")
        self.stdout.write(f"audit chain intact: {result.checked} events verified")
