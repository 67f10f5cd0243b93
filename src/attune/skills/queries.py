"""Read helpers for skills. Each starts from the client the caller reached through the policy and keeps to the
rows the caller may see (policy.scoped: the models' `for_access`). Helpers that fetch rows a page or an API
answer shows audit them as read."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from attune.core import policy
from attune.core.policy import Access
from attune.skills import perms
from attune.skills.models import GroundingPhrase, SkillPractice, SkillRecommendation


def recommendations(access: Access) -> list[SkillRecommendation]:
    live = SkillRecommendation.objects.filter(client_id=access.client_id, withdrawn__isnull=True)
    return list(live.select_related("recommended_by"))


def practices(access: Access) -> QuerySet[SkillPractice]:
    return policy.scoped(access, SkillPractice.objects.all())


def shown_practices(access: Access, rows: Iterable[SkillPractice]) -> list[SkillPractice]:
    """The practices a page or an API answer shows, audited as read."""
    shown = list(rows)
    access.shown("SkillPractice", [p.pk for p in shown], perms.VIEW_DIARY)
    return shown


def phrases(access: Access) -> list[GroundingPhrase]:
    """The client's own phrases: only the client ever sees them."""
    return list(policy.scoped(access, GroundingPhrase.objects.all()))


def shown_phrases(access: Access) -> list[GroundingPhrase]:
    """The phrases the API lists, audited as read (under the client's own write permission, which keeps the care
    team out)."""
    shown = phrases(access)
    access.shown("GroundingPhrase", [p.pk for p in shown], perms.WRITE_DIARY)
    return shown
