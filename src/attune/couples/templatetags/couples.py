from typing import Any

from django import template

register = template.Library()


@register.filter
def name_of(couple: Any, person_id: int | None) -> str:
    """How the page names a person of the couple: "You", the other partner's name, or "Your clinician"."""
    return str(couple.name_of(person_id))
