import re
import uuid

import pytest
from django.urls import reverse

from attune.questionnaires.models import Answer, Response
from tests.cast import CANARIES
from tests.questionnaires import acting

pytestmark = pytest.mark.django_db


def _csrf(browser) -> dict:
    return {"csrfmiddlewaretoken": browser.cookies["csrftoken"].value}


def _get(browser, url):
    response = browser.get(url)
    return response


def test_pcl5_with_a_skip_and_a_pause_is_scored_with_its_rule(cast, client_for) -> None:
    alice, dana = client_for(cast.alice), client_for(cast.dana)
    page = alice.get(reverse("questionnaires:client_measures", args=[cast.client("dana").pk]))
    assert page.status_code == 200
    sent = alice.post(
        reverse("questionnaires:assign", args=[cast.client("dana").pk]),
        {"instrument": "pcl5", "action": "send", **_csrf(alice)},
    )
    assert sent.status_code == 302
    response = Response.objects.get(client=cast.client("dana"), instrument="pcl5")
    home = dana.get(reverse("workspace:portal"))
    assert "Reactions to a stressful experience" in home.content.decode()  # the plain name clients see
    start = dana.get(reverse("questionnaires:portal_resume", args=[response.pk]))
    assert start["Location"] == reverse("questionnaires:portal_notice", args=[response.pk])
    notice = dana.get(start["Location"])
    assert b"skip any question" in notice.content
    dana.post(start["Location"], _csrf(dana))
    # Answer ten items, skip the eleventh, then pause.
    for number in range(1, 12):
        url = reverse("questionnaires:portal_item", args=[response.pk, f"pcl5-{number}"])
        answer = "skip" if number == 11 else "2"
        moved = dana.post(url, {"answer": answer, "action": "next", **_csrf(dana)})
        assert moved.status_code == 302
    later = dana.post(
        reverse("questionnaires:portal_item", args=[response.pk, "pcl5-12"]), {"action": "later", **_csrf(dana)}
    )
    assert later["Location"] == reverse("workspace:portal")
    # Coming back resumes at item 12.
    again = dana.get(reverse("questionnaires:portal_resume", args=[response.pk]))
    assert again["Location"].endswith("/q/pcl5-12/")
    for number in range(12, 21):
        url = reverse("questionnaires:portal_item", args=[response.pk, f"pcl5-{number}"])
        dana.post(url, {"answer": "1", "action": "next", **_csrf(dana)})
    review = dana.get(reverse("questionnaires:portal_review", args=[response.pk]))
    assert review.status_code == 200 and b"Prefer not to answer" in review.content
    key = str(uuid.uuid4())
    done = dana.post(reverse("questionnaires:portal_review", args=[response.pk]), {"submission_id": key, **_csrf(dana)})
    assert done["Location"] == reverse("questionnaires:portal_done", args=[response.pk])
    twice = dana.post(
        reverse("questionnaires:portal_review", args=[response.pk]), {"submission_id": key, **_csrf(dana)}
    )
    assert twice.status_code == 302
    response.refresh_from_db()
    assert response.status == "completed" and response.scored
    # 10 x 2 + 9 x 1 = 29 over 19 answered, prorated to 20 items: round(29 * 20 / 19) = 31.
    assert response.total == 31
    assert response.missing_rule == "prorated: 1 item skipped"
    detail = alice.get(reverse("questionnaires:response", args=[cast.client("dana").pk, response.pk]))
    assert b"prorated: 1 item skipped" in detail.content
    assert Answer.objects.filter(response=response).count() == 20


def test_phq9_critical_answer_shows_support_at_once(cast, client_for) -> None:
    response = acting.assign(cast.alice, cast.client("dana").pk, "phq9")
    acting.acknowledge_notice(cast.dana, response.pk)
    for number in range(1, 10):
        acting.answer(cast.dana, response.pk, f"phq9-{number}", value=1 if number == 9 else 0)
    acting.submit(cast.dana, response.pk, uuid.uuid4())
    page = client_for(cast.dana).get(reverse("questionnaires:portal_done", args=[response.pk]))
    assert b"You do not have to carry that alone" in page.content
    response.refresh_from_db()
    assert response.critical_items == ["phq9-9"] and response.flags["critical"] is True


def test_others_cannot_see_or_answer(cast, client_for) -> None:
    response = acting.assign(cast.alice, cast.client("dana").pk, "gad7")
    for who, expected in [("eli", 404), ("carol", 404), ("frank", 403), ("bob", 404), ("alice", 403)]:
        page = client_for(getattr(cast, who)).get(reverse("questionnaires:portal_item", args=[response.pk, "gad7-1"]))
        assert page.status_code == expected, who
        assert not any(c in page.content.decode() for c in CANARIES)
    assert (
        client_for(cast.sam).get(reverse("questionnaires:client_measures", args=[cast.client("dana").pk])).status_code
        == 200
    )
    assert (
        client_for(cast.ada).get(reverse("questionnaires:client_measures", args=[cast.client("dana").pk])).status_code
        == 403
    )


def test_clinician_gives_one_in_session(cast, client_for) -> None:
    alice = client_for(cast.alice)
    alice.get(reverse("questionnaires:client_measures", args=[cast.client("dana").pk]))
    started = alice.post(
        reverse("questionnaires:assign", args=[cast.client("dana").pk]),
        {"instrument": "gad7", "action": "in-session", **_csrf(alice)},
    )
    response = Response.objects.get(client=cast.client("dana"), instrument="gad7")
    assert response.mode == "in-session"
    assert started["Location"] == reverse("questionnaires:session_resume", args=[response.pk])
    page = alice.get(reverse("questionnaires:session_item", args=[response.pk, "gad7-1"]))
    assert page.status_code == 200
    # The client cannot answer a questionnaire given in session on the clinician's device.
    dana = client_for(cast.dana)
    assert dana.get(reverse("questionnaires:portal_item", args=[response.pk, "gad7-1"])).status_code == 403


def test_back_needs_no_answer_and_sending_twice_shows_one(cast, client_for) -> None:
    first = acting.assign(cast.alice, cast.client("dana").pk, "gad7")
    assert acting.assign(cast.alice, cast.client("dana").pk, "gad7").pk == first.pk
    acting.answer(cast.dana, first.pk, "gad7-1", value=1)
    dana = client_for(cast.dana)
    page = reverse("questionnaires:portal_item", args=[first.pk, "gad7-2"])
    dana.get(page)
    back = dana.post(page, {"action": "back", **_csrf(dana)})
    assert back.status_code == 302 and back["Location"].endswith("/q/gad7-1/")
    assert not first.answers.filter(link_id="gad7-2").exists()


def test_the_progress_count_promises_nine_questions_until_an_answer_adds_the_tenth(cast, client_for) -> None:
    response = acting.assign(cast.alice, cast.client("dana").pk, "phq9")
    acting.acknowledge_notice(cast.dana, response.pk)
    dana = client_for(cast.dana)

    def progress(link_id: str) -> str:
        page = dana.get(reverse("questionnaires:portal_item", args=[response.pk, link_id])).content.decode()
        found = re.search(r"question (\d+) of (\d+)", page)
        assert found, page
        return found.group(0)

    assert progress("phq9-1") == "question 1 of 9"
    for number in range(1, 9):
        acting.answer(cast.dana, response.pk, f"phq9-{number}", value=0)
    assert progress("phq9-9") == "question 9 of 9"
    acting.answer(cast.dana, response.pk, "phq9-3", value=1)  # a problem checked: the tenth will be asked
    assert progress("phq9-9") == "question 9 of 10"
