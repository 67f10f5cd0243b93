from typing import Any

from django.core.management.base import BaseCommand

from attune.monitoring import services


class Command(BaseCommand):
    help = "Put every scheduled questionnaire that is due in its client's portal (idempotent; run from cron)."

    def handle(self, *args: Any, **options: Any) -> None:
        count = services.issue_all_due()
        self.stdout.write(f"Issued {count} questionnaire{'s' if count != 1 else ''}.")
