"""Page forms of the clinical record, using the limits declared in inputs.py."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from attune.clinical import inputs
from attune.clinical.models import SECTIONS, NoteTemplate, SessionNote


class DateInput(forms.DateInput):
    """A date picker; its value must be ISO (YYYY-MM-DD) whatever the locale's date format."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class NoteStartForm(forms.Form):
    template = forms.ChoiceField(label="Template", choices=NoteTemplate.choices, initial=NoteTemplate.DAP)
    session_date = forms.DateField(label="Date of the session", widget=DateInput, initial=timezone.localdate)


class NoteForm(forms.Form):
    """A draft's sections, for its template, with the version the writer read."""

    session_date = forms.DateField(label="Date of the session", widget=DateInput)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, note: SessionNote, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, heading, hint in SECTIONS[note.template]:
            self.fields[name] = forms.CharField(
                label=heading,
                help_text=hint,
                required=False,
                max_length=inputs.SECTION_LIMIT,
                strip=False,
                widget=forms.Textarea(attrs={"rows": 12 if name == "body" else 5}),
            )

    @staticmethod
    def initial_for(note: SessionNote) -> dict[str, Any]:
        values: dict[str, Any] = {name: text for name, _, _, text in note.sections()}
        return {**values, "session_date": note.session_date, "version": note.version}

    def sections(self) -> dict[str, str]:
        return {
            name: self.cleaned_data.get(name) or "" for name in self.fields if name not in {"session_date", "version"}
        }


class SignForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class AddendumForm(forms.Form):
    text = forms.CharField(
        label="Addendum",
        help_text="It is signed with your name and today's date when you add it, and cannot be changed afterwards.",
        max_length=inputs.ADDENDUM_LIMIT,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
