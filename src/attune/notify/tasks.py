"""Background jobs of the outbox (Django's Tasks API)."""

from __future__ import annotations

import uuid

from django_tasks import task

from attune.notify import delivery


@task()
def deliver(notification_id: str) -> str:
    """Deliver one notification if it is due and nobody else holds it; returns the outcome's name."""
    return delivery.deliver(uuid.UUID(notification_id))
