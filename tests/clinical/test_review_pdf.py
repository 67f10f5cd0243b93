"""PDFs of progress reviews: made by the background job from HTML rendered through the policy; tagged (pdfinfo),
with the practice's name and page numbers, charts as vector graphics with their numbers; the client's version has
no instrument acronym and nothing of the clinical narrative; the client reaches only her version's PDFs.
Each PDF is also rendered to PNG under test-artifacts/pdf/ to be looked at."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from attune.clinical import demo, exports
from attune.clinical.models import ProgressReview, ReviewExport
from attune.monitoring import demo as monitoring_demo
from tests.cast import Cast
from tests.diary.support import post

pytestmark = pytest.mark.django_db

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "pdf"


@pytest.fixture
def seeded(cast: Cast) -> Cast:
    monitoring_demo.seed(cast.clients, cast.users)
    demo.seed(cast.clients, cast.users)
    return cast


def made(browser: Any, cast: Cast, audience: str, name: str) -> tuple[ReviewExport, str, str]:
    found = ProgressReview.objects.get(pk=demo.demo_id("review"))
    dana = cast.client("dana").pk
    response = post(browser, reverse("clinical:review_export", args=[dana, found.pk]), {"audience": audience})
    assert response.status_code == 302
    export = ReviewExport.objects.order_by("-created").first()
    assert export is not None and export.status == "queued"
    waiting = browser.get(response.headers["Location"]).content.decode()
    # The page asks for itself (a script polling the status as JSON): no meta refresh reloading under a reader.
    assert "review_export.js" in waiting and "Waiting to start" in waiting and 'http-equiv="refresh"' not in waiting
    polled = browser.get(response.headers["Location"], headers={"Accept": "application/json"}).json()
    assert polled == {"status": "queued", "file": ""}
    assert exports.render(export.pk) == "done" and exports.render(export.pk) == "skipped"
    ready = browser.get(response.headers["Location"]).content.decode()
    assert "Download the PDF" in ready and "review_export.js" not in ready
    file_url = reverse("clinical:review_export_file", args=[dana, export.pk])
    assert browser.get(response.headers["Location"], headers={"Accept": "application/json"}).json() == {
        "status": "done",
        "file": file_url,
    }
    pdf = browser.get(reverse("clinical:review_export_file", args=[dana, export.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.pdf"
    path.write_bytes(pdf.content)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(path), str(ARTIFACTS / name)], check=True)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    export.refresh_from_db()
    return export, info, text


def test_the_clinical_pdf(seeded: Cast, client_for: Any) -> None:
    export, info, text = made(client_for(seeded.alice), seeded, "clinical", "review-clinical")
    assert export.audience == "clinical"
    assert "Tagged:          yes" in info
    assert "GAS T-score: 58.1" in text and "reliable improvement" in text
    assert "Northside" in text and "Page 1 of" in text
    assert "PTSD Checklist" in text and "Date" in text  # the chart's table of numbers
    assert b"/Subtype /Image" not in Path(ARTIFACTS / "review-clinical.pdf").read_bytes()  # vector, not a picture


def test_the_client_pdf_is_in_plain_words(seeded: Cast, client_for: Any) -> None:
    export, info, text = made(client_for(seeded.dana), seeded, "clinical", "review-client")
    assert export.audience == "client"  # whatever she asked for, the client gets her version
    assert "Tagged:          yes" in info
    review = ProgressReview.objects.get(pk=demo.demo_id("review"))
    flat = " ".join(text.split())
    assert " ".join(review.client_summary.split())[:60] in flat
    assert review.narrative[:30] not in flat
    # Her results that alice shows her (the PCL-5), by their plain name, in words, with the chart's numbers.
    assert "How your answers have changed" in flat and "Reactions to a stressful experience" in flat
    assert "lower than your first one (48)" in flat and "the numbers in the chart, by month" in flat
    for word in ("GAS", "T-score", "PCL", "PHQ", "GAD", "weight", "reliable", "clinical"):
        assert word.lower() not in flat.lower(), word


def test_the_client_cannot_reach_the_clinical_pdf(seeded: Cast, client_for: Any) -> None:
    export, _, _ = made(client_for(seeded.alice), seeded, "clinical", "review-clinical-2")
    dana = seeded.client("dana").pk
    for name in ("clinical:review_export_status", "clinical:review_export_file"):
        assert client_for(seeded.dana).get(reverse(name, args=[dana, export.pk])).status_code == 404
        assert client_for(seeded.sam).get(reverse(name, args=[dana, export.pk])).status_code == 403
