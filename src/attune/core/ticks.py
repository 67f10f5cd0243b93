"""The periodic tick: work that nobody's request starts (recovering stale deliveries, due questionnaires,
reminders, escalations).

Apps register named tick functions in their `AppConfig.ready()`. `attune worker` runs the tick once per slot
(ATTUNE_TICK_SECONDS, a minute by default); several workers share the work by claiming each slot with a unique
`TickRun` row, so a slot's tick runs once however many workers reach it. `attune tick` runs one by hand.

A tick function receives the moment of the tick, owns its transactions and must be safe to run again (a slot
whose worker died halfway is not retried; the next slot does what is still due). One tick failing does not stop
the others, and the log names only the tick and the exception class: exception messages can carry data.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable

from django.conf import settings
from django.db import IntegrityError, transaction

from attune.core.models import TickRun

logger = logging.getLogger("attune.tick")

TickFunction = Callable[[datetime.datetime], object]

_ticks: dict[str, TickFunction] = {}

# Claims older than this are deleted as new slots are claimed; they only need to outlive the clock skew
# between workers.
KEEP_CLAIMS = datetime.timedelta(days=2)


def register(name: str, function: TickFunction) -> None:
    """Register a tick function under a name (from an AppConfig.ready()); registering it again replaces it."""
    _ticks[name] = function


def registered() -> list[str]:
    return sorted(_ticks)


def run(now: datetime.datetime) -> dict[str, bool]:
    """Run every registered tick function once; returns name -> whether it finished without an exception."""
    outcome: dict[str, bool] = {}
    for name in registered():
        try:
            _ticks[name](now)
        except Exception as exc:
            logger.error("tick %s failed: %s", name, type(exc).__name__)
            outcome[name] = False
        else:
            outcome[name] = True
    return outcome


def slot_of(now: datetime.datetime) -> datetime.datetime:
    """The start of the slot that `now` falls in."""
    seconds = max(1, settings.ATTUNE_TICK_SECONDS)
    epoch = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
    elapsed = int((now - epoch).total_seconds())
    return epoch + datetime.timedelta(seconds=elapsed - elapsed % seconds)


def next_slot(now: datetime.datetime) -> datetime.datetime:
    return slot_of(now) + datetime.timedelta(seconds=max(1, settings.ATTUNE_TICK_SECONDS))


def claim(slot: datetime.datetime) -> bool:
    """Claim a slot for this process; False if another worker already has it."""
    try:
        with transaction.atomic():
            TickRun.objects.create(slot=slot)
    except IntegrityError:
        return False
    TickRun.objects.filter(slot__lt=slot - KEEP_CLAIMS).delete()
    return True


def run_due(now: datetime.datetime) -> dict[str, bool] | None:
    """Run the tick of `now`'s slot unless another worker has claimed it; None when it was already claimed."""
    if not claim(slot_of(now)):
        return None
    return run(now)
