"""Every write for skills: practice records (idempotent), recommendations and grounding phrases. Each takes the
client (and the row) its caller reached through the policy, checks the permission it needs on that access, and
writes its audit event inside its transaction."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from attune.core import idempotency, policy, rows
from attune.core.models import AuditEvent
from attune.core.policy import Access
from attune.skills import inputs, library, perms
from attune.skills.models import GroundingPhrase, SkillPractice, SkillRecommendation

# --- the client's "share new entries by default" choice ------------------------------------------------------
# The preference is a diary table, and the diary is a capability above this engine: the engine may not import it.
# So the engine asks through a hook the diary fills in from DiaryConfig.ready(); without the diary installed,
# practices stay private, the safe default.

ShareDefault = Callable[[Access], bool]


def _private(access: Access) -> bool:
    return False


_share_default: ShareDefault = _private


def use_share_default(reader: ShareDefault) -> None:
    """Called once by the app that keeps the client's sharing preference."""
    global _share_default
    _share_default = reader


def share_default(access: Access) -> bool:
    """Whether the client shares a new record with their care team unless they say otherwise."""
    return _share_default(access)


# --- practice records ------------------------------------------------------------------------------------------


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


def _is_distress(value: object) -> bool:
    return (
        isinstance(value, int) and not isinstance(value, bool) and inputs.DISTRESS_MIN <= value <= inputs.DISTRESS_MAX
    )


def _check(values: Mapping[str, object], skill: library.Skill | None) -> None:
    for name in ("distress_before", "distress_after"):
        value = values.get(name)
        if value is not None and not _is_distress(value):
            raise ValidationError({name: "Choose a number from 0 to 100."})
    if values.get("variant") and (skill is None or values["variant"] not in {p.slug for p in skill.patterns}):
        raise ValidationError({"variant": "Choose one of this skill's patterns."})
    note = values.get("note")
    if isinstance(note, str) and len(note) > inputs.NOTE_LIMIT:
        raise ValidationError({"note": f"Please keep this under {inputs.NOTE_LIMIT} characters."})
    when = values.get("occurred_at")
    if isinstance(when, datetime.datetime) and when > timezone.now() + datetime.timedelta(minutes=5):
        raise ValidationError({"occurred_at": "This time is in the future."})


def record_practice(access: Access, slug: str, key: uuid.UUID, data: PracticeInput) -> tuple[SkillPractice, bool]:
    """Record one practice. The same key and payload returns the original; a different payload is refused."""
    perm = perms.WRITE_DIARY
    access.require(perm)
    values = asdict(data)
    values["note"] = (values["note"] or "").strip()
    digest = idempotency.fingerprint(access.client_id, {"key": key, "skill": slug, **values})
    existing = SkillPractice.objects.filter(client_id=access.client_id, key=key).first()
    if existing is not None:
        return _replayed(access, existing, digest), False
    _check(values, _skill(slug))
    values["shared"] = share_default(access) if values["shared"] is None else values["shared"]
    values["occurred_at"] = values["occurred_at"] or timezone.now()
    try:
        with transaction.atomic():
            practice = SkillPractice(client_id=access.client_id, skill=slug, key=key, fingerprint=digest, **values)
            practice.save()
            access.record(AuditEvent.Action.CREATE, "SkillPractice", practice.pk, perm)
    except IntegrityError:
        # A concurrent duplicate won the race for this key: answer as its replay.
        existing = SkillPractice.objects.get(client_id=access.client_id, key=key)
        return _replayed(access, existing, digest), False
    return practice, True


def _replayed(access: Access, practice: SkillPractice, digest: str) -> SkillPractice:
    idempotency.check_replay(practice.fingerprint, digest)
    access.record(AuditEvent.Action.READ, "SkillPractice", practice.pk, perms.WRITE_DIARY)
    return practice


PRACTICE_FIELDS = ("distress_before", "distress_after", "note", "shared")


def update_practice(access: Access, practice: SkillPractice, changes: dict[str, object]) -> SkillPractice:
    """Add or change the ratings, note or sharing of a practice afterwards."""
    perm = perms.WRITE_DIARY
    access.require(perm, "SkillPractice", str(practice.pk))
    unknown = set(changes) - set(PRACTICE_FIELDS)
    if unknown:
        raise ValidationError({name: "This cannot be changed here." for name in sorted(unknown)})
    if "note" in changes:
        changes["note"] = str(changes["note"] or "").strip()
    _check(changes, library.get(practice.skill))
    with transaction.atomic():
        locked = policy.scoped(access, SkillPractice.objects.all()).select_for_update().get(pk=practice.pk)
        for name, value in changes.items():
            setattr(locked, name, bool(value) if name == "shared" else value)
        locked.save()
        access.record(AuditEvent.Action.UPDATE, "SkillPractice", locked.pk, perm)
    return locked


# --- recommendations ---------------------------------------------------------------------------------------------


def recommend(access: Access, slug: str) -> SkillRecommendation:
    perm = perms.RECOMMEND_SKILLS
    access.require(perm)
    _skill(slug)
    with transaction.atomic():
        existing = SkillRecommendation.objects.filter(
            client_id=access.client_id, skill=slug, withdrawn__isnull=True
        ).first()
        if existing is not None:
            return existing
        recommendation = SkillRecommendation.objects.create(
            client_id=access.client_id, skill=slug, recommended_by_id=access.actor_id
        )
        access.record(AuditEvent.Action.CREATE, "SkillRecommendation", recommendation.pk, perm)
    return recommendation


def withdraw(access: Access, slug: str) -> None:
    perm = perms.RECOMMEND_SKILLS
    access.require(perm)
    with transaction.atomic():
        live = SkillRecommendation.objects.select_for_update().filter(
            client_id=access.client_id, skill=slug, withdrawn__isnull=True
        )
        for recommendation in live:
            recommendation.withdrawn = timezone.now()
            recommendation.save(update_fields=["withdrawn"])
            access.record(AuditEvent.Action.UPDATE, "SkillRecommendation", recommendation.pk, perm)


# --- grounding phrases -----------------------------------------------------------------------------------------


def add_phrase(access: Access, text: str) -> GroundingPhrase:
    perm = perms.WRITE_DIARY
    access.require(perm)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "Write a few words."})
    if len(text) > inputs.PHRASE_LIMIT:
        raise ValidationError({"text": f"Please keep a phrase under {inputs.PHRASE_LIMIT} characters."})
    with transaction.atomic():
        if GroundingPhrase.objects.filter(client_id=access.client_id).count() >= inputs.MAX_PHRASES:
            raise ValidationError({"text": f"You have {inputs.MAX_PHRASES} phrases. Remove one to add another."})
        return rows.add(access, GroundingPhrase, perm, text=text)


def delete_phrase(access: Access, phrase: GroundingPhrase) -> None:
    perm = perms.WRITE_DIARY
    access.require(perm, "GroundingPhrase", str(phrase.pk))
    rows.remove(access, phrase, perm)
