"""Read helpers for learning and narrative work. Each starts from the client the caller reached through the policy
and keeps to the rows the caller may see (policy.scoped: the models' `for_access`). Helpers that fetch rows a page
or an API answer shows audit them as read (`access.shown`), so views write no read audits."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TypeVar

from django.db.models import Model, QuerySet

from attune.core import policy
from attune.core.policy import Access
from attune.learn import content, perms
from attune.learn.models import (
    ModuleRead,
    NarrativePiece,
    Reflection,
    Rehearsal,
    SavedPassage,
    Suggestion,
    ThoughtRecord,
)
from attune.skills import journal

M = TypeVar("M", bound=Model)


def shown(access: Access, rows: Iterable[M], entity: str) -> list[M]:
    """The rows a page or an API answer shows, audited as read."""
    out = list(rows)
    access.shown(entity, [r.pk for r in out], perms.VIEW_LEARN)
    return out


def suggestions(access: Access) -> list[Suggestion]:
    return list(
        Suggestion.objects.filter(client_id=access.client_id, withdrawn__isnull=True).select_related("suggested_by")
    )


def reads(access: Access) -> dict[str, ModuleRead]:
    return {r.module: r for r in policy.scoped(access, ModuleRead.objects.all())}


def passages(access: Access, module: str | None = None) -> QuerySet[SavedPassage]:
    rows = policy.scoped(access, SavedPassage.objects.all())
    return rows.filter(module=module) if module else rows


def reflections(access: Access, module: str | None = None) -> QuerySet[Reflection]:
    rows = policy.scoped(access, Reflection.objects.all())
    return rows.filter(module=module) if module else rows


def rehearsals(access: Access) -> QuerySet[Rehearsal]:
    return policy.scoped(access, Rehearsal.objects.all())


def thought_records(access: Access) -> QuerySet[ThoughtRecord]:
    return policy.scoped(access, ThoughtRecord.objects.all())


def pieces(access: Access) -> QuerySet[NarrativePiece]:
    return policy.scoped(access, NarrativePiece.objects.all())


def script_names(access: Access) -> dict[uuid.UUID, str]:
    """The client's scripts this caller may see, by id: a link to a script the caller cannot see shows nothing."""
    return {r.id: r.label for r in journal.scripts(access)}


def entry_labels(access: Access, ids: list[uuid.UUID | None]) -> dict[uuid.UUID, str]:
    """Labels of the linked diary entries this caller may see (the care team: shared entries only)."""
    wanted = [i for i in ids if i is not None]
    if not wanted:
        return {}
    return {r.id: r.label for r in journal.entries(access, len(wanted), wanted)}


# --- progress over time ------------------------------------------------------------------------------------------


@dataclass
class Week:
    starts: datetime.date
    rehearsals: int = 0
    modules: int = 0
    thought_records: int = 0
    pieces: int = 0

    @property
    def total(self) -> int:
        return self.rehearsals + self.modules + self.thought_records + self.pieces


@dataclass
class Progress:
    weeks: list[Week]
    rehearsals: int = 0
    ways_tried: int = 0
    modules_read: int = 0
    thought_records: int = 0
    pieces: int = 0
    by_rehearsal: dict[str, int] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not (self.rehearsals or self.modules_read or self.thought_records or self.pieces)


def _monday(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def progress(access: Access, *, weeks: int = 8, today: datetime.date | None = None) -> Progress:
    """What the client has practised, week by week, from the rows this caller may see (the care team: what is
    shared; reading marks are the client's alone). Audited as one read of the progress; a fixed number of queries."""
    from django.utils import timezone

    access.shown("LearnProgress", [access.client_id], perms.VIEW_LEARN)
    today = today or timezone.localdate()
    first = _monday(today) - datetime.timedelta(weeks=weeks - 1)
    rows = [Week(first + datetime.timedelta(weeks=i)) for i in range(weeks)]
    index = {w.starts: w for w in rows}
    result = Progress(weeks=rows)

    def week_of(when: datetime.datetime) -> Week | None:
        return index.get(_monday(timezone.localtime(when).date()))

    for slug, steps, started in rehearsals(access).values_list("rehearsal", "steps", "started"):
        if not steps:
            continue  # started, and left before trying a reply
        result.rehearsals += 1
        result.ways_tried += len(steps or [])
        result.by_rehearsal[slug] = result.by_rehearsal.get(slug, 0) + 1
        if (w := week_of(started)) is not None:
            w.rehearsals += 1
    for (read_at,) in policy.scoped(access, ModuleRead.objects.all()).values_list("read_at"):
        result.modules_read += 1
        if (w := week_of(read_at)) is not None:
            w.modules += 1
    for (created,) in thought_records(access).values_list("created"):
        result.thought_records += 1
        if (w := week_of(created)) is not None:
            w.thought_records += 1
    for (created,) in pieces(access).values_list("created"):
        result.pieces += 1
        if (w := week_of(created)) is not None:
            w.pieces += 1
    return result


def module_titles() -> dict[str, str]:
    return {m.slug: m.title for m in content.modules()}


def rehearsal_titles() -> dict[str, str]:
    return {r.slug: r.title for r in content.rehearsals()}
