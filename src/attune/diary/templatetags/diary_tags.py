from __future__ import annotations

from typing import Any

from django import template

from attune.core import policy
from attune.core.policy import Access
from attune.diary.models import AutomaticResponse, BodyArea, BodyCue, TriggerKind
from attune.skills import library

register = template.Library()

# Words at the anchors of the distress (SUDS) scale, shown under every slider.
ANCHORS = (
    (0, "Calm"),
    (25, "A little unsettled"),
    (50, "Uncomfortable, still managing"),
    (75, "Very distressed"),
    (100, "The most distress I can imagine"),
)
_LABELS = {
    "cue": dict(BodyCue.choices),
    "area": dict(BodyArea.choices),
    "kind": dict(TriggerKind.choices),
    "response": dict(AutomaticResponse.choices),
}


@register.simple_tag
def suds_anchors() -> tuple[tuple[int, str], ...]:
    return ANCHORS


@register.filter
def suds_words(value: Any) -> str:
    if value is None or value == "":
        return ""
    number = int(value)
    return min(ANCHORS, key=lambda anchor: abs(anchor[0] - number))[1]


@register.filter
def labels(codes: Any, kind: str) -> str:
    """Codes of one vocabulary ("cue", "area", "kind", "response") as their labels, joined."""
    names = [_LABELS[kind].get(code, code) for code in (codes or [])]
    # Read as one phrase: "A situation, a tone of voice".
    return ", ".join([*names[:1], *(n[:1].lower() + n[1:] for n in names[1:])])


@register.filter
def skill_title(slug: str) -> str:
    return library.title_of(slug) if slug else ""


@register.filter
def allows(access: Access | None, perm: str) -> bool:
    """Whether the policy gives this fetched client's relation a permission, for showing links only."""
    return access is not None and access.can(policy.declared()[perm])


@register.filter
def total(values: Any) -> int:
    return sum(values or [])
