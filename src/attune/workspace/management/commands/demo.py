import os
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from attune.workspace import demo


class Command(BaseCommand):
    help = "Seed the demo practices and the standing cast (idempotent). Refuses production settings."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--code", action="store_true", help="Only print the demo staff's current TOTP code")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("attune demo refuses to run with production settings (ATTUNE_ENV=production).")
        password = os.environ.get("ATTUNE_DEMO_PASSWORD", demo.DEFAULT_PASSWORD)
        secret = os.environ.get("ATTUNE_DEMO_TOTP_SECRET", demo.DEFAULT_TOTP_SECRET)
        if options["code"]:
            self.stdout.write(demo.current_code(secret))
            return
        demo.seed(password, totp_secret=secret)
        self.stdout.write(demo.describe(password, secret))
