"""Asking for a PDF of a review: the page is rendered now, for the audience the caller may see, and the job that
turns it into a PDF is queued when the transaction commits."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction

from attune.clinical import exports, perms
from attune.clinical.models import ProgressReview, ReviewExport
from attune.core.models import AuditEvent
from attune.core.policy import Access


def request_export(access: Access, review: ProgressReview, audience: str) -> ReviewExport:
    perm = perms.VIEW_REVIEWS
    access.require(perm, "ProgressReview", str(review.pk))
    if audience not in ReviewExport.Audience.values:
        audience = ReviewExport.Audience.CLIENT
    if audience == ReviewExport.Audience.CLINICAL and not access.can(perms.WRITE_REVIEWS):
        access.require(perms.WRITE_REVIEWS, "ProgressReview", str(review.pk))
        raise PermissionDenied("The clinical version is the care team's")
    html = exports.page_html(access, review, clinical=audience == ReviewExport.Audience.CLINICAL)
    with transaction.atomic():
        export = ReviewExport(
            client_id=access.client_id, review=review, audience=audience, html=html, requested_by_id=access.actor_id
        )
        export.save()
        access.record(AuditEvent.Action.EXECUTE, "ReviewExport", export.pk, perm)
        transaction.on_commit(lambda: _enqueue(export))
    return export


def _enqueue(export: ReviewExport) -> None:
    from attune.clinical import tasks

    tasks.render_review.enqueue(str(export.pk))
