"""The care team's intake pages cost a fixed number of queries, however many questions were answered."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from attune.intake import definition, engine, services
from attune.intake.models import Intake
from tests.intake.support import reach, send

pytestmark = pytest.mark.django_db


def _queries(browser, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert browser.get(url).status_code == 200
    return len(captured)


def _answer_everything(cast, intake) -> None:
    services.answer(reach(cast.eli, intake), "coer-any", codes=["yes"])
    for question in definition.load().questions:
        if not engine.enabled(question, services.answers_of(intake)):
            continue
        if question.kind == "text":
            services.answer(reach(cast.eli, intake), question.link_id, text="a few words")
        elif question.kind in {"single", "multi"} and question.link_id not in {"body-screen", "coer-any"}:
            safe = next(o.code for o in question.options if not o.concern)
            services.answer(reach(cast.eli, intake), question.link_id, codes=[safe])


def test_summary_and_overview_do_not_grow_with_the_answers(cast, client_for) -> None:
    bob = client_for(cast.bob)
    eli_id = cast.client("eli").pk
    urls = [reverse("intake:summary", args=[eli_id]), reverse("workspace:client", args=[eli_id])]
    few = send(cast)
    services.answer(reach(cast.eli, few), "about-hopes", text="one answer")
    services.answer(reach(cast.eli, few), "body-pcl5", codes=["yes"])  # the heavy one adds the baseline too
    services.submit(reach(cast.eli, few), uuid.uuid4())
    bob.get(urls[0])  # warm the session
    light = [_queries(bob, url) for url in urls]
    # The same client, with a fully answered intake in place of the first.
    Intake.objects.filter(pk=few.pk).delete()
    many = send(cast)
    _answer_everything(cast, many)
    services.submit(reach(cast.eli, many), uuid.uuid4())
    heavy = [_queries(bob, url) for url in urls]
    assert heavy == light, (light, heavy)
    assert light[0] <= 35 and light[1] <= 45, light
