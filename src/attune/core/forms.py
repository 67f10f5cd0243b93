"""Small form helpers shared by the pages of several apps (the diary and the skills library)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, QueryDict


class RangeInput(forms.NumberInput):
    input_type = "range"


def add_errors(form: forms.Form, exc: ValidationError, renamed: Mapping[str, str] | None = None) -> None:
    """Show a service's ValidationError on the form: each field's errors on the field the form calls it
    (`renamed` maps service names to form names), anything else at the top of the form."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, errors in exc.error_dict.items():
        field = (renamed or {}).get(name, name)
        form.add_error(field if field in form.fields else None, errors)


def fresh_key(request: HttpRequest) -> QueryDict:
    """The posted data with a new idempotency key: what the person sees can then be saved as a new row."""
    data = request.POST.copy()
    data["key"] = str(uuid.uuid4())
    return data
