"""The export job and its tick. The job's request id comes from the job queue (written by
services.request_export), never from a request; the client is then reached again through the policy as the
person who asked, so an export is not built for someone who has since lost access (tests/test_no_bare_id_lookups
exempts this module for that one lookup, as it does notify's delivery)."""

from __future__ import annotations

import datetime
import logging
import uuid
from datetime import timedelta

from django.db import transaction

from attune.care.records import record_of
from attune.core import policy
from attune.privacy import export, perms, services
from attune.privacy.models import EXPORT_HOURS, ExportRequest

logger = logging.getLogger(__name__)


def build_export(request_id: uuid.UUID) -> str:
    row = ExportRequest.objects.select_related("requested_by").filter(pk=request_id).first()
    if row is None or row.status != ExportRequest.Status.QUEUED:
        return "gone" if row is None else row.status
    try:
        access = policy.client(row.requested_by, row.client_id, perms.EXPORT)
    except (policy.Http404, policy.PermissionDenied):
        ExportRequest.objects.filter(pk=row.pk).update(status=ExportRequest.Status.FAILED)
        return ExportRequest.Status.FAILED
    archive = export.build(access, record_of(access))
    services.seal_export(access, row, archive)
    return ExportRequest.Status.READY


def tidy(now: datetime.datetime) -> None:
    """Throw away zips not downloaded within EXPORT_HOURS; queue again requests whose job was lost."""
    with transaction.atomic():
        ExportRequest.objects.filter(
            status=ExportRequest.Status.READY, ready__lt=now - timedelta(hours=EXPORT_HOURS)
        ).update(status=ExportRequest.Status.EXPIRED, sealed=None)
    stale = ExportRequest.objects.filter(
        status=ExportRequest.Status.QUEUED, requested__lt=now - timedelta(minutes=10)
    ).values_list("pk", flat=True)
    for request_id in stale:
        build_export(request_id)
