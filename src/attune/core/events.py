"""Events: how one capability reacts to what another did, without either importing the other.

A service publishes a typed event inside its own transaction; the handlers subscribed to that event type run at
once, synchronously, in the same transaction, so the reaction commits or rolls back with the change that caused
it (an alert raised by an answer disappears if the answer's transaction fails). A handler writes only its own
app's tables. Handlers are subscribed in their app's `AppConfig.ready()`; `tests/core/test_events.py` fails if
the safety reactions are not subscribed.

Events carry ids and codes, never free text: they are not stored, but they cross app boundaries, and the rule
that client text stays in the record is easier to keep when nothing else carries it.
"""

from __future__ import annotations

import datetime
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import transaction


@dataclass(frozen=True)
class Event:
    """Base of every event: the client the event is about."""

    client_id: uuid.UUID


# --- questionnaires (engine) ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ResponseAnswered(Event):
    """One answer saved (by Next, by autosave or by the API). `critical` is the engine's verdict on it."""

    response_id: uuid.UUID
    instrument: str
    link_id: str
    value: float | None
    critical: bool
    # The item is one whose answer can be critical (PHQ-9 item 9), and it was skipped: its answer is not known,
    # which is never "no risk" (monitoring asks the clinician to check in, gently, rather than raise an alarm).
    critical_item: bool = False
    skipped: bool = False


@dataclass(frozen=True)
class ResponseSubmitted(Event):
    """A questionnaire response completed and scored (in the portal, in session or by a FHIR import)."""

    response_id: uuid.UUID
    instrument: str
    total: float | None
    critical_items: tuple[str, ...]


# --- safety -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SafetyConcern(Event):
    """An answer outside the questionnaire engine suggests the client may not be safe (the intake's safety
    questions). `source` names where it came from ("intake"), `item` which question, `source_id` the row."""

    source: str
    source_id: uuid.UUID
    item: str
    since: datetime.datetime  # concerns about the same source and item after this moment are one concern


# --- the clinical record ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class AppointmentBooked(Event):
    """A session was booked (or a cancelled one put back on). `date` is the session's local date; monitoring keeps
    its session dates in step, for "before each session" questionnaires and the markers on progress charts."""

    appointment_id: uuid.UUID
    date: datetime.date
    clinician_id: int | None


@dataclass(frozen=True)
class AppointmentRescheduled(Event):
    """A booked session moved to another time; `date` is its new local date."""

    appointment_id: uuid.UUID
    date: datetime.date
    clinician_id: int | None


@dataclass(frozen=True)
class AppointmentCancelled(Event):
    """A booked session was cancelled: it drops out of the session dates."""

    appointment_id: uuid.UUID


# --- privacy ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClientErased(Event):
    """The practice confirmed a client's erasure: the record layer clears the identifying fields, ends partner
    links and closes the portal account. (The privacy centre destroys the data key itself.)"""

    confirmed_by: int


# --- accounts ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class InvitationAccepted:
    """Someone accepted an invitation: the record layer links a client's portal account or a partner."""

    invitation_id: uuid.UUID
    kind: str
    user_id: int
    client_id: uuid.UUID | None


@dataclass(frozen=True)
class SignInLinkRequested:
    """A sign-in for an account under the per-account limit needs a one-time link emailed to its owner.
    `target` is the link's path on this site (it carries the one-time token); the outbox sends it by email only."""

    user_id: int
    target: str
    dedupe_key: str


E = TypeVar("E")
Handler = Callable[[Any], object]

_handlers: dict[type, list[Handler]] = defaultdict(list)


def subscribe(event_type: type[E], handler: Callable[[E], object]) -> None:
    """Register a handler (from an AppConfig.ready()). Subscribing the same handler twice is a no-op."""
    if handler not in _handlers[event_type]:
        _handlers[event_type].append(handler)


def subscribers(event_type: type) -> list[Handler]:
    return list(_handlers[event_type])


def publish(event: object) -> list[object]:
    """Run every handler of this event's type inside the caller's transaction; returns what they returned."""
    with transaction.atomic(savepoint=False):
        return [handler(event) for handler in subscribers(type(event))]
