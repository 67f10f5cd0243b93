"""Personal insights: the rows a caller may see, counted and summarised by diary/stats.py.

The client sees insights from all their entries and practices; the care team from the shared ones only, so the
numbers themselves reveal nothing about private rows. A fixed number of queries, whatever the diary's size.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from attune.core import policy
from attune.core.policy import Access
from attune.diary import charts, perms, queries, stats
from attune.diary.models import TriggerKind
from attune.skills import journal, library
from attune.skills.models import SkillPractice

WINDOWS = (4, 12, 26, 52)
DEFAULT_WEEKS = 12
# Short names for chart labels, which have little room on a phone; the tables use the full names.
SHORT_KIND: dict[str, str] = {
    TriggerKind.PHRASE: "Phrase",
    TriggerKind.TONE: "Tone of voice",
    TriggerKind.PLACE: "Place",
    TriggerKind.TOUCH: "Touch",
    TriggerKind.SENSE: "Smell or sound",
    TriggerKind.MEMORY: "Memory",
    TriggerKind.SITUATION: "Situation",
    TriggerKind.OTHER: "Something else",
}


def short(label: str, limit: int = 16) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


@dataclass
class Insights:
    weeks: list[datetime.date]
    entry_count: int
    practice_count: int
    effects: list[tuple[str, stats.SkillEffect]]
    comparison: stats.Comparison | None
    comparison_titles: tuple[str, str]
    triggers: list[tuple[str, list[int]]]
    times: list[tuple[str, str, int]]
    scripts: list[tuple[str, list[int]]]
    new_uses: list[int]
    charts: dict[str, Any]
    other_practices: int = 0  # rehearsals, thought records and writing rated before and after (skills/journal.py)

    @property
    def empty(self) -> bool:
        return self.entry_count == 0 and self.practice_count == 0 and self.other_practices == 0


def build(access: Access, *, weeks: int = DEFAULT_WEEKS, now: datetime.datetime | None = None) -> Insights:
    """The insights of the past weeks, from the rows this caller may see (audited as one read of the insights)."""
    access.shown("Insights", [access.client_id], perms.VIEW_DIARY)
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    starts = stats.week_starts(today, weeks)
    zone = timezone.get_current_timezone()
    since = datetime.datetime.combine(starts[0], datetime.time.min, zone)
    entry_rows = list(
        queries.entries(access)
        .filter(occurred_at__gte=since)
        .values_list(
            "occurred_at", "trigger_kind", "script_id", "new_response_id", "skill", "distress_before", "distress_after"
        )
    )
    practice_rows = list(
        policy.scoped(access, SkillPractice.objects.filter(occurred_at__gte=since)).values_list(
            "skill", "distress_before", "distress_after"
        )
    )
    logged_uses = list(queries.practices(access).filter(occurred_at__gte=since).values_list("occurred_at", flat=True))
    names = {s.pk: s.name for s in queries.scripts(access).select_related(None).only("id", "client_id", "name")}

    local = [(timezone.localtime(row[0]), *row[1:]) for row in entry_rows]
    uses = [(r[4], r[5], r[6]) for r in local if r[4] and r[6] is not None]
    uses += [
        (skill, before, after) for skill, before, after in practice_rows if before is not None and after is not None
    ]
    # Practices recorded by other capabilities (rehearsals, thought records, narrative pieces) through the journal
    # hook, as this caller may see them.
    others = journal.practice_uses(access, since)
    uses += [(u.key, u.before, u.after) for u in others]
    titles_of = {u.key: u.title for u in others}
    shorts_of = {u.key: u.short for u in others}

    def title(key: str) -> str:
        return titles_of.get(key) or library.title_of(key)

    def short_title(key: str) -> str:
        return shorts_of.get(key) or library.short_of(key)

    effects = [(title(e.skill), e) for e in stats.skill_effects(uses)]
    comparison = stats.compare([e for _t, e in effects])

    kinds = dict(TriggerKind.choices)
    by_kind = stats.by_week(((r[0].date(), r[1]) for r in local), starts)
    triggers = [(kinds[k], by_kind[k]) for k in TriggerKind.values if k in by_kind]
    by_script = stats.by_week(((r[0].date(), str(r[2])) for r in local if r[2] in names), starts)
    script_rows = [(names[pk], by_script[str(pk)]) for pk in names if str(pk) in by_script]
    used = [r[0].date() for r in local if r[3] is not None] + [timezone.localtime(t).date() for t in logged_uses]
    new_uses = stats.by_week(((day, "all") for day in used), starts).get("all", [0] * len(starts))
    times = stats.time_of_day(r[0].hour for r in local)

    titles = ("", "")
    if comparison is not None:
        runner = comparison.runner_up
        titles = (title(comparison.best.skill), title(runner.skill) if runner else "")
    return Insights(
        weeks=starts,
        entry_count=len(entry_rows),
        practice_count=len(practice_rows),
        other_practices=len(others),
        effects=effects,
        comparison=comparison,
        comparison_titles=titles,
        triggers=triggers,
        times=times,
        scripts=script_rows,
        new_uses=new_uses,
        charts={
            "effects": charts.forest([(short(short_title(e.skill)), e) for _title, e in effects]),
            "triggers": charts.grid([(SHORT_KIND[k], by_kind[k]) for k in TriggerKind.values if k in by_kind], starts),
            "times": charts.horizontal_bars([(label.split(" (")[0], count) for _c, label, count in times]),
            "scripts": charts.grid([(short(name), counts) for name, counts in script_rows], starts),
            "new_uses": charts.weekly_bars(new_uses, starts),
        },
    )
