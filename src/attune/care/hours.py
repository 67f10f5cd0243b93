"""A practice's working time: whether its team is at work at a moment, when they next will be, and the moment a
number of working minutes after another (the escalation clock, which waits outside working hours).

Hours are wall-clock times in the practice's time zone, so a working day is 09:00-17:00 there whatever the
server's zone or the season. A practice with no working days, or hours that do not make a day, is treated as
always at work: the clock then never waits, which is the safe failure for an escalation.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from attune.care.models import Practice

# How far ahead to look for working time; a week always holds a working day when there is one.
_HORIZON_DAYS = 15


@dataclass(frozen=True)
class Hours:
    zone: ZoneInfo
    days: frozenset[int]  # 0 = Monday
    starts: datetime.time
    ends: datetime.time

    @property
    def always(self) -> bool:
        return not self.days or self.ends <= self.starts


def of(practice: Practice) -> Hours:
    try:
        zone = ZoneInfo(practice.time_zone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    days = frozenset(int(d) for d in (practice.working_days or []) if 0 <= int(d) <= 6)
    return Hours(zone, days, practice.day_starts, practice.day_ends)


def _window(hours: Hours, day: datetime.date) -> tuple[datetime.datetime, datetime.datetime] | None:
    if day.weekday() not in hours.days:
        return None
    start = datetime.datetime.combine(day, hours.starts, tzinfo=hours.zone)
    end = datetime.datetime.combine(day, hours.ends, tzinfo=hours.zone)
    return start, end


def _windows_from(hours: Hours, moment: datetime.datetime) -> list[tuple[datetime.datetime, datetime.datetime]]:
    first = moment.astimezone(hours.zone).date()
    found = []
    for offset in range(_HORIZON_DAYS):
        window = _window(hours, first + datetime.timedelta(days=offset))
        if window is not None and window[1] > moment:
            found.append(window)
    return found


def at_work(practice: Practice, moment: datetime.datetime) -> bool:
    hours = of(practice)
    if hours.always:
        return True
    window = _window(hours, moment.astimezone(hours.zone).date())
    return window is not None and window[0] <= moment < window[1]


def next_start(practice: Practice, moment: datetime.datetime) -> datetime.datetime:
    """`moment` itself when the team is at work; otherwise the start of the next working day's hours."""
    hours = of(practice)
    if hours.always or at_work(practice, moment):
        return moment
    windows = _windows_from(hours, moment)
    return windows[0][0] if windows else moment


def after_working_minutes(practice: Practice, start: datetime.datetime, minutes: int) -> datetime.datetime:
    """The moment `minutes` of working time after `start`; outside working hours the clock waits."""
    hours = of(practice)
    if hours.always:
        return start + datetime.timedelta(minutes=minutes)
    left = datetime.timedelta(minutes=minutes)
    for window_start, window_end in _windows_from(hours, start):
        begin = max(window_start, start)
        if begin + left <= window_end:
            return begin + left
        left -= window_end - begin
    return start + datetime.timedelta(minutes=minutes)  # no working time ahead: do not wait for ever


def when_seen(practice: Practice, moment: datetime.datetime) -> str:
    """Plain words for when the team will next be at work, for a client outside working hours ("on Monday
    morning", "tomorrow morning", "later this morning"); "" when they are at work now."""
    start = next_start(practice, moment)
    if start == moment:
        return ""
    local, today = start.astimezone(of(practice).zone), moment.astimezone(of(practice).zone).date()
    part = "morning" if local.hour < 12 else ("afternoon" if local.hour < 17 else "evening")
    if local.date() == today:
        return f"later this {part}" if part != "evening" else "this evening"
    if local.date() == today + datetime.timedelta(days=1):
        return f"tomorrow {part}" if part != "evening" else "tomorrow evening"
    if local.date() < today + datetime.timedelta(days=7):
        return f"on {local:%A} {part}"
    return f"on {local:%A} {local.day} {local:%B}"
