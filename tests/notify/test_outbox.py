"""The outbox: rows written in the caller's transaction, delivered once, retried with backoff, recovered after a
lease expires; and the one neutral message."""

from __future__ import annotations

import datetime
import email
import email.policy
import uuid

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from attune.measures import library
from attune.notify import channels, delivery, services
from attune.notify.models import Notification, NotificationPreference
from tests.cast import CANARIES

pytestmark = pytest.mark.django_db


def _enqueue(user, key: str = "k", **extra) -> list[Notification]:
    return services.enqueue(
        recipient_id=user.pk, purpose="alert", target=f"/alerts/{uuid.uuid4()}/", dedupe_key=key, **extra
    )


def test_a_committed_change_is_delivered_once(cast, mail_dir, jobs, run_jobs, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        [row] = _enqueue(cast.alice)
    assert row.channel == "email" and row.status == "queued"
    assert run_jobs() == ["sent"]
    row.refresh_from_db()
    assert row.status == "sent" and row.attempts == 1 and row.sent_at is not None and row.lease_until is None
    assert [p.name for p in mail_dir.iterdir()] == [f"{row.pk}.eml"]
    # A second job for the same row (a duplicate from recovery) finds nothing to do.
    services.schedule(row.pk)
    assert run_jobs() == ["skipped"]
    assert len(list(mail_dir.iterdir())) == 1


def test_a_rolled_back_change_sends_nothing(cast, mail_dir, jobs, run_jobs, django_capture_on_commit_callbacks):
    class Undo(Exception):
        pass

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(Undo), transaction.atomic():
        assert _enqueue(cast.alice)
        raise Undo
    assert not callbacks and not jobs.results
    assert not Notification.objects.exists()
    delivery.recover(timezone.now() + datetime.timedelta(hours=1))
    assert run_jobs() == [] and not mail_dir.exists()


def test_the_same_key_gives_the_same_rows(cast, jobs, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = _enqueue(cast.alice, "same")
        again = _enqueue(cast.alice, "same")
    assert [r.pk for r in first] == [r.pk for r in again]
    assert len(jobs.results) == 1


def test_everything_off_or_email_off_writes_nothing(cast):
    NotificationPreference.objects.create(user=cast.alice, paused=True)
    NotificationPreference.objects.create(user=cast.bob, email=False)
    assert _enqueue(cast.alice, "a") == [] and _enqueue(cast.bob, "b") == []


def test_a_bad_target_or_purpose_is_refused(cast):
    for target in ("https://elsewhere.example/", "//elsewhere.example/", "alerts/1/"):
        with pytest.raises(ValueError):
            services.enqueue(recipient_id=cast.alice.pk, purpose="alert", target=target, dedupe_key="x")
    with pytest.raises(ValueError):
        services.enqueue(recipient_id=cast.alice.pk, purpose="gossip", target="/", dedupe_key="x")


def test_quiet_hours_hold_what_is_not_urgent(cast, jobs, django_capture_on_commit_callbacks):
    NotificationPreference.objects.create(
        user=cast.dana, quiet_start=datetime.time(22, 0), quiet_end=datetime.time(7, 0)
    )
    late = timezone.make_aware(datetime.datetime(2026, 3, 10, 23, 30))
    with time_machine.travel(late, tick=False), django_capture_on_commit_callbacks(execute=True):
        [held] = _enqueue(cast.dana, "held")
        [urgent] = _enqueue(cast.dana, "urgent", urgent=True)
    assert timezone.localtime(held.next_attempt_at) == timezone.make_aware(datetime.datetime(2026, 3, 11, 7, 0))
    assert urgent.next_attempt_at == late
    [deferred, now] = jobs.results
    assert deferred.task.run_after == held.next_attempt_at and now.task.run_after is None
    # A job that runs early (a backend that ignores run_after) does not send before the quiet hours end.
    with time_machine.travel(late, tick=False):
        assert delivery.deliver(held.pk) == "skipped"


def test_failures_are_retried_with_doubling_backoff_then_given_up(cast, settings, jobs, monkeypatch):
    settings.ATTUNE_NOTIFY_MAX_ATTEMPTS = 4

    def refuse(notification):
        raise OSError(f"connection refused for {notification.recipient.email}")

    monkeypatch.setitem(channels.SENDERS, Notification.Channel.EMAIL, refuse)
    [row] = _enqueue(cast.alice)
    start = timezone.now()
    waits = []
    for attempt in range(1, 5):
        with time_machine.travel(start + datetime.timedelta(hours=attempt), tick=False):
            outcome = delivery.deliver(row.pk)
            row.refresh_from_db()
            waits.append(row.next_attempt_at - timezone.now())
        assert row.attempts == attempt
        assert cast.alice.email not in row.last_error and row.last_error.startswith("OSError: ")
    assert outcome == "failed" and row.status == "failed"
    assert [w.total_seconds() for w in waits[:3]] == [30, 60, 120]
    assert [r.task.run_after is not None for r in jobs.results] == [True, True, True]
    assert delivery.backoff(30) == datetime.timedelta(seconds=settings.ATTUNE_NOTIFY_BACKOFF_CAP_SECONDS)


def test_a_lease_that_expires_is_recovered_and_sent_once(cast, mail_dir, jobs, run_jobs):
    [row] = _enqueue(cast.alice)
    now = timezone.now()
    assert delivery.claim(row.pk, now) is not None  # a worker takes it, then dies
    assert delivery.claim(row.pk, now) is None  # nobody else can while the lease holds
    assert delivery.recover(now) == 0
    later = now + delivery.lease() + datetime.timedelta(seconds=1)
    with time_machine.travel(later, tick=False):
        assert delivery.recover(timezone.now()) == 1
        assert run_jobs() == ["sent"]
    row.refresh_from_db()
    assert row.status == "sent" and row.attempts == 2
    assert len(list(mail_dir.glob("*.eml"))) == 1


def test_a_row_whose_job_was_lost_is_recovered(cast, mail_dir, jobs, run_jobs):
    _enqueue(cast.alice)  # as if the process died after the commit, before its job was queued
    jobs.clear()
    assert delivery.recover(timezone.now()) == 0  # too fresh: its job may still be waiting in the queue
    with time_machine.travel(timezone.now() + delivery.lease() * 2, tick=False):
        assert delivery.recover(timezone.now()) == 1
        assert delivery.recover(timezone.now()) == 0  # re-queued once per lease, not every tick
        assert run_jobs() == ["sent"]


def test_turning_everything_off_cancels_what_is_waiting(
    cast, mail_dir, run_jobs, jobs, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        [row] = _enqueue(cast.dana)
    services.save_preferences(cast.dana, services.current(cast.dana).model_copy(update={"paused": True}))
    assert run_jobs() == ["skipped"]
    row.refresh_from_db()
    assert row.status == "cancelled" and not mail_dir.exists()


def test_the_message_says_nothing_about_what_it_is(
    cast, mail_dir, jobs, run_jobs, settings, django_capture_on_commit_callbacks
):
    settings.ATTUNE_SITE_URL = "http://127.0.0.1:8123"
    dana = cast.client("dana")
    targets = {}
    # Sign-in links are written only by send_sign_in_link (tests/accounts/test_account_limit.py).
    for purpose in set(Notification.Purpose.values) - {Notification.Purpose.SIGN_IN}:
        for user in (cast.alice, cast.dana):
            target = f"/alerts/{uuid.uuid4()}/?client={dana.pk}"
            with django_capture_on_commit_callbacks(execute=True):
                [row] = services.enqueue(recipient_id=user.pk, purpose=purpose, target=target, dedupe_key=target)
            targets[row.pk] = target
    assert set(run_jobs()) == {"sent"}
    forbidden = [
        *CANARIES,
        dana.preferred_name,
        dana.user.email if dana.user else "",
        "safety",
        "alert",
        "crisis",
        "risk",
        "score",
    ]
    forbidden += [i.code for i in library.all_instruments()] + [i.title for i in library.all_instruments()]
    for path in mail_dir.glob("*.eml"):
        # The recipient's own address is the one thing about anyone that a message must carry.
        raw = "\n".join(line for line in path.read_bytes().decode().splitlines() if not line.startswith("To: "))
        message = email.message_from_string(raw, policy=email.policy.default)
        text = f"{raw}\n{message.get_body().get_content()}".lower()
        assert not [word for word in forbidden if word and word.lower() in text], path.name
        assert targets[uuid.UUID(path.stem)].lower() not in text and str(dana.pk) not in text
        assert f"http://127.0.0.1:8123/n/{path.stem}/" in text
        assert message["Subject"] == "You have a new message"


def test_the_sender_and_sentence_use_the_chosen_label(
    cast, mail_dir, run_jobs, jobs, django_capture_on_commit_callbacks
):
    services.save_preferences(cast.dana, services.current(cast.dana).model_copy(update={"label": "Notes"}))
    with django_capture_on_commit_callbacks(execute=True):
        [row] = _enqueue(cast.dana)
    run_jobs()
    message = email.message_from_bytes((mail_dir / f"{row.pk}.eml").read_bytes(), policy=email.policy.default)
    assert (
        str(message["From"]).startswith("Notes <")
        and "You have a new message in Notes." in message.get_body().get_content()
    )
    assert "Attune" not in message.as_string()


def test_the_link_takes_only_its_recipient_to_the_target(cast, client_for):
    [row] = services.enqueue(recipient_id=cast.alice.pk, purpose="alert", target="/clients/", dedupe_key="link")
    assert client_for(cast.alice).get(f"/n/{row.pk}/").headers["Location"] == "/clients/"
    assert client_for(cast.bob).get(f"/n/{row.pk}/").status_code == 404
