"""Limits and choices of monitoring's inputs, declared once for the page forms, the API schemas and the services
that check them again."""

from __future__ import annotations

from attune.monitoring.models import AlertEvent, Schedule

# "Every N days" or "every N weeks": the largest N for each kind (about three months, about six months).
MAX_EVERY: dict[str, int] = {Schedule.Kind.DAYS: 90, Schedule.Kind.WEEKS: 26}
EVERY_MAX = max(MAX_EVERY.values())  # what a form field or schema can say before it knows the kind

NOTE_MAX_LENGTH = 2000  # an acknowledgement or resolution note on an alert
CONTACT_OUTCOMES = AlertEvent.Outcome  # called, left a message, reached, could not reach
