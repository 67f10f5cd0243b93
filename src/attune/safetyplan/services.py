"""Every write to the safety plan and the support network. Each function takes the client its caller reached
through the policy, checks the permission it needs (a refusal is audited), then opens its transaction, writes the
change and its audit event together, and returns the row.

What the care team may change is what the client shares with them: a part that is not shared does not exist for
them (404, audited), as for a private row. Nothing here sends a notification: a safety plan is never named in
anything that leaves the app.
"""

from __future__ import annotations

import base64
import datetime
import io
import json
import re
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from attune.care.services import StaleWriteError as StaleWriteError
from attune.core import events, policy, rows
from attune.core.models import AuditEvent
from attune.core.policy import Access
from attune.safetyplan import inputs, perms
from attune.safetyplan.models import PlanVersion, SafetyPlan, Sharing, SupportPerson, visible_parts
from attune.skills import library

PHONE = re.compile(r"^\+?[0-9 ()\-.]{3,30}$")


def _too_long(name: str, limit: int) -> ValidationError:
    return ValidationError({name: f"Please keep this under {limit} characters."})


def _text(values: dict[str, Any], name: str, limit: int) -> str:
    value = values.get(name) or ""
    if not isinstance(value, str):
        raise ValidationError({name: "This should be text."})
    value = value.strip()
    if len(value) > limit:
        raise _too_long(name, limit)
    return value


def clean_phone(name: str, value: object) -> str:
    text = (value or "").strip() if isinstance(value, str) else ""
    if text and (not PHONE.match(text) or sum(ch.isdigit() for ch in text) < 3):
        raise ValidationError({name: "Enter a phone number with digits only, spaces or a leading +."})
    return text


def _services(values: dict[str, Any]) -> list[dict[str, str]]:
    raw = values.get("services") or []
    if not isinstance(raw, list) or len(raw) > inputs.MAX_SERVICES:
        raise ValidationError({"services": f"Up to {inputs.MAX_SERVICES} contacts."})
    kept = []
    for item in raw:
        if not isinstance(item, dict):
            raise ValidationError({"services": "Each contact has a name and a phone number."})
        name = _text(item, "name", inputs.SHORT_LIMIT)
        phone = clean_phone("services", item.get("phone"))
        if name or phone:
            kept.append({"name": name, "phone": phone})
    return kept


def _codes(values: dict[str, Any], name: str, allowed: tuple[str, ...] | set[str], limit: int) -> list[str]:
    raw = values.get(name) or []
    if not isinstance(raw, list) or len(raw) > limit or any(v not in allowed for v in raw):
        raise ValidationError({name: "Choose from the list."})
    return list(dict.fromkeys(raw))


def _people(access: Access, values: dict[str, Any]) -> list[str]:
    raw = values.get("people") or []
    if not isinstance(raw, list) or len(raw) > inputs.MAX_PEOPLE:
        raise ValidationError({"people": "Choose from your support network."})
    ids = [policy.parse_uuid(v) for v in raw]
    if any(i is None for i in ids):
        raise ValidationError({"people": "Choose from your support network."})
    known = set(policy.scoped(access, SupportPerson.objects.all()).filter(pk__in=ids).values_list("pk", flat=True))
    if set(ids) - known:
        raise ValidationError({"people": "Choose from your support network."})
    return [str(i) for i in dict.fromkeys(ids)]


def clean_step(access: Access, step: str, values: dict[str, Any]) -> dict[str, Any]:
    """One step's values, checked and normalised (unknown names are refused, so nothing is silently dropped)."""
    if step == inputs.RELATIONSHIP_STEP:
        allowed = {*inputs.RELATIONSHIP_TEXT, "checklist", "services"}
        clean: dict[str, Any] = {n: _text(values, n, lim) for n, lim in inputs.RELATIONSHIP_TEXT.items()}
        clean["checklist"] = _codes(values, "checklist", inputs.CHECKLIST_CODES, len(inputs.CHECKLIST_CODES))
        clean["services"] = _services(values)
    elif step in inputs.STEP_KEYS:
        extras = {"coping": {"skills"}, "distractions": {"people"}, "help": {"people"}, "professionals": {"services"}}
        allowed = {"text", *extras.get(step, set())}
        clean = {"text": _text(values, "text", inputs.TEXT_LIMIT)}
        if "skills" in allowed:
            clean["skills"] = _codes(values, "skills", set(library.library()), inputs.MAX_SKILLS)
        if "people" in allowed:
            clean["people"] = _people(access, values)
        if "services" in allowed:
            clean["services"] = _services(values)
    else:
        raise ValidationError({"step": "There is no such step."})
    unknown = set(values) - allowed
    if unknown:
        raise ValidationError({name: "This cannot be changed here." for name in sorted(unknown)})
    return clean


# --- the plan ------------------------------------------------------------------------------------------------


def _part_of(step: str) -> str:
    return inputs.RELATIONSHIP if step == inputs.RELATIONSHIP_STEP else inputs.SAFETY


def _locked_plan(access: Access) -> SafetyPlan | None:
    return policy.scoped(access, SafetyPlan.objects.all()).select_for_update().first()


def require_part(access: Access, plan: SafetyPlan | None, part: str, perm: policy.Perm) -> None:
    """A part the client does not share with this caller does not exist for them (404, audited). A plan that
    does not exist yet may be started by the care team with its suicide-safety part, in session."""
    if plan is None and not access.is_self and part == inputs.SAFETY:
        return
    if part not in visible_parts(access, plan):
        raise access.deny_row("SafetyPlan", plan.pk if plan is not None else access.client_id, perm)


def _new_version(access: Access, plan: SafetyPlan, *, step: str, safety: bool, relationship: bool) -> PlanVersion:
    return PlanVersion.objects.create(
        client_id=access.client_id,
        plan=plan,
        number=plan.version,
        change=PlanVersion.Change.EDIT if step else PlanVersion.Change.RESTORE,
        step=step,
        touches_safety=safety,
        touches_relationship=relationship,
        by_client=access.is_self,
        author_id=access.actor_id,
        safety=plan.safety or "{}",
        relationship=plan.relationship or "{}",
    )


def _check_version(plan: SafetyPlan | None, expected: int | None) -> None:
    current = plan.version if plan is not None else 0
    if expected is not None and expected != current:
        raise StaleWriteError("The plan was changed since you opened it. Reload to see the latest version.")


KEEP = object()  # save_step(photo=KEEP): the photo stays as it is


def save_step(
    access: Access,
    step: str,
    values: dict[str, Any],
    *,
    expected_version: int | None = None,
    photo: bytes | object | None = KEEP,
) -> SafetyPlan:
    """Save one step (or the relationship part): the plan's text changes and a new version records it. The care
    team may start a plan in session; it then shares the suicide-safety part with them until the client says
    otherwise (they wrote it together). `photo` (the reasons step, the client's alone) is new image bytes, or None
    to remove it; it is re-encoded as a small JPEG, which also drops its location and camera data."""
    perm = perms.EDIT_PLAN
    access.require(perm)
    part = _part_of(step)
    encoded = None
    if photo is not KEEP:
        access.require(perms.OWN_PHOTO)
        if step != "reasons":
            raise ValidationError({"photo": "A photo goes with your reasons for living."})
        encoded = _reencode(photo) if isinstance(photo, bytes) else ""
    # Checked before the transaction too, so that the audited refusal is not rolled back with it.
    require_part(access, policy.scoped(access, SafetyPlan.objects.all()).first(), part, perm)
    with transaction.atomic():
        plan = _locked_plan(access)
        require_part(access, plan, part, perm)
        _check_version(plan, expected_version)
        clean = clean_step(access, step, values)
        if plan is None:
            plan = SafetyPlan(client_id=access.client_id, sharing=Sharing.NONE if access.is_self else Sharing.SAFETY)
        if part == inputs.RELATIONSHIP:
            plan.relationship = json.dumps(clean)
        else:
            data = plan.safety_data
            data[step] = clean
            plan.safety = json.dumps(data)
        if encoded is not None:
            plan.photo = encoded
        plan.version += 1
        plan.updated = timezone.now()
        plan.save()
        _new_version(
            access,
            plan,
            step=step,
            safety=part == inputs.SAFETY,
            relationship=part == inputs.RELATIONSHIP,
        )
        access.record(AuditEvent.Action.UPDATE, "SafetyPlan", plan.pk, perm)
    return plan


def _reencode(upload: bytes) -> str:
    from PIL import Image, UnidentifiedImageError

    if len(upload) > inputs.PHOTO_BYTES:
        raise ValidationError({"photo": "Please choose a photo smaller than 5 MB."})
    try:
        with Image.open(io.BytesIO(upload)) as image:
            if image.format not in {"JPEG", "PNG", "WEBP", "GIF"}:
                raise ValidationError({"photo": "Please choose a JPEG, PNG or WebP photo."})
            image.thumbnail((inputs.PHOTO_SIDE, inputs.PHOTO_SIDE))
            out = io.BytesIO()
            image.convert("RGB").save(out, format="JPEG", quality=85)
    except (UnidentifiedImageError, OSError) as exc:
        raise ValidationError({"photo": "This file does not look like a photo."}) from exc
    return base64.b64encode(out.getvalue()).decode("ascii")


def set_sharing(access: Access, sharing: str) -> SafetyPlan:
    """The client's choice of what the care team sees; it applies from the next request."""
    perm = perms.SHARE_PLAN
    access.require(perm)
    if sharing not in Sharing.values:
        raise ValidationError({"sharing": "Choose one of the options."})
    with transaction.atomic():
        plan = _locked_plan(access) or SafetyPlan(client_id=access.client_id)
        plan.sharing = sharing
        plan.save()
        access.record(AuditEvent.Action.UPDATE, "SafetyPlanSharing", plan.pk, perm)
    return plan


def restore(access: Access, version: PlanVersion, *, expected_version: int | None = None) -> SafetyPlan:
    """Bring back an earlier version: both parts as they were, saved as a new version (nothing is lost)."""
    perm = perms.RESTORE_PLAN
    access.require(perm, "PlanVersion", str(version.pk))
    with transaction.atomic():
        plan = _locked_plan(access)
        if plan is None or version.plan_id != plan.pk:
            raise access.deny_row("PlanVersion", version.pk, perm)
        _check_version(plan, expected_version)
        safety_changed = version.safety_data != plan.safety_data
        relationship_changed = version.relationship_data != plan.relationship_data
        plan.safety, plan.relationship = version.safety, version.relationship
        plan.version += 1
        plan.updated = timezone.now()
        plan.save()
        _new_version(access, plan, step="", safety=safety_changed, relationship=relationship_changed)
        access.record(AuditEvent.Action.UPDATE, "SafetyPlan", plan.pk, perm)
    return plan


def mark_reviewed(access: Access, on: datetime.date) -> SafetyPlan:
    """The clinician notes that they went through the plan with the client, on this day."""
    perm = perms.REVIEW_PLAN
    access.require(perm)
    if on > timezone.localdate():
        raise ValidationError({"reviewed_on": "This date is in the future."})
    current = policy.scoped(access, SafetyPlan.objects.all()).first()
    if current is None or inputs.SAFETY not in visible_parts(access, current):
        raise access.deny_row("SafetyPlan", current.pk if current is not None else access.client_id, perm)
    with transaction.atomic():
        plan = _locked_plan(access)
        if plan is None or inputs.SAFETY not in visible_parts(access, plan):
            raise access.deny_row("SafetyPlan", plan.pk if plan is not None else access.client_id, perm)
        plan.reviewed_on, plan.reviewed_by_id = on, access.actor_id
        plan.save(update_fields=["reviewed_on", "reviewed_by"])
        access.record(AuditEvent.Action.UPDATE, "SafetyPlanReview", plan.pk, perm)
    return plan


# --- the support network ---------------------------------------------------------------------------------------


def _clean_person(values: dict[str, Any], *, partial: bool) -> dict[str, Any]:
    allowed = {*inputs.PERSON_TEXT, "knows_about_therapy", "safe_to_contact"}
    unknown = set(values) - allowed
    if unknown:
        raise ValidationError({name: "This cannot be changed here." for name in sorted(unknown)})
    clean: dict[str, Any] = {}
    for name, limit in inputs.PERSON_TEXT.items():
        if name in values or not partial:
            clean[name] = _text(values, name, limit)
    if "phone" in clean:
        clean["phone"] = clean_phone("phone", clean["phone"])
    for name in ("knows_about_therapy", "safe_to_contact"):
        if name in values or not partial:
            value = values.get(name) or ""
            if value not in inputs.YES_NO_CODES:
                raise ValidationError({name: "Choose from the list."})
            clean[name] = value
    if "name" in clean and not clean["name"]:
        raise ValidationError({"name": "A name or nickname, so you know who this is."})
    return clean


def add_person(access: Access, values: dict[str, Any]) -> SupportPerson:
    perm = perms.EDIT_NETWORK
    access.require(perm)
    clean = _clean_person(values, partial=False)
    with transaction.atomic():
        if SupportPerson.objects.filter(client_id=access.client_id).count() >= inputs.MAX_NETWORK:
            raise ValidationError({"name": f"Your list can hold up to {inputs.MAX_NETWORK} people."})
        return rows.add(access, SupportPerson, perm, **clean)


def update_person(access: Access, found: SupportPerson, values: dict[str, Any]) -> SupportPerson:
    perm = perms.EDIT_NETWORK
    access.require(perm, "SupportPerson", str(found.pk))
    return rows.change(access, found, perm, _clean_person(values, partial=True))


def remove_person(access: Access, person: SupportPerson) -> None:
    """Take someone off the list; the plan's steps that named them simply no longer show them."""
    perm = perms.EDIT_NETWORK
    access.require(perm, "SupportPerson", str(person.pk))
    rows.remove(access, person, perm)


# --- reactions ---------------------------------------------------------------------------------------------------


def on_answered(event: events.ResponseAnswered) -> None:
    """A critical answer: the plan (if there is one) suggests a review to the care team."""
    if event.critical:
        _concern(event.client_id)


def on_safety_concern(event: events.SafetyConcern) -> None:
    _concern(event.client_id)


def _concern(client_id: uuid.UUID) -> None:
    # Only the date is kept, on the plan's own row, in the transaction of the answer that raised it.
    SafetyPlan.objects.filter(client_id=client_id).update(concern_at=timezone.now())
