"""Clinical service calls made the way a view makes them: reach the client (and the row) through the policy with
the permission the service needs, then call the service with that access."""

from __future__ import annotations

import datetime
import uuid

from attune.accounts.models import User
from attune.clinical import perms, services
from attune.clinical.models import (
    ExposureHomework,
    ExposurePractice,
    ExposureSituation,
    Goal,
    GoalRating,
    NoteAddendum,
    SessionNote,
    TreatmentPlan,
)
from attune.core import policy
from attune.core.policy import Access


def _client(user: User, client_id: uuid.UUID, perm: policy.Perm) -> Access:
    return policy.client(user, client_id, perm)


def _note(access: Access, note_id: object) -> SessionNote:
    return policy.row_of(access, SessionNote.objects.all(), note_id, perms.WRITE_NOTES, entity="SessionNote")


def start_note(
    user: User, client_id: uuid.UUID, template: str, sections: dict[str, str], day: datetime.date | None = None
) -> SessionNote:
    access = _client(user, client_id, perms.WRITE_NOTES)
    data = services.NoteInput(template, day or datetime.date.today(), sections)
    return services.start_note(access, data)


def save_draft(
    user: User, client_id: uuid.UUID, note_id: object, sections: dict[str, str], version: int | None
) -> SessionNote:
    access = _client(user, client_id, perms.WRITE_NOTES)
    return services.save_draft(access, _note(access, note_id), sections, expected_version=version)


def sign_note(user: User, client_id: uuid.UUID, note_id: object, version: int | None) -> SessionNote:
    access = _client(user, client_id, perms.WRITE_NOTES)
    return services.sign_note(access, _note(access, note_id), expected_version=version)


def add_addendum(user: User, client_id: uuid.UUID, note_id: object, text: str) -> NoteAddendum:
    access = _client(user, client_id, perms.WRITE_NOTES)
    return services.add_addendum(access, _note(access, note_id), text)


# --- plans and goals ---------------------------------------------------------------------------------------


def _goal(access: Access, goal_id: object, perm: policy.Perm) -> Goal:
    return policy.row_of(access, Goal.objects.all(), goal_id, perm, entity="Goal")


def save_plan(user: User, client_id: uuid.UUID, data: services.PlanInput, version: int | None = None) -> TreatmentPlan:
    return services.save_plan(_client(user, client_id, perms.WRITE_PLAN), data, expected_version=version)


def add_goal(user: User, client_id: uuid.UUID, plan_id: object, data: services.GoalInput) -> Goal:
    access = _client(user, client_id, perms.WRITE_PLAN)
    plan = policy.row_of(access, TreatmentPlan.objects.all(), plan_id, perms.WRITE_PLAN, entity="TreatmentPlan")
    return services.add_goal(access, plan, data)


def revise_goal(
    user: User, client_id: uuid.UUID, goal_id: object, data: services.GoalInput, version: int | None
) -> Goal:
    access = _client(user, client_id, perms.WRITE_PLAN)
    return services.revise_goal(access, _goal(access, goal_id, perms.WRITE_PLAN), data, expected_version=version)


def set_goal_status(user: User, client_id: uuid.UUID, goal_id: object, status: str) -> Goal:
    access = _client(user, client_id, perms.WRITE_PLAN)
    return services.set_goal_status(access, _goal(access, goal_id, perms.WRITE_PLAN), status)


def rate_goal(user: User, client_id: uuid.UUID, goal_id: object, score: int, note: str = "") -> GoalRating:
    access = _client(user, client_id, perms.RATE_GOALS)
    return services.rate_goal(access, _goal(access, goal_id, perms.RATE_GOALS), score, note)


# --- exposure ------------------------------------------------------------------------------------------------


def add_situation(user: User, client_id: uuid.UUID, description: str, expected: int) -> ExposureSituation:
    return services.add_situation(_client(user, client_id, perms.PLAN_EXPOSURE), description, expected)


def set_homework(
    user: User, client_id: uuid.UUID, situation_id: object, minutes: int, times: int, guidance: str = ""
) -> ExposureHomework:
    access = _client(user, client_id, perms.PLAN_EXPOSURE)
    situation = policy.row_of(
        access, ExposureSituation.objects.all(), situation_id, perms.PLAN_EXPOSURE, entity="ExposureSituation"
    )
    return services.set_homework(access, situation, minutes, times, guidance)


def log_practice(
    user: User, client_id: uuid.UUID, homework_id: object, key: uuid.UUID, data: services.PracticeInput
) -> tuple[ExposurePractice, bool]:
    access = _client(user, client_id, perms.LOG_EXPOSURE)
    homework = policy.row_of(
        access, ExposureHomework.objects.all(), homework_id, perms.LOG_EXPOSURE, entity="ExposureHomework"
    )
    return services.log_practice(access, homework, key, data)
