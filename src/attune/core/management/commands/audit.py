from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from attune.core import audit


class Command(BaseCommand):
    help = (
        "Work with the audit trail. `attune audit verify` recomputes every chain from the rows in one snapshot and "
        "checks it against the newest signed checkpoint; `attune audit checkpoint` writes one now (the worker "
        "does so every minute)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        for name, text in (
            ("verify", "Recompute the chains; exit non-zero naming the chain and position that fail"),
            ("checkpoint", "Sign each chain's length and last value into the checkpoint directory"),
        ):
            command = sub.add_parser(name, help=text)
            command.add_argument("--checkpoints", default=None, help="checkpoint directory (default: the setting)")

    def handle(self, *args: Any, **options: Any) -> None:
        directory = Path(options["checkpoints"]) if options.get("checkpoints") else None
        if options["action"] == "checkpoint":
            try:
                path = audit.write_checkpoint(directory=directory)
            except audit.CheckpointError as exc:
                raise CommandError(f"no checkpoint written: {exc}") from exc
            self.stdout.write(f"audit checkpoint written: {path}")
            return
        result = audit.verify(directory)
        if not result.ok:
            where = f"chain {result.chain} at position {result.position}" if result.chain else "checkpoint"
            raise CommandError(f"audit trail broken: {where}: {result.problem}")
        anchor = f", checked against checkpoint {result.checkpoint}" if result.checkpoint else ", no checkpoint yet"
        self.stdout.write(f"audit trail intact: {result.checked} events in {result.chains} chains verified{anchor}")
