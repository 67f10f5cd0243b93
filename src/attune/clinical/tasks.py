"""Background jobs of the clinical record (Django's Tasks API, as notify's delivery)."""

from __future__ import annotations

import uuid

from django_tasks import task

from attune.clinical import exports


@task()
def render_review(export_id: str) -> str:
    """Make the PDF of one review export; returns the outcome's name."""
    return exports.render(uuid.UUID(export_id))
