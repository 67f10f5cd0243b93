"""The whole demo: the record layer's cast (care/demo.py), then each capability's own demo data on top of it.

Each capability seeds only its own tables from the cast's clients and users; this module is the one place that
knows them all, because the workspace sits above every capability.
"""

from __future__ import annotations

from django.db import transaction

from attune.care import demo as care_demo
from attune.clinical import demo as clinical_demo
from attune.couples import demo as couples_demo
from attune.diary import demo as diary_demo
from attune.intake import demo as intake_demo
from attune.learn import demo as learn_demo
from attune.monitoring import demo as monitoring_demo
from attune.privacy import demo as privacy_demo
from attune.safetyplan import demo as safetyplan_demo

DEFAULT_PASSWORD = care_demo.DEFAULT_PASSWORD
DEFAULT_TOTP_SECRET = care_demo.DEFAULT_TOTP_SECRET
current_code = care_demo.current_code
describe = care_demo.describe


@transaction.atomic
def seed(password: str = DEFAULT_PASSWORD, *, totp_secret: str = DEFAULT_TOTP_SECRET) -> care_demo.Cast:
    """Seed everything, idempotently, in one transaction (as `attune demo` always has)."""
    cast = care_demo.seed(password, extra=True, totp_secret=totp_secret)
    diary_demo.seed(cast.clients, cast.users)
    monitoring_demo.seed(cast.clients, cast.users)
    intake_demo.seed(cast.clients, cast.users)
    learn_demo.seed(cast.clients, cast.users)
    couples_demo.seed(cast.clients, cast.users)
    safetyplan_demo.seed(cast.clients, cast.users)
    privacy_demo.seed(cast.clients, cast.users)
    clinical_demo.seed(cast.clients, cast.users)
    return cast
