"""The diary's lines for the care team's timeline (core/timeline.py): the entries the client shared in the window,
with their words, as the care team reads them on the diary pages. Entries the client keeps to themself never
appear (policy.scoped), and nothing at all when the client withholds their diary from this clinician."""

from __future__ import annotations

import datetime

from django.utils import timezone

from attune.core.policy import Access
from attune.core.timeline import Item
from attune.diary import perms, queries


def _distress(before: int, after: int | None) -> str:
    return f"distress {before}" + (f" → {after}" if after is not None else "")


def since(access: Access, start: datetime.datetime, end: datetime.datetime) -> list[Item]:
    if not access.can(perms.VIEW_DIARY):
        return []
    rows = list(queries.entries(access).filter(occurred_at__gte=start, occurred_at__lt=end).order_by("occurred_at"))
    items = []
    for entry in rows:
        parts = [entry.get_trigger_kind_display()]
        if entry.trigger_words:
            parts[0] += f" (“{entry.trigger_words}”)"
        parts.append(_distress(entry.distress_before, entry.distress_after))
        if entry.script is not None:
            parts.append(f"script: {entry.script.name}")
        if entry.what_i_did:
            parts.append(f"what they did: {entry.what_i_did}")
        if entry.skill:
            parts.append(f"skill: {entry.skill}")
        when = timezone.localtime(entry.occurred_at)
        items.append(Item(entry.occurred_at, "Diary", f"{when:%a %-d %b}: " + "; ".join(parts)))
    queries.shown_entries(access, rows)
    return items
