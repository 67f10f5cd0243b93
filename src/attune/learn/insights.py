"""Distress before and after learning practices, for the diary's insights (registered with the skills engine's
journal hook in LearnConfig.ready). Only rows this caller may see, and only those rated both before and after."""

from __future__ import annotations

import datetime

from attune.core.policy import Access
from attune.learn import queries
from attune.skills.journal import Use

REHEARSAL = ("learn:rehearsal", "Consent rehearsals", "Rehearsals")
THOUGHT = ("learn:thought-record", "Thought records", "Thought records")
NARRATIVE = ("learn:narrative", "Narrative writing", "Narrative")


def practice_uses(access: Access, since: datetime.datetime) -> list[Use]:
    uses: list[Use] = []
    runs = queries.rehearsals(access).filter(started__gte=since, distress_before__isnull=False)
    for before, after in runs.filter(distress_after__isnull=False).values_list("distress_before", "distress_after"):
        if before is not None and after is not None:
            uses.append(Use(*REHEARSAL, before=before, after=after))
    for before, after in queries.thought_records(access).filter(created__gte=since).values_list("before", "after"):
        if before and after and after[0] is not None:
            uses.append(Use(*THOUGHT, before=int(before[0]), after=int(after[0])))
    pieces = queries.pieces(access).filter(created__gte=since, distress_before__isnull=False)
    for before, after in pieces.filter(distress_after__isnull=False).values_list("distress_before", "distress_after"):
        if before is not None and after is not None:
            uses.append(Use(*NARRATIVE, before=before, after=after))
    return uses
