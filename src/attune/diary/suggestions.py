"""What the diary offers other capabilities as suggestions (core/suggestions.py): the body cues and kinds of
trigger the client logged, and the skills that helped them most. Only from rows the caller may see, and only
labels and slugs, never the client's words."""

from __future__ import annotations

from collections import Counter

from attune.core import policy
from attune.core.policy import Access
from attune.diary import perms, queries, stats
from attune.diary.models import BodyCue, TriggerKind
from attune.skills.models import SkillPractice

MOST = 8


def warning_signs(access: Access) -> list[str]:
    if not access.can(perms.VIEW_DIARY):
        return []
    rows = list(queries.entries(access).values_list("body_cues", "trigger_kind")[:500])
    cues = Counter(code for codes, _kind in rows for code in (codes or []) if code != BodyCue.OTHER)
    kinds = Counter(kind for _codes, kind in rows if kind != TriggerKind.OTHER)
    cue_labels, kind_labels = dict(BodyCue.choices), dict(TriggerKind.choices)
    labels = [cue_labels[c] for c, _n in cues.most_common() if c in cue_labels]
    labels += [kind_labels[k] for k, _n in kinds.most_common() if k in kind_labels]
    return labels[:MOST]


def helpful_skills(access: Access) -> list[str]:
    if not access.can(perms.VIEW_DIARY):
        return []
    uses: list[tuple[str, int, int]] = [
        (skill, before, after)
        for skill, before, after in queries.entries(access)
        .exclude(skill="")
        .filter(distress_after__isnull=False)
        .values_list("skill", "distress_before", "distress_after")[:1000]
        if after is not None
    ]
    uses += [
        (skill, before, after)
        for skill, before, after in policy.scoped(access, SkillPractice.objects.all()).values_list(
            "skill", "distress_before", "distress_after"
        )[:1000]
        if before is not None and after is not None
    ]
    return [effect.skill for effect in stats.skill_effects(uses)][:MOST]
