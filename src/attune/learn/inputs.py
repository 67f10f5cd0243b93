"""Limits of what a client may enter in learning and narrative work, declared once for the page forms, the API
schemas and the services' own checks."""

DISTRESS_MIN = 0
DISTRESS_MAX = 100
FEELINGS_MAX = 3
FEELING_NAME_LIMIT = 60
TEXT_LIMIT = 4000  # each thought-record field
OWN_REPLY_LIMIT = 500
NOTE_LIMIT = 2000
REFLECTION_LIMIT = 2000
PASSAGE_LIMIT = 2000
TITLE_LIMIT = 120
PIECE_LIMIT = 20000  # a letter or a story
SLUG_LIMIT = 60
MAX_STEPS = 60  # replies tried in one rehearsal
PAGE_SIZE = 20

# The window-of-tolerance check before writing: where the client is right now.
WINDOW = {
    "inside": "Steady enough: I can feel things and still think",
    "above": "Keyed up: racing, flooded or on edge",
    "below": "Far away: flat, numb or foggy",
}
