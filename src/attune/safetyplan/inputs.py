"""What a safety plan holds and the limits of what may be entered, declared once for the page forms, the API
schemas and the services' own checks.

The plan has two parts. The suicide-safety part is the six steps of a Stanley-Brown plan plus the client's reasons
for living; the relationship-safety part is a separate plan for danger at home. Each part is stored as one
encrypted JSON document, so that a version is a copy of both.
"""

from __future__ import annotations

SAFETY = "safety"
RELATIONSHIP = "relationship"

# Steps of the suicide-safety part, in order: (key, title, hint). The keys name the text field of each step.
STEPS: tuple[tuple[str, str, str], ...] = (
    (
        "warning_signs",
        "My warning signs",
        "Thoughts, images, moods, situations or body cues that tell me a hard time may be starting.",
    ),
    (
        "coping",
        "Things I can do on my own",
        "Ways to calm my body or take my mind off things without contacting anyone.",
    ),
    (
        "distractions",
        "People and places that take my mind off things",
        "Places I can go and people I can be around, without needing to talk about how I feel.",
    ),
    ("help", "People I can ask for help", "People I can tell that I am having a hard time."),
    (
        "professionals",
        "Professionals and services I can contact",
        "My care team, crisis lines and other services, day or night.",
    ),
    ("surroundings", "Making my surroundings safer", "Things I can do to keep myself safer when things feel hard."),
    ("reasons", "My reasons for living", "What matters to me, the people and things worth staying for."),
)
STEP_KEYS = tuple(key for key, _, _ in STEPS)
STEP_TITLES = {key: title for key, title, _ in STEPS}
RELATIONSHIP_STEP = "relationship"
ALL_STEPS = (*STEP_KEYS, RELATIONSHIP_STEP)

TEXT_LIMIT = 2000
SHORT_LIMIT = 200
PHONE_LIMIT = 30
MAX_SERVICES = 5
MAX_SKILLS = 10
MAX_PEOPLE = 20
MAX_NETWORK = 50
PHOTO_BYTES = 5 * 1024 * 1024  # what may be uploaded; it is stored smaller (PHOTO_SIDE)
PHOTO_SIDE = 1024

# The relationship-safety part's text fields and their limits.
RELATIONSHIP_TEXT = {
    "signs": TEXT_LIMIT,
    "safe_place": TEXT_LIMIT,
    "getting_there": TEXT_LIMIT,
    "checklist_other": TEXT_LIMIT,
    "code_word": SHORT_LIMIT,
    "code_person": SHORT_LIMIT,
    "contact_ways": TEXT_LIMIT,
}
CHECKLIST: tuple[tuple[str, str], ...] = (
    ("id", "Passport, ID or driving licence"),
    ("money", "Bank cards and some cash"),
    ("phone", "Phone and charger"),
    ("keys", "Spare keys"),
    ("medication", "Medication and prescriptions"),
    ("papers", "Important papers (tenancy, benefits, court papers)"),
    ("children", "Things for children or pets"),
    ("clothes", "A change of clothes"),
)
CHECKLIST_CODES = tuple(code for code, _ in CHECKLIST)

# The support network.
PERSON_TEXT = {"name": 80, "how_they_help": 500, "phone": PHONE_LIMIT, "reach": 500}
YES_NO = (("", "Not said"), ("yes", "Yes"), ("no", "No"), ("unsure", "Not sure"))
YES_NO_CODES = tuple(code for code, _ in YES_NO)

SHARING = (
    ("none", "Nothing"),
    (SAFETY, "My suicide-safety plan only"),
    ("all", "All of my plan"),
)
SHARING_CODES = tuple(code for code, _ in SHARING)

# Parts a client may choose to print: each step, the support network, and the relationship part.
PRINT_PARTS = (*STEP_KEYS, "network", RELATIONSHIP_STEP)
