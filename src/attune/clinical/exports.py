"""PDFs of progress reviews. The HTML is rendered in the request, through the policy, for one audience; the
background job (tasks.render_review) turns it into a tagged PDF with WeasyPrint: charts stay vector (inline SVG)
with their numbers beside them, every page carries the practice's name and its number."""

from __future__ import annotations

import base64
import logging
import uuid
from typing import Any

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from attune.care.records import record_of
from attune.clinical import review
from attune.clinical.models import LEVELS, ProgressReview, ReviewExport
from attune.core.policy import Access

logger = logging.getLogger("attune.clinical")


def page_html(access: Access, found: ProgressReview, *, clinical: bool) -> str:
    client = record_of(access)
    context = {
        "client": client,
        "practice": client.practice,
        "review": found,
        "figures": review.figures(access, found, clinical=clinical),
        "words": {score: words for score, _, words in LEVELS},
        "clinical": clinical,
    }
    return render_to_string("clinical/review_print.html", context)


_font_config: Any = None


def _fonts() -> Any:
    """WeasyPrint's font configuration, made once per process: building it loads fontconfig's view of the
    system fonts, which costs more than laying out a short review. The page names only system fonts (no
    @font-face), so one configuration serves every render."""
    global _font_config
    if _font_config is None:
        from weasyprint.text.fonts import FontConfiguration

        _font_config = FontConfiguration()
    return _font_config


def pdf_bytes(html: str) -> bytes:
    from weasyprint import HTML  # imported here: loading Pango is slow, and only the job needs it

    fonts = _fonts()
    return bytes(HTML(string=html).write_pdf(pdf_tags=True, font_config=fonts))


def render(export_id: uuid.UUID) -> str:
    """The job: claim a queued export, make its PDF, store it. Safe to run again (a finished export is left)."""
    with transaction.atomic():
        claimed = ReviewExport.objects.filter(pk=export_id, status=ReviewExport.Status.QUEUED).update(
            status=ReviewExport.Status.RUNNING
        )
    if not claimed:
        return "skipped"
    export = ReviewExport.objects.get(pk=export_id)
    try:
        data = pdf_bytes(export.html)
    except Exception as exc:  # the page says it could not be made; the log says why, without content
        logger.error("review export %s failed: %s", export_id, type(exc).__name__)
        ReviewExport.objects.filter(pk=export_id).update(status=ReviewExport.Status.FAILED, finished=timezone.now())
        return "failed"
    export.pdf = base64.b64encode(data).decode()
    export.status = ReviewExport.Status.DONE
    export.finished = timezone.now()
    export.save(update_fields=["pdf", "status", "finished"])
    return "done"


def pdf_of(export: ReviewExport) -> bytes:
    return base64.b64decode(export.pdf)
