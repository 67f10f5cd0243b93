"""The client's access log ("who looked"): reads, changes and refusals in words, the outsider wording, filters,
pagination, and a number of queries that does not grow with the log."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from attune.core import policy
from attune.core.models import AuditEvent
from attune.diary.models import DiaryEntry
from attune.privacy import queries
from attune.privacy.perms import VIEW_LOG
from attune.questionnaires import perms as questionnaire_perms
from attune.skills import perms as skills_perms


def _entry(client, **kwargs) -> DiaryEntry:
    import uuid

    from django.utils import timezone

    fields = {
        "client": client,
        "key": uuid.uuid4(),
        "fingerprint": "x",
        "trigger_kind": "tone",
        "trigger_words": "a raised voice",
        "distress_before": 40,
        "shared": True,
        "occurred_at": timezone.make_aware(timezone.datetime(2026, 5, 3, 10, 0)),
    }
    fields.update(kwargs)
    return DiaryEntry.objects.create(**fields)


def _log(cast, **wanted):
    access = policy.own(cast.dana, VIEW_LOG)
    return queries.access_log(access, queries.LogFilter(**wanted), 1)[1]


def test_a_read_of_the_diary_is_shown_in_words(cast, client_for) -> None:
    entry = _entry(cast.client("dana"))
    assert (
        client_for(cast.alice).get(reverse("diary:client_entry", args=[cast.client("dana").pk, entry.pk])).status_code
        == 200
    )
    lines = _log(cast, person=cast.alice.pk)
    sentences = [f"{line.who} {line.sentence}" for line in lines]
    assert "Alice Ahmed looked at your diary entry of 3 May" in sentences or any(
        "your diary entry of 3 May" in s for s in sentences
    ), sentences
    assert all(line.why == "For your care" for line in lines)
    assert all(line.role == "clinician in your care team" for line in lines)


def test_an_outsider_is_shown_without_a_name(cast, client_for) -> None:
    assert client_for(cast.carol).get(reverse("workspace:client", args=[cast.client("dana").pk])).status_code == 404
    lines = _log(cast, person=queries.OUTSIDE)
    assert lines and lines[0].who == "Someone outside your care team"
    assert lines[0].sentence == "tried to open your record, and was not let in"
    page = client_for(cast.dana).get(reverse("privacy:access_log")).content.decode()
    assert "Someone outside your care team" in page and cast.carol.display_name not in page


def test_an_insider_refusal_names_them(cast, client_for) -> None:
    client_for(cast.sam).get(reverse("diary:client_diary", args=[cast.client("dana").pk]))
    lines = _log(cast, kind="refused")
    sam = [line for line in lines if line.who == cast.sam.display_name]
    assert sam and sam[0].sentence == "tried to open your diary, and was not allowed"


def test_the_clients_own_use_is_not_listed(cast, client_for) -> None:
    client_for(cast.dana).get(reverse("diary:entries"))
    assert all(line.who != cast.dana.display_name for line in _log(cast))


def test_filters_by_kind_and_period(cast, client_for) -> None:
    client_for(cast.alice).get(reverse("workspace:client", args=[cast.client("dana").pk]))
    assert _log(cast, kind="looked")
    assert not _log(cast, kind="emergency")
    import datetime

    assert not _log(cast, until=datetime.date(2000, 1, 1))


def _reads(access, n: int) -> None:
    for _ in range(n):
        access.record(AuditEvent.Action.READ, "Patient", access.client_id, questionnaire_perms.VIEW)
        access.shown("DiaryEntry", [_entry(access.client).pk], skills_perms.VIEW_DIARY)


def test_queries_do_not_grow_with_the_log(cast, client_for) -> None:
    alice = policy.client(cast.alice, cast.client("dana").pk, questionnaire_perms.VIEW)
    browser = client_for(cast.dana)
    _reads(alice, 3)
    with CaptureQueriesContext(connection) as few:
        assert browser.get(reverse("privacy:access_log")).status_code == 200
    _reads(alice, 60)
    with CaptureQueriesContext(connection) as many:
        response = browser.get(reverse("privacy:access_log"))
    assert len(many) == len(few), (len(few), len(many))
    assert "Page 1 of" in response.content.decode()
    assert browser.get(reverse("privacy:access_log") + "?page=2").status_code == 200


def test_the_api_gives_the_same_lines(cast, api_for, client_for) -> None:
    client_for(cast.carol).get(reverse("workspace:client", args=[cast.client("dana").pk]))
    body = api_for(cast.dana).get(reverse("api:privacy_access_log") + "?person=0").json()
    assert body["count"] >= 1 and body["items"][0]["who"] == "Someone outside your care team"
