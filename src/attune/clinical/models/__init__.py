"""The clinical record's tables: session notes (notes.py) and treatment plans with goals (plans.py)."""

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

__all__ = [
    "GOAL_TEXT_FIELDS",
    "LEVELS",
    "LEVEL_FIELDS",
    "SECTIONS",
    "SECTION_FIELDS",
    "ClinicalSettings",
    "Goal",
    "GoalRating",
    "GoalRevision",
    "GoalStatus",
    "Intervention",
    "NoteAddendum",
    "NoteStatus",
    "NoteTemplate",
    "PlanRevision",
    "SessionNote",
    "TreatmentPlan",
]
