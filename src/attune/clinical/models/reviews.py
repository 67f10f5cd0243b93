"""Progress reviews: a dated review of an episode, with the clinician's narrative (for the clinical version) and a
summary in plain words written for the client (for hers). The figures (goal attainment, measures and reliable
change, practice, sessions) are computed when the review is shown, from the record as it stood on its date."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from attune.core.fields import EncryptedTextField


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
