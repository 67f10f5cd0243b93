"""The PC-PTSD-5 is given inside the intake through the questionnaire engine (a linked response, scored when the
intake is sent), and the PCL-5 is offered as a baseline for later."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from attune.intake import services
from attune.intake.models import Intake
from attune.questionnaires.models import Response
from tests.intake.support import item_url, post, reach, resume, send

pytestmark = pytest.mark.django_db


def test_the_screen_is_answered_inside_the_intake_and_scored_when_it_is_sent(cast, client_for) -> None:
    intake = send(cast)
    eli = client_for(cast.eli)
    services.begin(reach(cast.eli, intake))
    services.open_section(reach(cast.eli, intake), "body")
    post(eli, item_url(intake, "body-screen"), {"codes": ["now"], "action": "next"})
    intake.refresh_from_db()
    screen = Response.objects.get(pk=intake.screen_id)
    assert screen.instrument == "pcptsd5" and screen.mode == "portal" and screen.notice_seen
    assert resume(eli, intake).endswith("/q/pcptsd5-exposure/")
    page = eli.get(item_url(intake, "pcptsd5-exposure")).content.decode()
    assert "Have you ever experienced this kind of event?" in page and "frightening" in page
    post(eli, item_url(intake, "pcptsd5-exposure"), {"codes": ["LA33-6"], "action": "next"})
    assert resume(eli, intake).endswith("/q/pcptsd5-1/")
    for number, code in [(1, "LA33-6"), (2, "LA33-6"), (3, "LA33-6"), (4, "LA32-8")]:
        post(eli, item_url(intake, f"pcptsd5-{number}"), {"codes": [code], "action": "next"})
    post(eli, item_url(intake, "pcptsd5-5"), {"action": "skip"})
    assert resume(eli, intake).endswith("/q/body-pcl5/")
    post(eli, item_url(intake, "body-pcl5"), {"codes": ["yes"], "action": "next"})
    intake.refresh_from_db()
    baseline = Response.objects.get(pk=intake.baseline_id)
    assert baseline.instrument == "pcl5" and baseline.is_open and baseline.mode == "portal"
    # Asked twice (a retry, a second tab): still one baseline.
    services.answer(reach(cast.eli, intake), "body-pcl5", codes=["yes"])
    assert Response.objects.filter(client=cast.client("eli"), instrument="pcl5").count() == 1

    services.submit(reach(cast.eli, intake), uuid.uuid4())
    screen.refresh_from_db()
    assert screen.status == "completed" and screen.flags.get("positive_screen") is True
    summary = client_for(cast.bob).get(reverse("intake:summary", args=[cast.client("eli").pk])).content.decode()
    assert "PC-PTSD-5: positive screen (3 of 5" in summary
    assert "consider starting the PCL-5 schedule" in summary
    assert "PCL-5 baseline: added" in summary
    sent = eli.get(reverse("intake:portal_sent", args=[intake.pk])).content.decode()
    assert "Reactions to a stressful experience" in sent and "PCL-5" not in sent  # no acronyms for clients


def test_a_screen_started_and_left_empty_is_taken_back_when_the_intake_is_sent(cast) -> None:
    intake = send(cast)
    services.answer(reach(cast.eli, intake), "body-screen", codes=["now"])
    services.answer(reach(cast.eli, intake), "body-screen", codes=["not-now"])
    services.submit(reach(cast.eli, intake), uuid.uuid4())
    intake = Intake.objects.get(pk=intake.pk)
    assert Response.objects.get(pk=intake.screen_id).status == Response.Status.WITHDRAWN


def test_the_embedded_answers_go_through_the_questionnaire_engine(cast) -> None:
    intake = send(cast)
    services.answer(reach(cast.eli, intake), "body-screen", codes=["now"])
    services.answer(reach(cast.eli, intake), "pcptsd5-exposure", codes=["LA32-8"])
    intake.refresh_from_db()
    answers = list(Response.objects.get(pk=intake.screen_id).answers.values_list("link_id", "value"))
    assert answers == [("pcptsd5-exposure", 0.0)]
    # "No" to the exposure question: the five are not asked, and the next step is the PCL-5 offer.
    state = services.state_of(intake)
    from attune.intake import engine
    from attune.intake.definition import load

    steps = [s.link_id for s in engine.section_steps(load(), "body", state)]
    assert steps == ["body", "body-screen", "pcptsd5-exposure", "body-pcl5"]
