"""Read helpers for the diary and the script map, always starting from the row-level scopes in access.py.

Each helper makes a fixed number of queries, however many entries a client has: pages built on them must not
grow with the diary (asserted in tests/diary/test_query_counts.py).
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from attune.core.policy import Access
from attune.diary import access as rows
from attune.diary.models import DiaryEntry, MapStatus, NewResponse, RelationshipScript, ResponsePractice

WEEK_DAYS = 7


def entries(access: Access) -> QuerySet[DiaryEntry]:
    return rows.shared_only(access, DiaryEntry.objects.select_related("script", "new_response"))


def scripts(access: Access) -> QuerySet[RelationshipScript]:
    return rows.on_the_map(access, RelationshipScript.objects.select_related("drafted_by"))


def new_responses(access: Access) -> QuerySet[NewResponse]:
    return rows.on_the_map(access, NewResponse.objects.select_related("drafted_by"))


def practices(access: Access) -> QuerySet[ResponsePractice]:
    return rows.shared_only(access, ResponsePractice.objects.all())


def visible_script(access: Access, script: RelationshipScript | None) -> RelationshipScript | None:
    """A script linked from an entry, or None if this caller may not see it."""
    if script is None or rows.is_owner(access):
        return script
    return script if script.status != MapStatus.DRAFT or not script.drafted_by_client else None


@dataclass
class EntryFilters:
    kind: str = ""
    script: uuid.UUID | None = None
    visibility: str = ""  # "", "shared" or "private" (the client's own view only)
    since: datetime.date | None = None
    until: datetime.date | None = None
    text: str = ""


def filtered_entries(access: Access, filters: EntryFilters) -> QuerySet[DiaryEntry]:
    qs = entries(access)
    if filters.kind:
        qs = qs.filter(trigger_kind=filters.kind)
    if filters.script is not None:
        qs = qs.filter(script_id=filters.script)
    if filters.visibility and rows.is_owner(access):
        qs = qs.filter(shared=filters.visibility == "shared")
    zone = timezone.get_current_timezone()
    if filters.since:
        qs = qs.filter(occurred_at__gte=datetime.datetime.combine(filters.since, datetime.time.min, zone))
    if filters.until:
        qs = qs.filter(occurred_at__lt=datetime.datetime.combine(filters.until, datetime.time.min, zone) + _DAY)
    return qs


_DAY = datetime.timedelta(days=1)


def search(qs: QuerySet[DiaryEntry], text: str) -> list[DiaryEntry]:
    """Free-text search. The words are encrypted, so they are searched here after decryption, never in SQL."""
    needle = text.strip().casefold()
    found = []
    for entry in qs:
        haystack = " ".join([entry.trigger_words, entry.what_i_did, entry.note]).casefold()
        if needle in haystack:
            found.append(entry)
    return found


# --- the script map --------------------------------------------------------------------------------------------


@dataclass
class ResponseCard:
    response: NewResponse
    week_uses: int = 0
    total_uses: int = 0


@dataclass
class ScriptCard:
    script: RelationshipScript
    week_count: int = 0
    total_count: int = 0
    responses: list[ResponseCard] = field(default_factory=list)

    @property
    def week_new_uses(self) -> int:
        return sum(r.week_uses for r in self.responses if r.response.status == MapStatus.ON_MAP)

    @property
    def drafts(self) -> list[ResponseCard]:
        return [r for r in self.responses if r.response.status == MapStatus.DRAFT]


def _counts(qs: QuerySet[Any], column: str, since: datetime.datetime) -> dict[Any, tuple[int, int]]:
    grouped = (
        qs.filter(**{f"{column}__isnull": False})
        .order_by()
        .values(column)
        .annotate(total=Count("id"), week=Count("id", filter=Q(occurred_at__gte=since)))
    )
    return {row[column]: (row["week"], row["total"]) for row in grouped}


def script_map(access: Access, now: datetime.datetime | None = None) -> list[ScriptCard]:
    """Every script this caller may see, with how often it showed up in the past week and in all, and how often
    each new response was used (in diary entries and in its practice log), counting only visible rows."""
    since = (now or timezone.now()) - datetime.timedelta(days=WEEK_DAYS)
    cards = {s.pk: ScriptCard(s) for s in scripts(access)}
    by_script = _counts(entries(access), "script_id", since)
    in_entries = _counts(entries(access), "new_response_id", since)
    in_log = _counts(practices(access), "new_response_id", since)
    for response in new_responses(access):
        card = cards.get(response.script_id)
        if card is None:
            continue
        week = in_entries.get(response.pk, (0, 0))[0] + in_log.get(response.pk, (0, 0))[0]
        total = in_entries.get(response.pk, (0, 0))[1] + in_log.get(response.pk, (0, 0))[1]
        card.responses.append(ResponseCard(response, week, total))
    for pk, card in cards.items():
        card.week_count, card.total_count = by_script.get(pk, (0, 0))
    return list(cards.values())


def split_map(cards: list[ScriptCard]) -> dict[str, list[ScriptCard]]:
    groups: dict[str, list[ScriptCard]] = {status: [] for status in MapStatus.values}
    for card in cards:
        groups[card.script.status].append(card)
    return groups


@dataclass
class LogItem:
    occurred_at: datetime.datetime
    outcome: str
    note: str
    shared: bool
    entry: DiaryEntry | None = None
    practice: ResponsePractice | None = None


def practice_log(access: Access, response: NewResponse) -> list[LogItem]:
    """A new response's practice log: its "tried it" records and the diary entries that used it, newest first."""
    items = [
        LogItem(p.occurred_at, p.get_outcome_display(), p.note, p.shared, practice=p)
        for p in practices(access).filter(new_response=response)
    ]
    items += [
        LogItem(e.occurred_at, "", e.what_i_did, e.shared, entry=e)
        for e in entries(access).filter(new_response=response)
    ]
    return sorted(items, key=lambda item: item.occurred_at, reverse=True)
