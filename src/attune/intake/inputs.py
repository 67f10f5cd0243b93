"""The limits of what the client and the care team may send to the intake, declared once: the definition, the
page forms, the templates and the API schemas read them from here."""

from __future__ import annotations

MAX_TEXT = 2000  # a free-text answer (a definition may ask for less, never more) or a clinician's section note
MAX_CODES = 20  # answer codes in one answer: more than any question offers, so only a malformed request hits it
MAX_LINK_ID = 40  # a question's or a section's linkId (the definition refuses longer ones; rows store this many)
