"""The limits and choices of the record's inputs, declared once: the page forms (forms.py), the API schemas
(api.py) and the services' own checks all read them from here."""

from __future__ import annotations

from attune.care.models import Episode

PREFERRED_NAME_MAX = 80
PRONOUNS_MAX = 40
REFERRAL_REASON_MAX = 20000
SEARCH_MAX = 80

# The fields of a client record that its care team (or the client) may change.
EDITABLE_FIELDS = ("preferred_name", "pronouns", "referral_reason")

CLOSE_REASONS = Episode.CloseReason
CASELOAD_STATUSES = (("active", "Active"), ("discharged", "Discharged"))

# Safe contact: which ways of reaching the client are safe, in their words (SafeContact).
SAFE_CONTACT_CHOICES = ("email_ok", "push_ok", "phone_ok", "may_leave_message")  # yes, no or not said (None)
SAFE_CONTACT_TEXT = ("phone", "times_to_avoid")
SAFE_CONTACT_FIELDS = SAFE_CONTACT_CHOICES + SAFE_CONTACT_TEXT
PHONE_MAX = 40
TIMES_TO_AVOID_MAX = 500
# A practice's working time and escalation (practice:settings).
WEEKDAYS = (
    (0, "Monday"),
    (1, "Tuesday"),
    (2, "Wednesday"),
    (3, "Thursday"),
    (4, "Friday"),
    (5, "Saturday"),
    (6, "Sunday"),
)
ESCALATION_MINUTES_MIN = 5
ESCALATION_MINUTES_MAX = 480
