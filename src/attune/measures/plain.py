"""What a client reads about a questionnaire: its plain name and what its number means, without acronyms, labels
or statistics. One place for every capability that shows a client her results (the results page, the questions
themselves, the progress review's plain version), through the `plain_words` template tags.

Which results a client is shown at all is the care team's choice, kept by monitoring (`MeasureVisibility`); a
capability that does not own that choice asks `shown_to_client`, and monitoring registers the answer in its
`AppConfig.ready()`. With nothing registered a client is shown no result.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

NAMES = {
    "phq9": "How your mood has been",
    "gad7": "Worry and tension",
    "pcl5": "Reactions to a stressful experience",
    "pcptsd5": "Reactions to a stressful experience: a short check",
    "brs": "Bouncing back",
    "mspss": "Support from people around you",
    "csi16": "How your relationship feels",
    "ders16": "Handling strong feelings",
    "ecr-rs": "Closeness in relationships",
}

MEANINGS = {
    "phq9": "A lower result means low mood, and the things that often come with it, have been bothering you less "
    "often.",
    "gad7": "A lower result means worry and tension have been bothering you less often.",
    "pcl5": "A lower result means reactions to a stressful experience, such as unwanted memories, feeling on guard "
    "or steering clear of reminders, have been bothering you less.",
    "pcptsd5": "A lower result means fewer of these reactions in the past month.",
    "brs": "A higher result means you have felt more able to bounce back after hard times.",
    "mspss": "A higher result means you have felt more supported by the people around you.",
    "csi16": "A higher result means you have felt happier in your relationship.",
    "ders16": "A lower result means strong feelings have felt more manageable.",
}


def name(code: str, title: str = "") -> str:
    """The plain name of an instrument; a practice's own instrument keeps the title its file gives."""
    return NAMES.get(code, title)


def meaning(code: str) -> str:
    return MEANINGS.get(code, "")


# shown(client_id): the codes of the instruments whose results the care team chose to show this client.
Shown = Callable[[uuid.UUID | int], set[str]]

_shown: Shown | None = None


def register_shown(shown: Shown) -> None:
    """Called once by monitoring's AppConfig.ready()."""
    global _shown
    _shown = shown


def shown_to_client(client_id: uuid.UUID | int) -> set[str]:
    return _shown(client_id) if _shown is not None else set()
