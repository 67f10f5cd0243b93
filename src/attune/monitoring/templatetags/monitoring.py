from typing import Any

from django import template

from attune.accounts import roles

register = template.Library()


@register.filter
def reads_alerts(user: Any) -> bool:
    """Page chrome only: whether to offer the alerts inbox in the navigation (the inbox decides access)."""
    return bool(roles.staff_roles(user) & {"clinician", "supervisor"})


@register.filter
def points(value: Any) -> str:
    """A score or a difference, without trailing zeros: 31, 2.5, -6."""
    if value is None or value == "":
        return "—"
    return f"{float(value):.2f}".rstrip("0").rstrip(".")


@register.filter
def magnitude(value: Any) -> str:
    """The size of a difference, without its sign."""
    if value is None or value == "":
        return ""
    return points(abs(float(value)))


@register.filter
def unstop(text: Any) -> str:
    """A sentence without its final full stop, to sit inside parentheses."""
    return str(text or "").rstrip().rstrip(".")


@register.filter
def short_title(title: Any) -> str:
    """ "PTSD Checklist for DSM-5 (PCL-5)" -> "PCL-5": the questionnaire's short name, where it has one."""
    from attune.monitoring.progress import short_title as shorten

    return shorten(str(title or ""))
