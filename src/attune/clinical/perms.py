"""Permissions of the clinical record.

Session notes are the care team's working record: only the client's care team reads or writes them. A supervisor
or practice admin has a relationship with the client but holds no note permission (403, audited): reading a note
outside the care team needs the break-glass of the consent work, which does not exist yet, so it is simply
refused. A partner never holds one, whatever the client shares, because no note permission names a sharing
category. The client does not read the notes in the portal either: what they see of their care is the plan and
goals in their own words.
"""

from attune.core.policy import Relation as R
from attune.core.policy import declare

VIEW_NOTES = declare(
    "notes.view", {R.CARE_TEAM}, doc="read session notes and their addenda (audited per note)", category="notes"
)
WRITE_NOTES = declare(
    "notes.write",
    {R.CARE_TEAM},
    write=True,
    doc="write, sign and amend session notes; a signed note never changes",
    category="notes",
)

# Treatment plans and goals: the client sees their plan and goals and rates their own progress; the care team
# writes the plan with them. Nobody else holds these (a supervisor sees the score in a review, another part).
VIEW_PLAN = declare(
    "plan.view", {R.SELF, R.CARE_TEAM}, doc="the treatment plan, its goals and their ratings", category="plan"
)
WRITE_PLAN = declare(
    "plan.write",
    {R.CARE_TEAM},
    write=True,
    doc="write the plan and its goals, revise or set aside a goal",
    category="plan",
)
RATE_GOALS = declare(
    "goals.rate",
    {R.SELF, R.CARE_TEAM},
    write=True,
    doc="rate where a goal stands (the client's own view or the scale)",
    category="plan",
)

# Exposure hierarchies: the client and her care team see the situations, homework and practice logs; the care team
# lists situations and sets homework with her; only the client logs her own practice.
VIEW_EXPOSURE = declare(
    "exposure.view", {R.SELF, R.CARE_TEAM}, doc="exposure situations, homework and practices", category="plan"
)
PLAN_EXPOSURE = declare(
    "exposure.plan", {R.CARE_TEAM}, write=True, doc="list situations and set homework", category="plan"
)
LOG_EXPOSURE = declare("exposure.log", {R.SELF}, write=True, doc="log a practice (the client only)")

# Appointments: the client sees her own (and takes them to her calendar); the care team books them and records
# what became of them.
VIEW_APPOINTMENTS = declare("appointments.view", {R.SELF, R.CARE_TEAM}, doc="sessions booked, with place or link")
# A linked partner comes to the couple's sessions: they see those (when, how long, where), only while the link is
# in force, and never an individual session of the client (core/sessions.py, queries.sessions_of_kind).
VIEW_COUPLES_SESSIONS = declare(
    "appointments.view_couples",
    {R.SELF, R.PARTNER, R.CARE_TEAM},
    doc="the couple's sessions (kind couples) in couples work; a partner sees no other session",
)
MANAGE_APPOINTMENTS = declare(
    "appointments.manage", {R.CARE_TEAM}, write=True, doc="book a session, cancel it, record it missed or attended"
)

# Progress reviews: the care team writes and reads the clinical version; the client reads hers, in plain words.
# A review gathers the plan, goals and results, so a client who keeps the plan from a clinician keeps reviews too.
VIEW_REVIEWS = declare(
    "review.view", {R.SELF, R.CARE_TEAM}, doc="progress reviews (the client sees her version)", category="plan"
)
WRITE_REVIEWS = declare("review.write", {R.CARE_TEAM}, write=True, doc="write a progress review", category="plan")
