"""Limits of what the care team may enter in the clinical record, declared once for the page forms, the API
schemas and the services' own checks."""

SECTION_LIMIT = 20000  # one section of a session note
ADDENDUM_LIMIT = 5000
# How far back or ahead a session date may be (a note is written for a session that happened, give or take
# a mistyped year).
SESSION_DATE_PAST_DAYS = 366 * 5

FORMULATION_LIMIT = 5000
GOAL_TITLE_LIMIT = 300
GOAL_LEVEL_LIMIT = 500
RATING_NOTE_LIMIT = 1000
WEIGHT_MIN, WEIGHT_MAX = 1, 5
SCORE_MIN, SCORE_MAX = -2, 2
GOALS_PER_PLAN = 12
RHO_MIN, RHO_MAX = 0.0, 0.9
DEFAULT_RHO = 0.3

SITUATION_LIMIT = 300
GUIDANCE_LIMIT = 1000
PRACTICE_NOTE_LIMIT = 1000
MINUTES_MIN, MINUTES_MAX = 1, 240
TIMES_MIN, TIMES_MAX = 1, 14
SITUATIONS_PER_CLIENT = 30

PLACE_LIMIT = 200
LINK_LIMIT = 500
APPOINTMENT_MINUTES_MIN, APPOINTMENT_MINUTES_MAX = 5, 480
REMIND_BEFORE_HOURS = 24

NARRATIVE_LIMIT = 10000
