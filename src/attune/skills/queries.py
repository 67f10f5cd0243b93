"""Read helpers for skills, starting from the policy's access and the diary's row-level scopes."""

from __future__ import annotations

from django.db.models import QuerySet

from attune.core.policy import Access
from attune.diary import access as rows
from attune.skills.models import GroundingPhrase, SkillPractice, SkillRecommendation


def recommendations(access: Access) -> list[SkillRecommendation]:
    live = SkillRecommendation.objects.filter(client_id=access.client_id, withdrawn__isnull=True)
    return list(live.select_related("recommended_by"))


def practices(access: Access) -> QuerySet[SkillPractice]:
    return rows.shared_only(access, SkillPractice.objects.all())


def phrases(access: Access) -> list[GroundingPhrase]:
    """The client's own phrases: only the client ever sees them."""
    if not rows.is_owner(access):
        return []
    return list(GroundingPhrase.objects.filter(client_id=access.client_id))
