from __future__ import annotations

from typing import Any

from django import forms

from attune.core.forms import RangeInput
from attune.skills import inputs, library
from attune.skills.services import PracticeInput


def _distress(label: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=inputs.DISTRESS_MIN,
        max_value=inputs.DISTRESS_MAX,
        required=False,
        widget=RangeInput(
            attrs={
                "min": inputs.DISTRESS_MIN,
                "max": inputs.DISTRESS_MAX,
                "step": 5,
                "list": "suds-anchors",
                "data-suds": "",
            }
        ),
    )


class SkillPracticeForm(forms.Form):
    key = forms.UUIDField(widget=forms.HiddenInput)
    variant = forms.CharField(required=False, max_length=inputs.VARIANT_LIMIT, widget=forms.HiddenInput)
    distress_before = _distress("Before you start: how distressed do you feel?")
    rate_before = forms.BooleanField(label="Include this rating", required=False)
    distress_after = _distress("And now?")
    rate_after = forms.BooleanField(label="Include this rating", required=False)
    note = forms.CharField(
        label="Anything you noticed",
        required=False,
        max_length=inputs.NOTE_LIMIT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    shared = forms.BooleanField(label="Share this practice with my care team", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The exercise sits between the rating before and the rest, outside the <form> element: its fields join the
        # form through the form attribute, so the page needs no nested forms.
        for field in self.fields.values():
            field.widget.attrs["form"] = "practice-form"

    def practice_input(self) -> PracticeInput:
        data = self.cleaned_data
        return PracticeInput(
            distress_before=data.get("distress_before") if data.get("rate_before") else None,
            distress_after=data.get("distress_after") if data.get("rate_after") else None,
            variant=data.get("variant") or "",
            note=data.get("note") or "",
            shared=bool(data.get("shared")),
        )


class PhraseForm(forms.Form):
    text = forms.CharField(
        label="A new phrase",
        max_length=inputs.PHRASE_LIMIT,
        help_text="Short, true and kind. For example: “I am safe in this room. It is today.”",
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RecommendForm(forms.Form):
    skill = forms.ChoiceField(label="Recommend a skill")

    def __init__(self, *args: Any, exclude: set[str] = frozenset(), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.fields["skill"].choices = [c for c in library.choices() if c[0] not in exclude]  # type: ignore[attr-defined]
