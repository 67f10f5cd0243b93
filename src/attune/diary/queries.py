"""Read helpers for the diary and the script map, always starting from the rows the caller may see
(policy.scoped: the models' `for_access`). Helpers that fetch what a page or an API answer shows audit it as read
(`access.shown`), so views write no read audits.

Each helper makes a fixed number of queries, however many entries a client has: pages built on them must not
grow with the diary (asserted in tests/diary/test_query_counts.py).
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from attune.core import disclosure, policy
from attune.core.policy import Access
from attune.diary import perms
from attune.diary.models import (
    DiaryEntry,
    DiaryPreferences,
    MapStatus,
    NewResponse,
    RelationshipScript,
    ResponsePractice,
)
from attune.skills import journal

WEEK_DAYS = 7


def entries(access: Access) -> QuerySet[DiaryEntry]:
    return policy.scoped(access, DiaryEntry.objects.select_related("script", "new_response"))


def scripts(access: Access) -> QuerySet[RelationshipScript]:
    return policy.scoped(access, RelationshipScript.objects.select_related("drafted_by"))


def new_responses(access: Access) -> QuerySet[NewResponse]:
    return policy.scoped(access, NewResponse.objects.select_related("drafted_by"))


def practices(access: Access) -> QuerySet[ResponsePractice]:
    return policy.scoped(access, ResponsePractice.objects.all())


def shown_entries(access: Access, rows: Iterable[DiaryEntry]) -> list[DiaryEntry]:
    """The entries a page or an API answer shows, audited as read."""
    shown = list(rows)
    access.shown("DiaryEntry", [e.pk for e in shown], perms.VIEW_DIARY)
    return shown


def visible_script(access: Access, script: RelationshipScript | None) -> RelationshipScript | None:
    """A script linked from an entry, or None if this caller may not see it."""
    if script is None or access.is_self:
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
    if filters.visibility and access.is_self:
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


def shown_map(access: Access) -> list[ScriptCard]:
    """The script map a page or an API answer shows, each script audited as read."""
    cards = script_map(access)
    access.shown("RelationshipScript", [c.script.pk for c in cards], perms.VIEW_DIARY)
    return cards


def script_card(access: Access, script: RelationshipScript) -> ScriptCard:
    """The card of a script the caller reached (through policy.row_of, which audits its read)."""
    return next(c for c in script_map(access) if c.script.pk == script.pk)


def share_default(access: Access) -> bool:
    """The client's choice to share new entries and practices with their care team. The skills engine asks for it
    too, through skills.services.use_share_default (registered in DiaryConfig.ready)."""
    prefs = DiaryPreferences.objects.filter(client_id=access.client_id)
    return bool(prefs.values_list("share_by_default", flat=True).first())


def sharing_decision(access: Access) -> disclosure.Decision:
    """The diary's sharing default in the client's words (core.disclosure.decides)."""
    if share_default(access):
        words = "New diary entries and practice are shared with your care team, unless you keep one to yourself."
    else:
        words = "New diary entries and practice stay with you, unless you choose to share one with your care team."
    return disclosure.Decision("Your diary", words, reverse("diary:share_default"))


def shown_share_default(access: Access) -> bool:
    """The client's sharing default, as the settings API shows it (audited as a read of the preferences)."""
    access.shown("DiaryPreferences", [access.client_id], perms.WRITE_DIARY)
    return share_default(access)


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


def script_refs(access: Access) -> list[journal.Ref]:
    """The scripts other capabilities may link to (skills/journal.py): those on the map or set aside, and the
    client's own drafts for the client, as this caller sees them."""
    rows = scripts(access).select_related(None).only("id", "client_id", "name", "status")
    return [journal.Ref(s.pk, s.name) for s in rows]


def entry_refs(access: Access, limit: int, ids: list[uuid.UUID] | None) -> list[journal.Ref]:
    """The latest entries this caller may see (or those of `ids`), labelled by date and kind of trigger (never
    their words)."""
    rows = entries(access).select_related(None).only("id", "client_id", "occurred_at", "trigger_kind")
    if ids is not None:
        rows = rows.filter(pk__in=ids)
    rows = rows[:limit]
    return [
        journal.Ref(e.pk, f"{timezone.localtime(e.occurred_at):%a %-d %b, %H:%M} · {e.get_trigger_kind_display()}")
        for e in rows
    ]


def described(access: Access, ids: list[str]) -> dict[str, str]:
    """How diary entries are named in their client's access log (core.disclosure): "your diary entry of 3 May".
    Only the client's own rows, by the ids their log names."""
    valid = [i for i in ids if policy.parse_uuid(i) is not None]
    rows = DiaryEntry.objects.filter(client_id=access.client_id, pk__in=valid).values_list("pk", "occurred_at")
    return {str(pk): f"your diary entry of {timezone.localtime(at):%-d %B}" for pk, at in rows}
