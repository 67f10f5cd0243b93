"""Sessions (appointments) of a client, listed for a capability that does not own them, without importing the one
that does (capabilities sit side by side). The clinical record keeps appointments and registers one lister in
its `AppConfig.ready()`; couples work asks it for the couple's sessions.

What it decides: nothing by itself. The lister takes the caller's `Access` and a kind, and is the one place that
decides what that caller may see of the client's sessions (a linked partner: sessions of kind "couples" only,
never an individual one); it audits what it returns. Without a lister registered (the clinical record not
installed) there are no sessions to show.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone

from attune.core.policy import Access


@dataclass(frozen=True)
class Session:
    """One session as another capability may show it: when, how long, where, and what became of it."""

    id: uuid.UUID
    kind: str  # "individual" or "couples"
    starts_at: datetime.datetime
    minutes: int
    status: str  # "scheduled", "attended", "cancelled" or "missed"
    status_label: str
    place: str
    video_link: str

    @property
    def ends_at(self) -> datetime.datetime:
        return self.starts_at + datetime.timedelta(minutes=self.minutes)

    @property
    def upcoming(self) -> bool:
        return self.status == "scheduled" and self.ends_at > timezone.now()


# lister(access, kind, since): the client's sessions of this kind starting at or after `since` (None: all),
# soonest first, as this caller may see them; audited by the lister.
Lister = Callable[[Access, str, datetime.datetime | None], list[Session]]

_lister: Lister | None = None


def register(lister: Lister) -> None:
    """Called once by the clinical record's AppConfig.ready()."""
    global _lister
    _lister = lister


def of_kind(access: Access, kind: str, *, since: datetime.datetime | None = None) -> list[Session]:
    """The client's sessions of one kind, soonest first ([] when no app keeps sessions)."""
    return _lister(access, kind, since) if _lister is not None else []
