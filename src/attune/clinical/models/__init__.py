"""The clinical record's tables: session notes (notes.py), treatment plans with goals (plans.py) and exposure
hierarchies (exposure.py)."""

from attune.clinical.models.appointments import Appointment, AppointmentKind, AppointmentStatus
from attune.clinical.models.exposure import ExposureHomework, ExposurePractice, ExposureSituation
from attune.clinical.models.notes import (
    SECTION_FIELDS,
    SECTIONS,
    NoteAddendum,
    NoteStatus,
    NoteTemplate,
    SessionNote,
)
from attune.clinical.models.plans import (
    GOAL_TEXT_FIELDS,
    LEVEL_FIELDS,
    LEVELS,
    ClinicalSettings,
    Goal,
    GoalRating,
    GoalRevision,
    GoalStatus,
    Intervention,
    PlanRevision,
    TreatmentPlan,
)
from attune.clinical.models.reviews import ProgressReview, ReviewExport

__all__ = [
    "GOAL_TEXT_FIELDS",
    "LEVELS",
    "LEVEL_FIELDS",
    "SECTIONS",
    "SECTION_FIELDS",
    "Appointment",
    "AppointmentKind",
    "AppointmentStatus",
    "ClinicalSettings",
    "ExposureHomework",
    "ExposurePractice",
    "ExposureSituation",
    "Goal",
    "GoalRating",
    "GoalRevision",
    "GoalStatus",
    "Intervention",
    "NoteAddendum",
    "NoteStatus",
    "NoteTemplate",
    "PlanRevision",
    "ProgressReview",
    "ReviewExport",
    "SessionNote",
    "TreatmentPlan",
]
