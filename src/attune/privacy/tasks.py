"""Background jobs of the privacy centre (Django's Tasks API)."""

from __future__ import annotations

import uuid

from django_tasks import task

from attune.privacy import jobs


@task()
def build_export(request_id: str) -> str:
    """Build one client's export; returns the request's status."""
    return jobs.build_export(uuid.UUID(request_id))
