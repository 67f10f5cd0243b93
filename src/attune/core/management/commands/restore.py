from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from attune.core import backup


class Command(BaseCommand):
    help = (
        "Restore a backup folder into an empty scratch database (--into URL) after checking its manifest and "
        "checksums; with --verify, check integrity, row counts and every audit chain. Erasure tombstones (those in "
        "the backup and those made since in this deployment's database) are re-applied."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", help="the backup folder (attune-backup-...)")
        parser.add_argument("--into", required=True, help="database URL of an empty database (or a new SQLite file)")
        parser.add_argument("--verify", action="store_true", help="prove the restored copy (integrity, rows, chains)")
        parser.add_argument(
            "--no-live-tombstones",
            action="store_true",
            help="do not read erasures made since the backup from this deployment's database (it is gone)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = backup.restore(
                Path(options["source"]),
                options["into"],
                verify=options["verify"],
                tombstones_from="" if options["no_live_tombstones"] else "default",
            )
        except backup.BackupError as exc:
            raise CommandError(f"restore failed: {exc}") from exc
        applied = ", ".join(f"{name}: {count}" for name, count in report.tombstones_applied.items())
        checked = (
            f"verified: {report.tables} tables, {report.rows} rows, {report.events} audit events in "
            f"{report.chains} chains"
            if options["verify"]
            else "restored (not verified)"
        )
        self.stdout.write(f"{checked}; erasures re-applied ({applied})")
