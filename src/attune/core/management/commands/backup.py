from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from attune.core import backup


class Command(BaseCommand):
    help = (
        "Back up the database into a new folder under DEST (SQLite: online backup API; PostgreSQL: pg_dump -Fc), "
        "with a signed manifest of file checksums, row counts, audit chain heads, key fingerprints and erasure "
        "tombstones. Keys are never included: keep them separately."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("dest", help="folder to write the backup folder into")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            folder = backup.backup(Path(options["dest"]))
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"backup written: {folder}")
