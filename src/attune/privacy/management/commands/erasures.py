"""`attune erasures --reapply`: after restoring a backup, destroy again every data key a tombstone names."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from attune.privacy import tombstones


class Command(BaseCommand):
    help = "List erased clients' tombstones, or (--reapply) destroy their keys again after a restore."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--reapply", action="store_true", help="destroy again every key a tombstone names")

    def handle(self, *args: Any, reapply: bool = False, **options: Any) -> None:
        if reapply:
            again = tombstones.reapply()
            self.stdout.write(
                f"{len(again)} erased client(s) erased again; {len(tombstones.erased_clients())} tombstone(s)."
            )
        else:
            self.stdout.write(f"{len(tombstones.erased_clients())} tombstone(s) in {tombstones.folder()}")
