"""Every write to the clinical record: session notes (notes.py) and treatment plans and goals (plans.py)."""

from attune.care.services import StaleWriteError
from attune.clinical.services.appointments import (
    AppointmentInput,
    book,
    remind_upcoming,
    reschedule,
    set_status,
)
from attune.clinical.services.exposure import PracticeInput, add_situation, log_practice, set_homework
from attune.clinical.services.notes import NoteInput, NoteSignedError, add_addendum, save_draft, sign_note, start_note
from attune.clinical.services.plans import (
    GoalInput,
    PlanInput,
    add_goal,
    link_scripts,
    rate_goal,
    revise_goal,
    save_plan,
    set_gas_rho,
    set_goal_status,
)
from attune.clinical.services.reviews import write_review
from attune.clinical.services.reviews_export import request_export

__all__ = [
    "AppointmentInput",
    "GoalInput",
    "NoteInput",
    "NoteSignedError",
    "PlanInput",
    "PracticeInput",
    "StaleWriteError",
    "add_addendum",
    "add_goal",
    "add_situation",
    "book",
    "link_scripts",
    "log_practice",
    "rate_goal",
    "remind_upcoming",
    "request_export",
    "reschedule",
    "revise_goal",
    "save_draft",
    "save_plan",
    "set_gas_rho",
    "set_goal_status",
    "set_homework",
    "set_status",
    "sign_note",
    "start_note",
    "write_review",
]
