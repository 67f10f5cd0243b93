"""Benchmark: a 12-month progress review as the care team's HTML page and as a tagged PDF, measured in one run.

    .venv/bin/python bench/report.py [--repeat 7]

On a scratch SQLite database with the standing demo cast, Dana's episode is given twelve months of history:
weekly PHQ-9, GAD-7 and PCL-5 results (156), 40 session notes and 200 diary entries, with her plan, goals,
practice ladder, appointments and a review. Alice is signed in (password and authenticator, as at sign-in). Then,
in REPEAT interleaved rounds (so that a busy spell of the machine falls on both):
- the review's page as Alice's browser gets it: `GET /clients/<id>/reviews/<id>/` through the whole stack
  (middleware, session, policy, audit, the figures, the charts as inline SVG, the tables, the site's layout);
- the PDF as the export makes it: the print version of the same review rendered through the policy
  (`clinical.exports.page_html`), then WeasyPrint's tagged PDF (`exports.pdf_bytes`, what the background job runs).
It prints the best time of each and their ratio; the target is a PDF at most 5 times the page. For information it
also prints the print HTML alone (the part of the PDF's time that is Attune's, not WeasyPrint's). It counts the
queries of the review page with one month of results and with twelve: the reads must be the same (the audit rows
of what is shown are inserted in SQLite batches, so their inserts grow a little).
Only the ratio and the query counts are judged; absolute times depend on the machine.
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

TARGET_RATIO = 5.0
ROOT = Path(__file__).resolve().parents[1]


def setup(var_dir: Path) -> None:
    os.environ.update(
        ATTUNE_ENV="development",
        ATTUNE_DEBUG="false",
        ATTUNE_VAR_DIR=str(var_dir),
        DATABASE_URL=f"sqlite:///{var_dir / 'bench.sqlite3'}",
        ATTUNE_LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="attune.settings",
    )
    sys.path.insert(0, str(ROOT / "src"))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", "--no-input", verbosity=0)


def history(months: int) -> None:
    """Dana's episode opened `months` ago with weekly results of three questionnaires, notes and diary entries."""
    from django.utils import timezone

    from attune.care.models import Client, Episode
    from attune.clinical.models import NoteStatus, SessionNote
    from attune.diary.models import DiaryEntry
    from attune.questionnaires.models import Response

    dana = Client.objects.get(preferred_name="Dana")
    now = timezone.now()
    weeks = months * 52 // 12
    Episode.objects.filter(client=dana, closed__isnull=True).update(
        opened=(now - datetime.timedelta(weeks=weeks)).date()
    )
    Response.objects.filter(client=dana).delete()
    for week in range(weeks):
        when = now - datetime.timedelta(weeks=weeks - week, hours=-1)
        for code, start, end in (("phq9", 18, 7), ("gad7", 15, 6), ("pcl5", 52, 24)):
            total = start + (end - start) * week / max(weeks - 1, 1)
            Response.objects.create(client=dana, instrument=code, status="completed", scored=True,
                                    total=round(total), submitted=when)  # fmt: skip
    for n in range(40 if months == 12 else 4):
        day = (now - datetime.timedelta(weeks=n)).date()
        note = SessionNote(client=dana, template="dap", session_date=day, data=f"Session {n}: what we worked on.",
                           status=NoteStatus.SIGNED, signed_at=now)  # fmt: skip
        note.save()
    for n in range(200 if months == 12 else 17):
        entry = DiaryEntry(client=dana, key=uuid.uuid4(), fingerprint="0" * 64, trigger_kind="tone",
                           distress_before=50, occurred_at=now - datetime.timedelta(days=n * 1.8), shared=n % 2 == 0,
                           trigger_words="A raised voice")  # fmt: skip
        entry.save()


def review_page() -> tuple[object, object]:
    from attune.accounts.models import User
    from attune.care.models import Client
    from attune.clinical import demo, perms
    from attune.clinical.models import ProgressReview
    from attune.core import policy

    dana = Client.objects.get(preferred_name="Dana")
    alice = User.objects.get(email__startswith="alice@")
    access = policy.client(alice, dana.pk, perms.VIEW_REVIEWS)
    return access, ProgressReview.objects.get(pk=demo.demo_id("review"))


def signed_in_alice() -> object:
    """A test client signed in as Alice, as after her password and her authenticator code."""
    from django.test import Client as Browser
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from attune.accounts.models import User

    alice = User.objects.get(email__startswith="alice@")
    browser = Browser()
    browser.force_login(alice)
    device = TOTPDevice.objects.get(user=alice, confirmed=True)
    session = browser.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return browser


def page_url(review: object) -> str:
    return f"/clients/{review.client_id}/reviews/{review.pk}/"  # type: ignore[attr-defined]


def get_page(browser: object, url: str) -> None:
    answer = browser.get(url)  # type: ignore[attr-defined]
    if answer.status_code != 200:
        raise SystemExit(f"the review page answered {answer.status_code}")


def timed(function: object) -> tuple[float, float]:
    start, start_cpu = time.perf_counter(), time.process_time()
    function()  # type: ignore[operator]
    return time.perf_counter() - start, time.process_time() - start_cpu


def queries_of(browser: object, url: str) -> tuple[int, int]:
    """(reads, audit inserts) of one request for the review page. Every row shown is audited; SQLite splits a bulk
    insert into batches of a few dozen rows, so the audit inserts grow (slowly) with the rows shown, the reads must
    not."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        get_page(browser, url)
    inserts = sum(1 for q in captured.captured_queries if q["sql"].lstrip().upper().startswith("INSERT"))
    return len(captured) - inserts, inserts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        setup(Path(tmp))
        from django.conf import settings

        from attune.clinical import exports
        from attune.workspace import demo

        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        demo.seed("bench-password-not-for-use")
        browser = signed_in_alice()
        history(1)
        access, review = review_page()
        url = page_url(review)
        month_queries = queries_of(browser, url)
        history(12)
        access, review = review_page()
        year_queries = queries_of(browser, url)
        pdf = b""

        def make_pdf() -> None:
            nonlocal pdf
            pdf = exports.pdf_bytes(exports.page_html(access, review, clinical=True))  # type: ignore[arg-type]

        def print_html() -> None:
            exports.page_html(access, review, clinical=True)  # type: ignore[arg-type]

        make_pdf()  # WeasyPrint's first run loads Pango and the fonts: not part of an export's time
        rounds: dict[str, list[tuple[float, float]]] = {"page": [], "pdf": [], "print": []}
        for _ in range(args.repeat):
            rounds["page"].append(timed(lambda: get_page(browser, url)))
            rounds["pdf"].append(timed(make_pdf))
            rounds["print"].append(timed(print_html))
    page, pdf_time, print_time = (min(t for t, _ in rounds[k]) for k in ("page", "pdf", "print"))
    page_cpu, pdf_cpu = (min(c for _, c in rounds[k]) for k in ("page", "pdf"))
    ratio = pdf_time / page
    print(f"12-month review, the care team's page (GET, whole stack): {page * 1000:.1f} ms (best of {args.repeat})")
    print(f"12-month review, tagged PDF (print HTML + WeasyPrint): {pdf_time * 1000:.1f} ms ({len(pdf) // 1024} KB)")
    print(f"  of which the print HTML through the policy: {print_time * 1000:.1f} ms")
    print(f"ratio PDF / page: {ratio:.2f} (target at most {TARGET_RATIO:g})")
    print(f"CPU time of this process: page {page_cpu * 1000:.1f} ms, PDF {pdf_cpu * 1000:.1f} ms, "
          f"ratio {pdf_cpu / page_cpu:.2f}")  # fmt: skip
    print(
        f"queries of the review page (reads, audit inserts): {month_queries} with one month of results, "
        f"{year_queries} with twelve"
    )
    ok = ratio <= TARGET_RATIO and month_queries[0] == year_queries[0]
    print("OK" if ok else "NOT MET")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
