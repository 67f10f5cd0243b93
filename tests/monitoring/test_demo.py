"""The demo seeding of monitoring is idempotent and tells the issue's story."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from attune.care.models import CrisisResource
from attune.monitoring import demo
from attune.monitoring.models import ChangeEvent, MeasureVisibility, Schedule, SessionRecord
from attune.questionnaires.models import Response
from tests.cast import Cast

pytestmark = pytest.mark.django_db


def counts() -> tuple[int, ...]:
    models: list[Any] = [Schedule, SessionRecord, MeasureVisibility, CrisisResource, ChangeEvent, Response]
    return tuple(m.objects.count() for m in models)


def test_seeding_twice_changes_nothing_and_tells_the_story(cast: Cast, client_for: Any) -> None:
    demo.seed(cast.clients, cast.users)
    first = counts()
    demo.seed(cast.clients, cast.users)
    assert counts() == first
    dana = cast.client("dana")
    assert {(s.instrument, s.kind, s.every) for s in Schedule.objects.filter(client=dana)} == {
        ("phq9", "weeks", 1),
        ("pcl5", "weeks", 2),
    }
    pcl5 = list(Response.objects.filter(client=dana, instrument="pcl5", status="completed").order_by("submitted"))
    assert [r.total for r in pcl5] == [48, 42, 31]
    assert [r.missing_rule for r in pcl5][1] == "prorated: 1 item skipped"
    assert (pcl5[-1].submitted - pcl5[0].submitted).days == 28
    assert MeasureVisibility.objects.get(client=dana, instrument="pcl5").visible
    assert SessionRecord.objects.filter(client=dana).count() == 7
    chart = client_for(cast.alice).get(reverse("monitoring:progress", args=[dana.pk, "pcl5"]))
    assert "chart-cutoff" in chart.content.decode() and "chart-band" in chart.content.decode()
    mine = client_for(cast.dana).get(reverse("monitoring:my_results")).content.decode()
    assert "is lower than your first one (48)" in mine
