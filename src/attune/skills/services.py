"""Every write for skills: practice records (idempotent), recommendations and grounding phrases. Each looks the
client up through the policy before its transaction, and writes its audit event with the change."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import asdict, dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from attune.care.records import record_of
from attune.core import policy
from attune.core.models import AuditEvent
from attune.core.policy import Access
from attune.diary import access as rows
from attune.diary import idempotency
from attune.diary.services import share_default
from attune.skills import library, perms
from attune.skills.models import GroundingPhrase, SkillPractice, SkillRecommendation

NOTE_LIMIT = 2000
PHRASE_LIMIT = 300
MAX_PHRASES = 40


def _write(actor: Any, access: Access, action: str, entity_type: str, entity_id: Any, perm: policy.Perm) -> None:
    policy.record_access(actor, access, action, entity_type, str(entity_id), perm)


def _skill(slug: str) -> library.Skill:
    skill = library.get(slug)
    if skill is None:
        raise ValidationError({"skill": "Choose a skill from the library."})
    return skill


@dataclass
class PracticeInput:
    distress_before: int | None = None
    distress_after: int | None = None
    variant: str = ""
    note: str = ""
    occurred_at: datetime.datetime | None = None
    shared: bool | None = None  # None: the client's diary default


def _check(values: dict[str, Any], skill: library.Skill | None) -> None:
    for name in ("distress_before", "distress_after"):
        value = values.get(name)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 100):
            raise ValidationError({name: "Choose a number from 0 to 100."})
    if values.get("variant") and (skill is None or values["variant"] not in {p.slug for p in skill.patterns}):
        raise ValidationError({"variant": "Choose one of this skill's patterns."})
    if len(values.get("note") or "") > NOTE_LIMIT:
        raise ValidationError({"note": f"Please keep this under {NOTE_LIMIT} characters."})
    when = values.get("occurred_at")
    if when is not None and when > timezone.now() + datetime.timedelta(minutes=5):
        raise ValidationError({"occurred_at": "This time is in the future."})


def record_practice(
    actor: Any, client_id: Any, slug: str, key: uuid.UUID, data: PracticeInput
) -> tuple[SkillPractice, bool]:
    """Record one practice. The same key and payload returns the original; a different payload is refused."""
    perm = perms.WRITE_DIARY
    access = policy.get_client_for(actor, client_id, perm)
    values = asdict(data)
    values["note"] = (values["note"] or "").strip()
    digest = idempotency.fingerprint(access.client_id, {"key": key, "skill": slug, **values})
    existing = SkillPractice.objects.filter(client_id=access.client_id, key=key).first()
    if existing is not None:
        return _replayed(actor, access, existing, digest), False
    _check(values, _skill(slug))
    values["shared"] = share_default(record_of(access)) if values["shared"] is None else values["shared"]
    values["occurred_at"] = values["occurred_at"] or timezone.now()
    try:
        with transaction.atomic():
            practice = SkillPractice(client_id=access.client_id, skill=slug, key=key, fingerprint=digest, **values)
            practice.save()
            _write(actor, access, AuditEvent.Action.CREATE, "SkillPractice", practice.pk, perm)
    except IntegrityError:
        existing = SkillPractice.objects.get(client_id=access.client_id, key=key)
        return _replayed(actor, access, existing, digest), False
    return practice, True


def _replayed(actor: Any, access: Access, practice: SkillPractice, digest: str) -> SkillPractice:
    idempotency.check_replay(practice.fingerprint, digest)
    policy.record_access(actor, access, AuditEvent.Action.READ, "SkillPractice", str(practice.pk), perms.WRITE_DIARY)
    return practice


PRACTICE_FIELDS = ("distress_before", "distress_after", "note", "shared")


def update_practice(actor: Any, client_id: Any, practice_id: Any, changes: dict[str, Any]) -> SkillPractice:
    """Add or change the ratings, note or sharing of a practice afterwards."""
    perm = perms.WRITE_DIARY
    access = policy.get_client_for(actor, client_id, perm)
    unknown = set(changes) - set(PRACTICE_FIELDS)
    if unknown:
        raise ValidationError({name: "This cannot be changed here." for name in sorted(unknown)})
    scope = rows.shared_only(access, SkillPractice.objects.all())
    found = rows.get_row(actor, access, scope, practice_id, perm, "SkillPractice")
    if "note" in changes:
        changes["note"] = (changes["note"] or "").strip()
    _check(changes, library.get(found.skill))
    with transaction.atomic():
        practice = scope.select_for_update().get(pk=found.pk)
        for name, value in changes.items():
            setattr(practice, name, bool(value) if name == "shared" else value)
        practice.save()
        _write(actor, access, AuditEvent.Action.UPDATE, "SkillPractice", practice.pk, perm)
    return practice


def recommend(actor: Any, client_id: Any, slug: str) -> SkillRecommendation:
    perm = perms.RECOMMEND_SKILLS
    access = policy.get_client_for(actor, client_id, perm)
    _skill(slug)
    with transaction.atomic():
        existing = SkillRecommendation.objects.filter(
            client_id=access.client_id, skill=slug, withdrawn__isnull=True
        ).first()
        if existing is not None:
            return existing
        recommendation = SkillRecommendation.objects.create(
            client_id=access.client_id, skill=slug, recommended_by=actor
        )
        _write(actor, access, AuditEvent.Action.CREATE, "SkillRecommendation", recommendation.pk, perm)
    return recommendation


def withdraw(actor: Any, client_id: Any, slug: str) -> None:
    perm = perms.RECOMMEND_SKILLS
    access = policy.get_client_for(actor, client_id, perm)
    with transaction.atomic():
        live = SkillRecommendation.objects.select_for_update().filter(
            client_id=access.client_id, skill=slug, withdrawn__isnull=True
        )
        for recommendation in live:
            recommendation.withdrawn = timezone.now()
            recommendation.save(update_fields=["withdrawn"])
            _write(actor, access, AuditEvent.Action.UPDATE, "SkillRecommendation", recommendation.pk, perm)


def add_phrase(actor: Any, client_id: Any, text: str) -> GroundingPhrase:
    perm = perms.WRITE_DIARY
    access = policy.get_client_for(actor, client_id, perm)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "Write a few words."})
    if len(text) > PHRASE_LIMIT:
        raise ValidationError({"text": f"Please keep a phrase under {PHRASE_LIMIT} characters."})
    with transaction.atomic():
        if GroundingPhrase.objects.filter(client_id=access.client_id).count() >= MAX_PHRASES:
            raise ValidationError({"text": f"You have {MAX_PHRASES} phrases. Remove one to add another."})
        phrase = GroundingPhrase(client_id=access.client_id, text=text)
        phrase.save()
        _write(actor, access, AuditEvent.Action.CREATE, "GroundingPhrase", phrase.pk, perm)
    return phrase


def delete_phrase(actor: Any, client_id: Any, phrase_id: Any) -> None:
    perm = perms.WRITE_DIARY
    access = policy.get_client_for(actor, client_id, perm)
    scope = GroundingPhrase.objects.filter(client_id=access.client_id)
    phrase = rows.get_row(actor, access, scope, phrase_id, perm, "GroundingPhrase")
    with transaction.atomic():
        phrase.delete()
        _write(actor, access, AuditEvent.Action.DELETE, "GroundingPhrase", phrase_id, perm)
