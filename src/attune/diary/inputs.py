"""Limits of what a client (or their clinician, drafting a script) may enter in the diary and on the map,
declared once for the page forms, the API schemas and the services' own checks."""

from attune.skills.inputs import DISTRESS_MAX, DISTRESS_MIN, SKILL_SLUG_LIMIT

__all__ = ["DISTRESS_MAX", "DISTRESS_MIN", "SKILL_SLUG_LIMIT", "TEXT_LIMITS"]

# Free text, by field name (the same names in forms, schemas and services).
TEXT_LIMITS = {
    "trigger_words": 500,
    "what_i_did": 1000,
    "note": 5000,
    "name": 80,
    "triggers": 2000,
    "automatic_words": 2000,
    "protects": 2000,
    "costs": 2000,
    "description": 1000,
}
MAX_CODES = 20  # body cues, body areas, automatic responses picked in one entry or script
MAX_TRIGGER_KINDS = 10
SEARCH_LIMIT = 80
