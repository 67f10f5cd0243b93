"""The skills engine's lines for the care team's timeline (core/timeline.py): the skills practice the client shared
in the window, with the distress they rated before and after. Practice kept private never appears."""

from __future__ import annotations

import datetime

from django.utils import timezone

from attune.core.policy import Access
from attune.core.timeline import Item
from attune.skills import library, perms, queries


def since(access: Access, start: datetime.datetime, end: datetime.datetime) -> list[Item]:
    if not access.can(perms.VIEW_DIARY):
        return []
    rows = list(queries.practices(access).filter(occurred_at__gte=start, occurred_at__lt=end).order_by("occurred_at"))
    skills = library.library()
    items = []
    for practice in rows:
        skill = skills.get(practice.skill)
        title = skill.title if skill else practice.skill
        text = f"{timezone.localtime(practice.occurred_at):%a %-d %b}: practised {title}"
        if practice.distress_before is not None:
            text += f" (distress {practice.distress_before}"
            text += f" → {practice.distress_after})" if practice.distress_after is not None else ")"
        items.append(Item(practice.occurred_at, "Practice", text))
    access.shown("SkillPractice", [p.pk for p in rows], perms.VIEW_DIARY)
    return items
