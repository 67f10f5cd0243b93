"""Writes of treatment plans and goals. Each takes the client (and row) reached through the policy, checks its
permission (a refusal is audited), and writes the change, the revision that keeps what was there before, and its
audit event in one transaction. A stale save of the plan or a goal raises StaleWriteError (409)."""

from __future__ import annotations

import datetime
import decimal
import uuid
from dataclasses import asdict, dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from attune.care.models import Episode
from attune.care.services import StaleWriteError
from attune.clinical import inputs, perms
from attune.clinical.models import (
    GOAL_TEXT_FIELDS,
    ClinicalSettings,
    Goal,
    GoalRating,
    GoalRevision,
    GoalStatus,
    Intervention,
    PlanRevision,
    TreatmentPlan,
)
from attune.core import policy
from attune.core.models import AuditEvent
from attune.core.policy import Access, PracticeAccess
from attune.skills import journal
from attune.skills.perms import VIEW_DIARY


@dataclass
class PlanInput:
    formulation_client: str = ""
    formulation_clinician: str = ""


@dataclass
class GoalInput:
    title: str
    level_minus2: str = ""
    level_minus1: str = ""
    level_0: str = ""
    level_plus1: str = ""
    level_plus2: str = ""
    weight: int = 1
    target_date: datetime.date | None = None
    interventions: list[str] = field(default_factory=list)


def _too_long(values: dict[str, str], limit: int) -> None:
    errors = {name: f"Please keep this under {limit} characters." for name, v in values.items() if len(v) > limit}
    if errors:
        raise ValidationError(errors)


def _open_episode(access: Access) -> Episode:
    episode = Episode.objects.filter(client_id=access.client_id, closed__isnull=True).first()
    if episode is None:
        raise ValidationError("There is no open episode of care: open one on the client's record first.")
    return episode


def save_plan(access: Access, data: PlanInput, *, expected_version: int | None) -> TreatmentPlan:
    """Write the open episode's plan (creating it the first time). A save keeps what the plan said before as a
    revision."""
    perm = perms.WRITE_PLAN
    access.require(perm)
    values = {name: text.strip() for name, text in asdict(data).items()}
    _too_long(values, inputs.FORMULATION_LIMIT)
    with transaction.atomic():
        episode = _open_episode(access)
        plan = policy.scoped(access, TreatmentPlan.objects.all()).select_for_update().filter(episode=episode).first()
        if plan is None:
            plan = TreatmentPlan(client_id=access.client_id, episode=episode, **values)
            plan.save()
            access.record(AuditEvent.Action.CREATE, "TreatmentPlan", plan.pk, perm)
            return plan
        _revise(access, plan, values, expected_version)
        access.record(AuditEvent.Action.UPDATE, "TreatmentPlan", plan.pk, perm)
    plan.refresh_from_db()
    return plan


def _revise(access: Access, plan: TreatmentPlan, values: dict[str, Any], expected_version: int | None) -> None:
    """Keep the plan as it was in its history, then save it with `values` as its next version (inside the
    caller's transaction, the plan locked). A save from an older version than the plan's is refused, unchanged."""
    if expected_version is not None and plan.version != expected_version:
        raise StaleWriteError("The plan was saved elsewhere since you opened it. Nothing was overwritten.")
    PlanRevision(
        client_id=access.client_id,
        plan=plan,
        version=plan.version,
        formulation_client=plan.formulation_client,
        formulation_clinician=plan.formulation_clinician,
        script_ids=plan.script_ids,
        saved_by_id=access.actor_id,
    ).save()
    for name, value in values.items():
        setattr(plan, name, value)
    plan.updated = timezone.now()
    plan.version = F("version") + 1
    plan.save()


def link_scripts(access: Access, script_ids: list[uuid.UUID], *, expected_version: int | None) -> TreatmentPlan:
    """Link scripts on the client's map to the plan's formulation (replacing the links). Only scripts this
    clinician can see on the map can be linked; what the plan linked before is kept in its history."""
    perm = perms.WRITE_PLAN
    access.require(perm)
    access.require(VIEW_DIARY)  # the map is the diary's: a clinician the client keeps it from links nothing
    visible = {ref.id for ref in journal.scripts(access)}
    wanted = list(dict.fromkeys(script_ids))
    if any(pk not in visible for pk in wanted):
        raise ValidationError({"scripts": "Choose scripts from the client's map."})
    with transaction.atomic():
        episode = _open_episode(access)
        plan = policy.scoped(access, TreatmentPlan.objects.all()).select_for_update().filter(episode=episode).first()
        if plan is None:
            raise ValidationError("Save the plan first: scripts are linked to its formulation.")
        _revise(access, plan, {"script_ids": [str(pk) for pk in wanted]}, expected_version)
        access.record(AuditEvent.Action.UPDATE, "TreatmentPlan", plan.pk, perm)
    plan.refresh_from_db()
    return plan


def _clean_goal(data: GoalInput) -> dict[str, object]:
    values = asdict(data)
    for name in GOAL_TEXT_FIELDS:
        values[name] = (values[name] or "").strip()
    if not values["title"]:
        raise ValidationError({"title": "Write the goal, in the words you agreed."})
    _too_long({"title": values["title"]}, inputs.GOAL_TITLE_LIMIT)
    _too_long({n: values[n] for n in GOAL_TEXT_FIELDS if n != "title"}, inputs.GOAL_LEVEL_LIMIT)
    if not inputs.WEIGHT_MIN <= data.weight <= inputs.WEIGHT_MAX:
        raise ValidationError({"weight": f"Choose a weight from {inputs.WEIGHT_MIN} to {inputs.WEIGHT_MAX}."})
    codes = list(data.interventions or [])
    if any(code not in Intervention.values for code in codes):
        raise ValidationError({"interventions": "Choose from the list."})
    values["interventions"] = sorted(set(codes))
    return values


def add_goal(access: Access, plan: TreatmentPlan, data: GoalInput) -> Goal:
    perm = perms.WRITE_PLAN
    access.require(perm, "TreatmentPlan", str(plan.pk))
    values = _clean_goal(data)
    with transaction.atomic():
        locked = policy.scoped(access, TreatmentPlan.objects.all()).select_for_update().get(pk=plan.pk)
        count = Goal.objects.filter(plan=locked).count()
        if count >= inputs.GOALS_PER_PLAN:
            raise ValidationError(f"A plan holds up to {inputs.GOALS_PER_PLAN} goals; set one aside or revise one.")
        goal = Goal(client_id=access.client_id, plan=locked, position=count, **values)
        goal.save()
        access.record(AuditEvent.Action.CREATE, "Goal", goal.pk, perm)
    return goal


def _keep_revision(access: Access, goal: Goal) -> None:
    GoalRevision(
        client_id=access.client_id,
        goal=goal,
        version=goal.version,
        **{name: getattr(goal, name) for name in GOAL_TEXT_FIELDS},
        weight=goal.weight,
        target_date=goal.target_date,
        interventions=goal.interventions,
        status=goal.status,
        saved_by_id=access.actor_id,
    ).save()


def _locked_goal(access: Access, goal: Goal, expected_version: int | None) -> Goal:
    row = policy.scoped(access, Goal.objects.all()).select_for_update().get(pk=goal.pk)
    if expected_version is not None and row.version != expected_version:
        raise StaleWriteError("This goal was saved elsewhere since you opened it. Nothing was overwritten.")
    return row


def revise_goal(access: Access, goal: Goal, data: GoalInput, *, expected_version: int | None) -> Goal:
    """Change a goal's words, scale, weight, target or interventions; what it said before is kept."""
    perm = perms.WRITE_PLAN
    access.require(perm, "Goal", str(goal.pk))
    values = _clean_goal(data)
    with transaction.atomic():
        row = _locked_goal(access, goal, expected_version)
        _keep_revision(access, row)
        for name, value in values.items():
            setattr(row, name, value)
        row.updated = timezone.now()
        row.version = F("version") + 1
        row.save()
        access.record(AuditEvent.Action.UPDATE, "Goal", row.pk, perm)
    row.refresh_from_db()
    return row


def set_goal_status(access: Access, goal: Goal, status: str) -> Goal:
    """Set a goal aside (or take it up again); its history and ratings stay."""
    perm = perms.WRITE_PLAN
    access.require(perm, "Goal", str(goal.pk))
    if status not in GoalStatus.values:
        raise ValidationError({"status": "Choose what to do with the goal."})
    with transaction.atomic():
        row = _locked_goal(access, goal, None)
        if row.status == status:
            return row
        _keep_revision(access, row)
        row.status = status
        row.updated = timezone.now()
        row.version = F("version") + 1
        row.save()
        access.record(AuditEvent.Action.UPDATE, "Goal", row.pk, perm)
    row.refresh_from_db()
    return row


def rate_goal(access: Access, goal: Goal, score: int, note: str = "") -> GoalRating:
    """Where a goal stands on its scale: the client's own view, or the care team's rating (the scale's score)."""
    perm = perms.RATE_GOALS
    access.require(perm, "Goal", str(goal.pk))
    if not isinstance(score, int) or isinstance(score, bool) or not inputs.SCORE_MIN <= score <= inputs.SCORE_MAX:
        raise ValidationError({"score": "Choose one of the five levels."})
    note = note.strip()
    _too_long({"note": note}, inputs.RATING_NOTE_LIMIT)
    with transaction.atomic():
        row = policy.scoped(access, Goal.objects.all()).select_for_update().get(pk=goal.pk)
        if row.status != GoalStatus.ACTIVE:
            raise ValidationError("This goal is set aside, so it is not rated now.")
        rating = GoalRating(
            client_id=access.client_id,
            goal=row,
            score=score,
            by_client=access.is_self,
            rated_by_id=access.actor_id,
            note=note,
        )
        rating.save()
        access.record(AuditEvent.Action.CREATE, "GoalRating", rating.pk, perm)
    return rating


def set_gas_rho(access: PracticeAccess, rho: decimal.Decimal) -> ClinicalSettings:
    """A practice admin sets the correlation between goals its GAS T-scores assume."""
    if not decimal.Decimal(str(inputs.RHO_MIN)) <= rho <= decimal.Decimal(str(inputs.RHO_MAX)):
        raise ValidationError({"gas_rho": f"Choose a value from {inputs.RHO_MIN} to {inputs.RHO_MAX}."})
    with transaction.atomic():
        found, _ = ClinicalSettings.objects.select_for_update().get_or_create(practice_id=access.practice_id)
        found.gas_rho = rho
        found.save()
        access.record(AuditEvent.Action.UPDATE, "ClinicalSettings", found.pk, "clinical.settings")
    return found
