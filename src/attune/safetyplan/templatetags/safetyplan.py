from typing import Any

from django import template

from attune.safetyplan.queries import tel as tel_number

register = template.Library()


@register.filter
def tel(phone: str) -> str:
    """The digits of a phone number (and a leading +), for a tap-to-call link."""
    return tel_number(str(phone or ""))


@register.filter
def getfield(form: Any, name: str) -> Any:
    """A bound field of a form by name (the numbered contact rows)."""
    return form[name]


@register.filter
def get_item(mapping: dict[str, str], key: str) -> str:
    return mapping.get(key, "")
