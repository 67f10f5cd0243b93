from typing import Any

from django.core.management.base import BaseCommand

from attune.monitoring import services


class Command(BaseCommand):
    help = (
        "Put every scheduled questionnaire that is due in its client's portal (idempotent). This is the one step "
        "that issues them: no page does it when viewed. Run it from cron; a worker tick will run it."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        count = services.issue_all_due()
        self.stdout.write(f"Issued {count} questionnaire{'s' if count != 1 else ''}.")
