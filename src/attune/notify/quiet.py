"""Quiet hours, pure: when does a quiet period that contains this moment end?"""

from __future__ import annotations

import datetime


def quiet_until(
    now: datetime.datetime, start: datetime.time | None, end: datetime.time | None
) -> datetime.datetime | None:
    """The end of the quiet period `now` (aware, in the recipient's zone) falls in, or None if it is not quiet.

    start == end means no quiet hours; start > end spans midnight (22:00 to 07:00).
    """
    if start is None or end is None or start == end:
        return None
    clock, today = now.time().replace(tzinfo=None), now.date()
    if start < end:
        inside, end_day = start <= clock < end, today
    elif clock >= start:
        inside, end_day = True, today + datetime.timedelta(days=1)
    else:
        inside, end_day = clock < end, today
    if not inside:
        return None
    return datetime.datetime.combine(end_day, end, tzinfo=now.tzinfo)
