"""Permissions of the questionnaire engine: sending, answering and reading questionnaires."""

from attune.core.policy import Relation as R
from attune.core.policy import declare

ASSIGN = declare("measures.assign", {R.CARE_TEAM}, write=True, doc="send a questionnaire, or give one in session")
ANSWER = declare(
    "measures.answer", {R.SELF, R.CARE_TEAM}, write=True, doc="the client in the portal, a clinician in session"
)
VIEW = declare(
    "measures.view", {R.CARE_TEAM, R.SUPERVISOR}, doc="scores, flags and bands: outcomes, not text", category="results"
)
VIEW_ANSWERS = declare("measures.view_answers", {R.SELF, R.CARE_TEAM}, doc="item-level answers", category="results")
