"""Progress: the clinician's chart and table, item-level changes, the CSV export, and the client's own results
in plain words when the clinician allows."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from django.urls import reverse

from attune.monitoring import services
from attune.monitoring.models import SessionRecord
from tests.cast import CANARIES, Cast
from tests.monitoring.helpers import browser_for, complete, configuring, pcl5, phq9, post

pytestmark = pytest.mark.django_db

BARE_LABELS = ["severe", "moderate", "minimal", "mild", "probable", "disorder", "PTSD Checklist"]


@pytest.fixture
def three_pcl5(cast: Cast) -> list[Any]:
    """Dana's PCL-5 over six weeks: 48, 42 prorated (one item skipped), 31; weekly sessions."""
    dana = cast.client("dana")
    first = pcl5(cast.dana, dana, 48, days_ago=42)
    skipped = complete(cast.dana, dana, "pcl5", [3, 3, *[2] * 10, None, *[2] * 7], days_ago=28)
    last = pcl5(cast.dana, dana, 31, days_ago=14)
    for number in range(7):
        services.record_session(
            configuring(cast.alice, dana), first.submitted.date() + __import__("datetime").timedelta(days=7 * number)
        )
    return [first, skipped, last]


def svg_of(body: str) -> ET.Element:
    start, end = body.index("<svg"), body.index("</svg>") + len("</svg>")
    return ET.fromstring(body[start:end])  # noqa: S314 - our own page


def test_the_clinician_sees_the_chart_with_cutoff_band_sessions_and_the_missing_item_rule(
    cast: Cast, client_for: Any, three_pcl5: list[Any]
) -> None:
    assert three_pcl5[1].total == 42 and three_pcl5[1].missing_rule == "prorated: 1 item skipped"
    page = client_for(cast.alice).get(reverse("monitoring:progress", args=[cast.client("dana").pk, "pcl5"]))
    body = page.content.decode()
    assert page.status_code == 200
    root = svg_of(body)
    ns = "{http://www.w3.org/2000/svg}"
    assert root.find(f".//{ns}g[@class='chart-cutoff']") is not None
    band = root.find(f".//{ns}g[@class='chart-band']")
    assert band is not None and "33 to 63" in "".join(band.itertext())
    assert len(root.findall(f".//{ns}g[@class='chart-sessions']/{ns}path")) >= 3
    assert "prorated: 1 item skipped" in "".join(root.itertext())
    # The same data as a table, and a text summary.
    assert body.count("<tr>") >= 4 and "42*" in body and "prorated: 1 item skipped" in body
    assert "17 points lower than the baseline of 48" in body and "reliable improvement" in body
    assert "Not at or beyond the cut-off of 33" in body
    assert "crossed the cut-off of 33, out of" in body
    assert "style=" not in body


def test_item_level_changes_between_two_administrations(cast: Cast, client_for: Any, three_pcl5: list[Any]) -> None:
    dana = cast.client("dana")
    first, _skipped, last = three_pcl5
    page = client_for(cast.alice).get(
        reverse("monitoring:compare", args=[dana.pk, "pcl5"]), {"a": str(first.pk), "b": str(last.pk)}
    )
    assert page.status_code == 200
    rows = page.context["rows"]
    assert len(rows) == 20
    # 48 = eight 3s and twelve 2s; 31 = eleven 2s and nine 1s: items 9-11 stay at 2, the rest fall by one.
    assert [r.number for r in rows if not r.moved] == [9, 10, 11]
    assert page.context["moved"] == 17 and page.context["moved_two"] == 0
    assert rows[0].before == 3 and rows[0].after == 2 and rows[0].change == -1
    default = client_for(cast.alice).get(reverse("monitoring:compare", args=[dana.pk, "pcl5"]))
    assert default.context["before"].pk == _skipped.pk and default.context["after"].pk == last.pk
    assert "preferred not to answer" in default.content.decode()
    # A supervisor sees scores but not item-level answers.
    assert client_for(cast.sam).get(reverse("monitoring:compare", args=[dana.pk, "pcl5"])).status_code == 403
    assert client_for(cast.sam).get(reverse("monitoring:progress", args=[dana.pk, "pcl5"])).status_code == 200


def test_the_client_sees_only_what_the_clinician_allows_in_plain_words(
    cast: Cast, client_for: Any, three_pcl5: list[Any]
) -> None:
    dana = cast.client("dana")
    phq9(cast.dana, dana, 14)
    mine = client_for(cast.dana).get(reverse("monitoring:my_results"))
    assert mine.status_code == 200 and mine.context["shown"] == []
    assert "Nothing has been shared here yet" in mine.content.decode()
    alice = browser_for(client_for, cast.alice)
    post(alice, reverse("monitoring:visibility", args=[dana.pk]), {"instrument": "pcl5", "visible": "1"})
    page = client_for(cast.dana).get(reverse("monitoring:my_results"))
    body = page.content.decode()
    assert [item["progress"].instrument.code for item in page.context["shown"]] == ["pcl5"]
    assert "Reactions to a stressful experience" in body
    assert "is lower than your first one (48), by more than everyday ups and downs usually explain" in body
    assert "things feel a little easier" in body
    assert "worked out from your other answers" in body
    svg = svg_of(body)
    assert svg.find(".//{http://www.w3.org/2000/svg}g[@class='chart-cutoff']") is None
    for label in BARE_LABELS:
        assert label not in body, label
    assert "Your results" in client_for(cast.dana).get(reverse("workspace:portal")).content.decode()
    # Hidden again: gone at once.
    post(alice, reverse("monitoring:visibility", args=[dana.pk]), {"instrument": "pcl5", "visible": "0"})
    assert client_for(cast.dana).get(reverse("monitoring:my_results")).context["shown"] == []


def test_plain_words_for_a_reliably_higher_score(cast: Cast, client_for: Any) -> None:
    dana = cast.client("dana")
    pcl5(cast.dana, dana, 20, days_ago=14)
    pcl5(cast.dana, dana, 35)
    services.set_visibility(configuring(cast.alice, dana), "pcl5", True)
    body = client_for(cast.dana).get(reverse("monitoring:my_results")).content.decode()
    assert "is higher than your first one (20)" in body
    assert "you are welcome to talk about it together" in body


def test_only_the_care_team_changes_what_the_client_sees(cast: Cast, client_for: Any) -> None:
    dana = cast.client("dana")
    for who, status in [("dana", 403), ("sam", 403), ("frank", 403), ("bob", 404)]:
        browser = browser_for(client_for, cast.users[who])
        answer = post(browser, reverse("monitoring:visibility", args=[dana.pk]), {"instrument": "pcl5", "visible": "1"})
        assert answer.status_code == status, who


def test_csv_export_of_scores(cast: Cast, client_for: Any, three_pcl5: list[Any]) -> None:
    dana = cast.client("dana")
    phq9(cast.dana, dana, 11, item9=1)
    response = client_for(cast.alice).get(reverse("monitoring:export_csv", args=[dana.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="scores-')
    assert "Dana" not in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["date", "instrument", "total", "subscales", "band", "missing_rule", "flags", "mode"]
    assert [r[1] for r in rows[1:]] == ["pcl5", "pcl5", "pcl5", "phq9"]
    assert [r[2] for r in rows[1:4]] == ["48", "42", "31"]
    assert rows[2][5] == "prorated: 1 item skipped"
    assert '"cluster_b"' in rows[1][3]
    assert rows[4][4] == "moderate" and "critical" in rows[4][6]
    body = response.content.decode()
    assert not [c for c in CANARIES if c in body]
    for who, status in [("dana", 403), ("ada", 403), ("frank", 403), ("bob", 404), ("carol", 404)]:
        assert client_for(cast.users[who]).get(reverse("monitoring:export_csv", args=[dana.pk])).status_code == status


def test_progress_pages_refuse_others(cast: Cast, client_for: Any, three_pcl5: list[Any]) -> None:
    dana = cast.client("dana")
    for who, status in [("dana", 403), ("ada", 403), ("frank", 403), ("eli", 404), ("carol", 404)]:
        page = client_for(cast.users[who]).get(reverse("monitoring:progress", args=[dana.pk, "pcl5"]))
        assert page.status_code == status, who
    assert client_for(cast.alice).get(reverse("monitoring:progress", args=[dana.pk, "nope"])).status_code == 404
    assert client_for(None).get(reverse("monitoring:my_results")).status_code == 302
    assert client_for(cast.alice).get(reverse("monitoring:my_results")).status_code == 404


def test_session_dates_show_as_markers(cast: Cast, client_for: Any, three_pcl5: list[Any]) -> None:
    dana = cast.client("dana")
    assert SessionRecord.objects.filter(client=dana).count() == 7
    page = client_for(cast.alice).get(reverse("monitoring:progress", args=[dana.pk, "pcl5"]))
    assert page.context["progress"].rows[2].session_before is not None


def test_a_computed_threshold_is_shown_beside_the_published_one_that_decides(cast: Cast, client_for: Any) -> None:
    dana = cast.client("dana")
    phq9(cast.dana, dana, 12, days_ago=21)
    phq9(cast.dana, dana, 8, days_ago=7)
    body = client_for(cast.alice).get(reverse("monitoring:progress", args=[dana.pk, "phq9"])).content.decode()
    assert "4 points lower than the baseline of 12 (" in body and "no reliable change" in body
    assert "Reliable change: 6 points" in body
    assert "it would be 3.22 points" in body and "Kocalevent" in body and "for comparison only" in body
