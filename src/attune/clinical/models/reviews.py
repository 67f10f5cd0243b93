"""Progress reviews: a dated review of an episode, with the clinician's narrative (for the clinical version) and a
summary in plain words written for the client (for hers). The figures (goal attainment, measures and reliable
change, practice, sessions) are computed when the review is shown, from the record as it stood on its date."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import QuerySet
from django.utils import timezone

from attune.core.fields import EncryptedTextField

if TYPE_CHECKING:
    from attune.core.policy import Access


class ExportQuerySet(QuerySet["ReviewExport"]):
    def for_access(self, access: Access) -> QuerySet[ReviewExport]:
        """The client reaches only the PDFs of her own version; the care team reaches both."""
        rows = self.filter(client_id=access.client_id)
        return rows.filter(audience="client") if access.is_self else rows


class ProgressReview(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey("care.Client", on_delete=models.CASCADE, related_name="progress_reviews")
    episode = models.ForeignKey("care.Episode", on_delete=models.CASCADE, related_name="+")
    review_date = models.DateField(default=timezone.localdate)
    narrative = EncryptedTextField()
    client_summary = EncryptedTextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-review_date", "-created"]

    def __str__(self) -> str:
        return "progress review"


class ReviewExport(models.Model):
    """A PDF of one version of a review, made by a background job. The page is rendered when it is asked for, by
    the person asking, through the policy (so it holds exactly what that audience may see); the job only turns
    that HTML into a PDF. Both are sealed with the client's key."""

    class Audience(models.TextChoices):
        CLIENT = "client", "The client's version"
        CLINICAL = "clinical", "The clinical version"

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Being made"
        DONE = "done", "Ready"
        FAILED = "failed", "Could not be made"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey("care.Client", on_delete=models.CASCADE, related_name="review_exports")
    review = models.ForeignKey(ProgressReview, on_delete=models.CASCADE, related_name="exports")
    audience = models.CharField(max_length=10, choices=Audience.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    html = EncryptedTextField()
    pdf = EncryptedTextField()  # base64 of the PDF's bytes
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created = models.DateTimeField(default=timezone.now)
    finished = models.DateTimeField(null=True, blank=True)

    objects = ExportQuerySet.as_manager()

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return "review export"
