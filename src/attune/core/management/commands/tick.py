"""`attune tick`: run one tick by hand (or from cron where no `attune worker` runs)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from attune.core import ticks


class Command(BaseCommand):
    help = "Run the periodic tick once for the current minute (skipped if a worker already ran it)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help="run it even if this minute's tick already ran")

    def handle(self, *args: Any, force: bool = False, **options: Any) -> None:
        now = timezone.now()
        outcome = ticks.run(now) if force else ticks.run_due(now)
        if outcome is None:
            self.stdout.write("This minute's tick has already run.")
            return
        for name, ok in outcome.items():
            self.stdout.write(f"{name}: {'ok' if ok else 'failed (see the log)'}")
        if not all(outcome.values()):
            raise SystemExit(1)
