"""Writing a progress review: the care team's narrative and the client's summary, for the open episode."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from attune.care.models import Episode
from attune.clinical import inputs, perms
from attune.clinical.models import ProgressReview
from attune.core.models import AuditEvent
from attune.core.policy import Access


def write_review(access: Access, review_date: datetime.date, narrative: str, client_summary: str) -> ProgressReview:
    perm = perms.WRITE_REVIEWS
    access.require(perm)
    narrative, client_summary = narrative.strip(), client_summary.strip()
    for name, text in (("narrative", narrative), ("client_summary", client_summary)):
        if len(text) > inputs.NARRATIVE_LIMIT:
            raise ValidationError({name: f"Please keep this under {inputs.NARRATIVE_LIMIT} characters."})
    if review_date > timezone.localdate():
        raise ValidationError({"review_date": "A review looks back: choose today or an earlier date."})
    episode = Episode.objects.filter(client_id=access.client_id, opened__lte=review_date).order_by("-opened").first()
    if episode is None:
        raise ValidationError({"review_date": "There is no episode of care on that date."})
    with transaction.atomic():
        review = ProgressReview(
            client_id=access.client_id,
            episode=episode,
            review_date=review_date,
            narrative=narrative,
            client_summary=client_summary,
            author_id=access.actor_id,
        )
        review.save()
        access.record(AuditEvent.Action.CREATE, "ProgressReview", review.pk, perm)
    return review
