"""{% plain_name code title %} and {% plain_meaning code %}: measures/plain.py in templates."""

from __future__ import annotations

from django import template

from attune.measures import plain

register = template.Library()


@register.simple_tag
def plain_name(code: str, title: str = "") -> str:
    return plain.name(code, title)


@register.simple_tag
def plain_meaning(code: str) -> str:
    return plain.meaning(code)
