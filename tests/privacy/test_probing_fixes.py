"""The fixes found while probing (issue 15): answers only for measures.view_answers, step-up before the scores
file and before sharing with a partner, and who may download the scores file."""

from __future__ import annotations

import uuid

import time_machine
from django.urls import reverse

from attune.core.models import SharingGrant
from attune.questionnaires.models import Answer, Response


def _completed_with_answer(client) -> Response:
    response = Response.objects.create(
        client=client,
        instrument="gad7",
        status=Response.Status.COMPLETED,
        scored=True,
        total=2,
        submission_key=uuid.uuid4(),
        notice_seen=True,
    )
    Answer.objects.create(response=response, client=client, link_id="gad7-1", value=2)
    return response


def test_a_supervisor_reads_scores_without_answers(cast, api_for) -> None:
    _completed_with_answer(cast.client("dana"))
    path = reverse("api:list_scores", args=[cast.client("dana").pk])
    by_sam = api_for(cast.sam).get(path).json()
    by_alice = api_for(cast.alice).get(path).json()
    assert by_sam[0]["score"]["total"] == 2 and by_sam[0]["answers"] == []
    assert by_alice[0]["answers"] == [{"link_id": "gad7-1", "value": 2.0, "skipped": False}]


def test_the_scores_file_is_the_care_teams_after_step_up(cast, client_for) -> None:
    _completed_with_answer(cast.client("dana"))
    path = reverse("monitoring:export_csv", args=[cast.client("dana").pk])
    assert client_for(cast.sam).get(path).status_code == 403
    with time_machine.travel("2026-11-21 08:00", tick=False) as clock:
        browser = client_for(cast.alice)
        assert browser.get(path).status_code == 200
        for _ in range(2):  # past the step-up window, never idle long enough to be signed out
            clock.shift(4 * 60)
            browser.get(reverse("home"))
        stale = browser.get(path)
        assert stale.status_code == 302
        assert stale["Location"].startswith(reverse("accounts:confirm"))
        assert "next=" in stale["Location"]


def test_sharing_with_a_partner_needs_step_up_and_stopping_never_does(cast, client_for) -> None:
    form = {"partner": cast.frank.pk, "category": "referral", "share": "yes"}
    with time_machine.travel("2026-11-21 08:00", tick=False) as clock:
        browser = client_for(cast.dana)
        browser.get(reverse("consent:sharing"))
        csrf = browser.cookies["csrftoken"].value
        clock.shift(8 * 60)
        refused = browser.post(reverse("consent:change"), {**form, "csrfmiddlewaretoken": csrf})
        assert refused["Location"].startswith(reverse("accounts:confirm"))
        grants = SharingGrant.objects.filter(client=cast.client("dana"), revoked__isnull=True)
        assert not grants.exists()
        SharingGrant.objects.create(client=cast.client("dana"), grantee_user=cast.frank, category="referral")
        stop = {**form, "share": "no", "csrfmiddlewaretoken": csrf}
        assert browser.post(reverse("consent:change"), stop)["Location"] == reverse("consent:sharing")
        assert not grants.exists()
