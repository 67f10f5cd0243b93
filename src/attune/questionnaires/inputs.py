"""Limits and choices of the questionnaire engine's inputs, declared once for the page forms, the API schemas
and the services that check them again."""

from __future__ import annotations

# Setting a waiting questionnaire aside: days until the portal shows it again, and how the choice reads.
POSTPONE_CHOICES: tuple[tuple[int, str], ...] = ((1, "Tomorrow"), (3, "In 3 days"), (7, "In a week"))
POSTPONE_DAYS: tuple[int, ...] = tuple(days for days, _label in POSTPONE_CHOICES)

INSTRUMENT_MAX_LENGTH = 40  # an instrument's code (Response.instrument)
LINK_ID_MAX_LENGTH = 40  # an item's linkId (Answer.link_id, Response.position)
