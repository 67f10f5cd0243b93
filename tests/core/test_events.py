"""Events: reactions between capabilities run in the publisher's transaction, and the safety reactions are
subscribed (a critical answer, a submitted questionnaire and a safety answer in the intake must reach monitoring,
which raises the alert for the care team)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import pytest
from django.db import transaction

from attune.core import events


@pytest.mark.parametrize("event_type", [events.ResponseAnswered, events.ResponseSubmitted, events.SafetyConcern])
def test_the_safety_reactions_are_subscribed(event_type: type) -> None:
    handlers = events.subscribers(event_type)
    assert any(h.__module__.startswith("attune.monitoring") for h in handlers), (
        f"nobody in monitoring reacts to {event_type.__name__}: a critical answer would raise no alert"
    )


def test_invitations_link_records_through_care() -> None:
    handlers = events.subscribers(events.InvitationAccepted)
    assert any(h.__module__.startswith("attune.care") for h in handlers)


@dataclass(frozen=True)
class _Probe(events.Event):
    pass


@pytest.mark.django_db
def test_a_reaction_rolls_back_with_the_change_that_caused_it() -> None:
    from attune.core import audit
    from attune.core.models import AuditEvent

    def react(event: _Probe) -> str:
        audit.record(audit.Entry(action="E", outcome=0, agent_id=None, agent_role="system", entity_type="Probe"))
        return "reacted"

    events.subscribe(_Probe, react)
    before = AuditEvent.objects.filter(entity_type="Probe").count()
    with pytest.raises(RuntimeError), transaction.atomic():
        assert events.publish(_Probe(client_id=uuid.uuid4())) == ["reacted"]
        raise RuntimeError("the change fails after the event was published")
    assert AuditEvent.objects.filter(entity_type="Probe").count() == before
