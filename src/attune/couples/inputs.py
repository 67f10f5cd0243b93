"""Limits of what the couple (or their clinician) may write, declared once for the page forms, the API schemas
and the services' own checks."""

TEXT_LIMITS = {
    "title": 120,
    "text": 4000,
    "note": 2000,
    "answer": 1000,
    "email": 254,
}
RHYTHMS = [(7, "Every week"), (14, "Every two weeks"), (28, "Every four weeks")]
SCALE_MIN, SCALE_MAX = 0, 4
PAGE_SIZE = 20
