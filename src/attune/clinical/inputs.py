"""Limits of what the care team may enter in the clinical record, declared once for the page forms, the API
schemas and the services' own checks."""

SECTION_LIMIT = 20000  # one section of a session note
ADDENDUM_LIMIT = 5000
# How far back or ahead a session date may be (a note is written for a session that happened, give or take
# a mistyped year).
SESSION_DATE_PAST_DAYS = 366 * 5
