"""The tick: each registered tick function runs once per minute however many workers reach the minute; one that
fails does not stop the others and is logged by name only."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.utils import timezone

from attune.core import ticks

pytestmark = pytest.mark.django_db


@pytest.fixture
def counted() -> Iterator[list[datetime.datetime]]:
    runs: list[datetime.datetime] = []
    ticks.register("test.count", runs.append)
    yield runs
    ticks._ticks.pop("test.count", None)


def test_the_outbox_recovery_is_registered() -> None:
    assert "notify.recover" in ticks.registered()


def test_each_minute_runs_once_whoever_asks(counted) -> None:
    minute = timezone.make_aware(datetime.datetime(2026, 3, 10, 9, 30, 5))
    assert ticks.run_due(minute) is not None
    assert ticks.run_due(minute + datetime.timedelta(seconds=40)) is None  # a second worker, same minute
    assert ticks.run_due(minute + datetime.timedelta(seconds=55)) is not None  # the next minute
    assert len(counted) == 2


def test_attune_tick_by_hand_respects_the_minute(counted, capsys) -> None:
    call_command("tick")
    call_command("tick")
    assert len(counted) == 1 and "already run" in capsys.readouterr().out
    call_command("tick", "--force")
    assert len(counted) == 2


def test_a_failing_tick_does_not_stop_the_others(counted, captured_logs) -> None:
    def broken(now: datetime.datetime) -> None:
        raise RuntimeError("dana@example.org said something private")

    ticks.register("test.broken", broken)
    try:
        outcome = ticks.run(timezone.now())
    finally:
        ticks._ticks.pop("test.broken")
    assert outcome["test.broken"] is False and outcome["test.count"] is True and len(counted) == 1
    assert any("test.broken" in line and "RuntimeError" in line for line in captured_logs)
    assert not any("private" in line or "dana@" in line for line in captured_logs)
