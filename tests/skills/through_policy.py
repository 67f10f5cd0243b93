"""Skills service calls made the way a view makes them: reach the client (and the row) through the policy with
the permission the service needs, then call the service with that access."""

from __future__ import annotations

import uuid

from attune.accounts.models import User
from attune.core import policy
from attune.skills import perms, services
from attune.skills.models import GroundingPhrase, SkillPractice, SkillRecommendation
from attune.skills.services import PracticeInput

__all__ = ["PracticeInput"]


def record_practice(
    user: User, client_id: uuid.UUID, slug: str, key: uuid.UUID, data: PracticeInput
) -> tuple[SkillPractice, bool]:
    return services.record_practice(policy.client(user, client_id, perms.WRITE_DIARY), slug, key, data)


def update_practice(user: User, client_id: uuid.UUID, practice_id: object, changes: dict[str, object]) -> SkillPractice:
    access = policy.client(user, client_id, perms.WRITE_DIARY)
    rows = SkillPractice.objects.all()
    practice = policy.row_of(access, rows, practice_id, perms.WRITE_DIARY, entity="SkillPractice")
    return services.update_practice(access, practice, changes)


def recommend(user: User, client_id: uuid.UUID, slug: str) -> SkillRecommendation:
    return services.recommend(policy.client(user, client_id, perms.RECOMMEND_SKILLS), slug)


def withdraw(user: User, client_id: uuid.UUID, slug: str) -> None:
    services.withdraw(policy.client(user, client_id, perms.RECOMMEND_SKILLS), slug)


def add_phrase(user: User, client_id: uuid.UUID, text: str) -> GroundingPhrase:
    return services.add_phrase(policy.client(user, client_id, perms.WRITE_DIARY), text)


def delete_phrase(user: User, client_id: uuid.UUID, phrase_id: object) -> None:
    access = policy.client(user, client_id, perms.WRITE_DIARY)
    rows = GroundingPhrase.objects.all()
    services.delete_phrase(access, policy.row_of(access, rows, phrase_id, perms.WRITE_DIARY, entity="GroundingPhrase"))
