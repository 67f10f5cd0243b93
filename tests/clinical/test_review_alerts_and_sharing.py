"""A progress review holds the alerts of the episode and how each was resolved, and what the client chose to
share: in the care team's words in the clinical version, in plain words in the client's (no instrument, no note of
the care team's), and in both PDFs. Both come through the kernel (core.timeline, core.disclosure), not from the
monitoring or privacy apps directly."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from attune.clinical import demo, exports, perms, review
from attune.clinical.models import ProgressReview
from attune.core import policy
from attune.monitoring import demo as monitoring_demo
from attune.monitoring.models import Alert
from attune.privacy import perms as privacy_perms
from attune.privacy import services as privacy
from tests.cast import Cast, canary

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(cast: Cast) -> tuple[Cast, ProgressReview, Alert, Alert]:
    monitoring_demo.seed(cast.clients, cast.users)
    demo.seed(cast.clients, cast.users)
    found = ProgressReview.objects.get(pk=demo.demo_id("review"))
    dana = cast.client("dana")
    Alert.objects.filter(client=dana).delete()
    raised = timezone.make_aware(datetime.datetime.combine(found.review_date, datetime.time(12))) - datetime.timedelta(
        days=20
    )
    resolved = Alert.objects.create(client=dana, kind=Alert.Kind.CRITICAL, instrument="phq9", item="phq9-9",
                                    raised=raised, status=Alert.Status.RESOLVED,
                                    resolved=raised + datetime.timedelta(hours=5), resolved_by=cast.alice,
                                    resolve_note=canary("alert", "resolve_note"))  # fmt: skip
    open_one = Alert.objects.create(client=dana, kind=Alert.Kind.DETERIORATION, instrument="pcl5",
                                    raised=raised + datetime.timedelta(days=3))  # fmt: skip
    return cast, found, resolved, open_one


def test_the_clinical_version_lists_alerts_and_their_resolution(seeded: Any, client_for: Any) -> None:
    cast, found, resolved, _ = seeded
    page = client_for(cast.alice).get(reverse("clinical:review", args=[cast.client("dana").pk, found.pk])).content
    text = page.decode()
    assert "Alerts and how they were resolved" in text
    assert "Critical answer" in text and "resolved" in text and resolved.resolve_note in text
    assert "Reliable deterioration" in text and "still open" in text
    assert "What Dana chose to share" in text and "Everyone in your care team sees what you share" in text


def test_the_client_version_says_it_in_plain_words(seeded: Any, client_for: Any) -> None:
    cast, found, resolved, _ = seeded
    page = client_for(cast.dana).get(reverse("clinical:my_review", args=[found.pk])).content.decode()
    main = page[page.index("<main") : page.index("</main>")]
    assert "Times we checked in" in main
    assert "your care team was asked to check in with you, and followed it up by" in main
    assert "and is following it up" in main
    assert resolved.resolve_note not in page
    for word in ("PHQ", "PCL", "critical", "deterioration", "item 9", "alert"):
        assert word.lower() not in main.lower(), word
    assert "What you chose to share" in main and "New diary entries" in main


def test_a_switch_the_client_turns_shows_in_the_next_review(seeded: Any, client_for: Any) -> None:
    cast, found, _, _ = seeded
    dana = cast.client("dana")
    own = policy.own(cast.dana, privacy_perms.MANAGE_SHARING)
    privacy.set_visible(own, cast.alice.pk, "results", False)
    figures = review.figures(policy.client(cast.alice, dana.pk, perms.VIEW_REVIEWS), found, clinical=True)
    words = " ".join(d.words for d in figures.sharing)
    assert f"You keep your questionnaire results and answers from {cast.alice.display_name}" in words


def test_both_pdfs_hold_them(seeded: Any) -> None:
    cast, found, resolved, _ = seeded
    access = policy.client(cast.alice, cast.client("dana").pk, perms.VIEW_REVIEWS)
    clinical_html = exports.page_html(access, found, clinical=True)
    client_html = exports.page_html(access, found, clinical=False)
    assert resolved.resolve_note in clinical_html and "Alerts and how they were resolved" in clinical_html
    assert "What Dana chose to share" in clinical_html
    assert "Times we checked in" in client_html and resolved.resolve_note not in client_html
    assert "Critical answer" not in client_html and "What you chose to share" in client_html


def test_what_the_client_shares_with_her_partner_shows_in_the_review(seeded: Any) -> None:
    from attune.consent import perms as consent_perms
    from attune.consent import services as consent

    cast, found, _, _ = seeded
    dana = cast.client("dana")
    frank = cast.users["frank"]

    def partner_words() -> str:
        figures = review.figures(policy.client(cast.alice, dana.pk, perms.VIEW_REVIEWS), found, clinical=True)
        return " ".join(d.words for d in figures.sharing if d.title == "Your partner")

    assert partner_words() == f"You share nothing from your own record with {frank.display_name}."
    consent.share(policy.own(cast.dana, consent_perms.MANAGE_GRANTS), frank.pk, "referral")
    assert partner_words() == f"You share what brings you here with {frank.display_name}."
