import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from attune.care import demo


class Command(BaseCommand):
    help = "Seed the demo practices and the standing cast (idempotent). Refuses production settings."

    def handle(self, *args: object, **options: object) -> None:
        if settings.PRODUCTION:
            raise CommandError("attune demo refuses to run with production settings (ATTUNE_ENV=production).")
        password = os.environ.get("ATTUNE_DEMO_PASSWORD", demo.DEFAULT_PASSWORD)
        demo.seed(password)
        self.stdout.write(demo.describe(password))
