"""Helpers for the intake tests: send an intake, and answer it through the pages as a browser would."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from attune.care.models import CrisisResource
from attune.core import policy
from attune.core.policy import Located, Perm
from attune.intake import perms, services
from attune.intake.models import Intake

# Every free-text item of the intake definition (tests/intake/test_definition.py keeps this list complete).
FREE_TEXT = (
    "about-hopes",
    "about-signs",
    "rel-good",
    "rel-hard",
    "rel-goals-words",
    "contact-number",
    "contact-avoid",
    "coer-words",
    "support-helps",
)


def csrf(browser: Any) -> dict[str, str]:
    if "csrftoken" not in browser.cookies:
        browser.get(reverse("workspace:portal"))
    return {"csrfmiddlewaretoken": browser.cookies["csrftoken"].value}


def send(cast: Any, name: str = "eli", by: str = "bob") -> Intake:
    return services.send(policy.client(getattr(cast, by), cast.client(name).pk, perms.SEND))


def reach(user: Any, intake: Intake, perm: Perm = perms.ANSWER) -> Located[Intake]:
    """The intake as a view reaches it before calling a service (the client's write permission by default)."""
    return policy.locate(user, Intake, intake.pk, perm, entity=services.ENTITY)


def post(browser: Any, url: str, data: dict[str, Any] | None = None, **headers: Any) -> Any:
    return browser.post(url, {**(data or {}), **csrf(browser)}, **headers)


def item_url(intake: Intake, link_id: str) -> str:
    return reverse("intake:portal_item", args=[intake.pk, link_id])


def section_url(intake: Intake, section: str) -> str:
    return reverse("intake:portal_section", args=[intake.pk, section])


def resume(browser: Any, intake: Intake) -> str:
    response = browser.get(reverse("intake:portal_resume", args=[intake.pk]))
    assert response.status_code == 302, response.status_code
    return str(response["Location"])


def crisis_line(cast: Any) -> CrisisResource:
    return CrisisResource.objects.create(
        practice=cast.practices["northside"], name="Quiet Harbour Line", phone="0800 000 111", hours="24 hours"
    )
