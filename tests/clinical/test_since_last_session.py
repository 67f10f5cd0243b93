"""'Pull in what happened since the last session': a clinician writing a draft note gets a summary of what the
client shared and logged since their last session, gathered through the kernel's timeline registry (the clinical
record imports none of the capabilities it hears from). Only what this clinician may see appears: an entry the
client keeps private never does, a category withheld from this clinician gives nothing, and every line is
audited as a read."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from attune.clinical import perms, since
from attune.clinical.models import Appointment, AppointmentStatus, SessionNote
from attune.core import policy, timeline
from attune.core.models import AuditEvent
from attune.diary.models import DiaryEntry
from attune.monitoring.models import Alert
from attune.privacy import perms as privacy_perms
from attune.privacy import services as privacy
from attune.questionnaires.models import Response
from attune.skills.models import SkillPractice
from tests.cast import Cast, canary
from tests.diary.support import post

pytestmark = pytest.mark.django_db


def _entry(client: Any, words: str, *, shared: bool, days_ago: float) -> DiaryEntry:
    entry = DiaryEntry(client=client, key=uuid.uuid4(), fingerprint="0" * 64, trigger_kind="tone",
                       trigger_words=words, distress_before=70, distress_after=40, shared=shared,
                       occurred_at=timezone.now() - datetime.timedelta(days=days_ago))  # fmt: skip
    entry.save()
    return entry


@pytest.fixture
def history(cast: Cast) -> dict[str, Any]:
    dana = cast.client("dana")
    now = timezone.now()
    # The last session: attended ten days ago. Anything before it is not "since".
    Appointment.objects.create(client=dana, clinician=cast.alice, starts_at=now - datetime.timedelta(days=10),
                               minutes=50, place="Room 1", status=AppointmentStatus.ATTENDED)  # fmt: skip
    made = {
        "shared": _entry(dana, canary("diaryentry", "trigger_words"), shared=True, days_ago=3),
        "private": _entry(dana, canary("diaryentry", "trigger_words"), shared=False, days_ago=2),
        "before": _entry(dana, canary("diaryentry", "trigger_words"), shared=True, days_ago=12),
    }
    made["response"] = Response.objects.create(client=dana, instrument="pcl5", status="completed", scored=True,
                                               total=37, submitted=now - datetime.timedelta(days=4))  # fmt: skip
    made["alert"] = Alert.objects.create(client=dana, kind=Alert.Kind.DETERIORATION, instrument="pcl5",
                                         raised=now - datetime.timedelta(days=4), status=Alert.Status.RESOLVED,
                                         resolved=now - datetime.timedelta(days=3),
                                         resolve_note=canary("alert", "resolve_note"))  # fmt: skip
    made["practice"] = SkillPractice.objects.create(client=dana, skill="54321", key=uuid.uuid4(), fingerprint="0",
                                                    distress_before=60, distress_after=30, shared=True,
                                                    occurred_at=now - datetime.timedelta(days=1))  # fmt: skip
    made["private_practice"] = SkillPractice.objects.create(client=dana, skill="box-breathing", key=uuid.uuid4(),
                                                            fingerprint="0", shared=False,
                                                            occurred_at=now - datetime.timedelta(days=1))  # fmt: skip
    made["note"] = SessionNote.objects.create(client=dana, author=cast.alice, template="dap",
                                              session_date=timezone.localdate())  # fmt: skip
    return made


def _since(browser: Any, cast: Cast, note: SessionNote) -> dict[str, Any]:
    response = browser.get(reverse("clinical:note_since", args=[cast.client("dana").pk, note.pk]))
    assert response.status_code == 200, response.content
    return dict(response.json())


def test_every_capability_registers_its_lines() -> None:
    names = set(timeline.providers())
    assert {"diary.entries", "monitoring.results", "monitoring.alerts", "skills.practice", "learn.work",
            "clinical.exposure"} <= names  # fmt: skip


def test_the_summary_holds_what_was_shared_since_the_last_session(cast: Cast, client_for: Any, history: Any) -> None:
    answer = _since(client_for(cast.alice), cast, history["note"])
    text = answer["text"]
    assert answer["section"] == "data"
    assert answer["start"] == (timezone.localdate() - datetime.timedelta(days=10)).isoformat()
    assert history["shared"].trigger_words in text and "distress 70 → 40" in text
    assert history["private"].trigger_words not in text  # kept private: never
    assert history["before"].trigger_words not in text  # before the last session: not "since"
    assert "PTSD Checklist" in text and "total 37" in text
    assert "Reliable deterioration" in text and history["alert"].resolve_note in text
    assert "(distress 60 → 30)" in text
    assert text.count("practised") == 1  # the private practice stays out
    for heading in ("Alerts:", "Questionnaires:", "Diary:", "Practice:"):
        assert heading in text
    # Each line's row is audited as read by alice, through the policy.
    reads = AuditEvent.objects.filter(client_id=cast.client("dana").pk, agent_id=cast.alice.pk,
                                      action=AuditEvent.Action.READ)  # fmt: skip
    for entity, row in (("DiaryEntry", history["shared"]), ("QuestionnaireResponse", history["response"]),
                        ("DetectedIssue", history["alert"]), ("SkillPractice", history["practice"])):  # fmt: skip
        assert reads.filter(entity_type=entity, entity_id=str(row.pk)).exists(), entity
    assert not reads.filter(entity_id=str(history["private"].pk)).exists()


def test_a_withheld_category_does_not_appear(cast: Cast, client_for: Any, history: Any) -> None:
    dana = cast.client("dana")
    own = policy.own(cast.dana, privacy_perms.MANAGE_SHARING)
    privacy.set_visible(own, cast.alice.pk, "diary", False)
    privacy.set_visible(own, cast.alice.pk, "results", False)
    text = _since(client_for(cast.alice), cast, history["note"])["text"]
    assert history["shared"].trigger_words not in text and "practised" not in text  # the diary and its practice
    assert "total 37" not in text  # results
    assert "Reliable deterioration" in text  # alerts are not a category the client withholds
    assert not AuditEvent.objects.filter(client_id=dana.pk, entity_type="DiaryEntry", agent_id=cast.alice.pk,
                                         action=AuditEvent.Action.READ).exists()  # fmt: skip


def test_pulling_in_without_the_script_saves_the_typed_draft_with_the_summary(
    cast: Cast, client_for: Any, history: Any
) -> None:
    note, dana = history["note"], cast.client("dana")
    browser = client_for(cast.alice)
    typed = canary("sessionnote", "data")
    response = post(browser, reverse("clinical:note_pull", args=[dana.pk, note.pk]),
                    {"session_date": note.session_date.isoformat(), "version": note.version, "data": typed,
                     "assessment": "", "plan": "Keep the diary"})  # fmt: skip
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.data.startswith(typed) and history["shared"].trigger_words in note.data
    assert history["private"].trigger_words not in note.data and note.plan == "Keep the diary"
    # The note is sealed like everything typed: the summary's words are not in the table as plain text.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT data FROM clinical_sessionnote WHERE id = %s",
            [note.pk.hex if connection.vendor == "sqlite" else note.pk],
        )
        raw = cursor.fetchone()[0]
    assert typed not in str(raw) and history["shared"].trigger_words not in str(raw)
    # A stale form gets the comparison page; nothing is overwritten.
    stale = post(browser, reverse("clinical:note_pull", args=[dana.pk, note.pk]),
                 {"session_date": note.session_date.isoformat(), "version": 1, "data": "older"})  # fmt: skip
    assert stale.status_code == 409
    note.refresh_from_db()
    assert note.data.startswith(typed)


def test_a_signed_note_pulls_nothing_in(cast: Cast, client_for: Any, history: Any) -> None:
    note, dana = history["note"], cast.client("dana")
    note.data = "Written"
    note.status, note.signed_at = "signed", timezone.now()
    note.save()
    browser = client_for(cast.alice)
    assert browser.get(reverse("clinical:note_since", args=[dana.pk, note.pk])).status_code == 409
    assert browser.get(f"/api/v1/clients/{dana.pk}/notes/{note.pk}/since").status_code == 409


def test_the_api_gives_the_lines_and_the_text(cast: Cast, client_for: Any, history: Any) -> None:
    dana = cast.client("dana")
    answer = client_for(cast.alice).get(f"/api/v1/clients/{dana.pk}/notes/{history['note'].pk}/since").json()
    headings = {item["heading"] for item in answer["items"]}
    assert headings == {"Alerts", "Questionnaires", "Diary", "Practice"}
    assert history["private"].trigger_words not in str(answer)


def test_with_nothing_since_the_summary_says_so(cast: Cast) -> None:
    dana = cast.client("dana")
    note = SessionNote.objects.create(client=dana, author=cast.alice, template="soap",
                                      session_date=timezone.localdate() - datetime.timedelta(days=400))  # fmt: skip
    access = policy.client(cast.alice, dana.pk, perms.WRITE_NOTES)
    found = since.summary(access, note)
    assert found.section == "objective" and found.items == []
    assert "nothing new was recorded or shared" in found.text
