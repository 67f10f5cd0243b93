"""Learning work's lines for the care team's timeline (core/timeline.py): the rehearsals, thought records and
pieces of writing the client shared in the window, named by kind with the distress rated before and after (their
words stay on the learning pages). Work kept private never appears."""

from __future__ import annotations

import datetime

from django.utils import timezone

from attune.core.policy import Access
from attune.core.timeline import Item
from attune.learn import content, perms, queries


def _rated(before: int | None, after: int | None) -> str:
    if before is None:
        return ""
    return f" (distress {before}" + (f" → {after})" if after is not None else ")")


def since(access: Access, start: datetime.datetime, end: datetime.datetime) -> list[Item]:
    if not access.can(perms.VIEW_LEARN):
        return []
    items = []
    runs = list(queries.rehearsals(access).filter(started__gte=start, started__lt=end))
    for run in runs:
        found = content.rehearsal(run.rehearsal)
        title = found.title if found else run.rehearsal
        state = "finished" if run.finished else "started"
        text = f"{timezone.localtime(run.started):%a %-d %b}: {state} the rehearsal “{title}”"
        items.append(Item(run.started, "Practice", text + _rated(run.distress_before, run.distress_after)))
    records = list(queries.thought_records(access).filter(created__gte=start, created__lt=end))
    for record in records:
        before = int(record.before[0]) if record.before else None
        after = record.after[0] if record.after and record.after[0] is not None else None
        text = f"{timezone.localtime(record.created):%a %-d %b}: a thought record"
        items.append(Item(record.created, "Practice", text + _rated(before, after)))
    pieces = list(queries.pieces(access).filter(created__gte=start, created__lt=end))
    for piece in pieces:
        text = f"{timezone.localtime(piece.created):%a %-d %b}: writing, {piece.get_kind_display().lower()}"
        items.append(Item(piece.created, "Practice", text + _rated(piece.distress_before, piece.distress_after)))
    access.shown("Rehearsal", [r.pk for r in runs], perms.VIEW_LEARN)
    access.shown("ThoughtRecord", [r.pk for r in records], perms.VIEW_LEARN)
    access.shown("NarrativePiece", [p.pk for p in pieces], perms.VIEW_LEARN)
    return items
