"""Page forms of couples work, using the limits declared in inputs.py (the API's schemas use the same)."""

from __future__ import annotations

from django import forms

from attune.couples import inputs
from attune.couples.inputs import TEXT_LIMITS
from attune.couples.models import SCALE, Kind, Question, Went


class InviteForm(forms.Form):
    email = forms.EmailField(label="Your partner's email address", max_length=TEXT_LIMITS["email"])


class AgreementForm(forms.Form):
    kind = forms.ChoiceField(label="What kind of agreement is this?", choices=Kind.choices, widget=forms.RadioSelect)
    title = forms.CharField(
        label="A short name for it",
        max_length=TEXT_LIMITS["title"],
        help_text="In your own words, for example \u201cOur pause signal\u201d.",
    )
    text = forms.CharField(
        label="The agreement, in your own words",
        max_length=TEXT_LIMITS["text"],
        widget=forms.Textarea(attrs={"rows": 6}),
    )


class VersionForm(forms.Form):
    title = AgreementForm.base_fields["title"]
    text = AgreementForm.base_fields["text"]


class NoteForm(forms.Form):
    text = forms.CharField(
        label="A private note", max_length=TEXT_LIMITS["note"], widget=forms.Textarea(attrs={"rows": 3})
    )
    show_clinician = forms.BooleanField(label="Let my clinician read this note", required=False)


def _scale(label: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=[("", "Skip this one"), *[(str(v), t) for v, t in SCALE]],
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )


class CheckInForm(forms.Form):
    safe = _scale(Question.SAFE.label)
    safe_partner = forms.BooleanField(label="Show this answer to my partner", required=False)
    safe_clinician = forms.BooleanField(label="Show this answer to our clinician", required=False)
    pauses = _scale(Question.PAUSES.label)
    pauses_partner = forms.BooleanField(label="Show this answer to my partner", required=False)
    pauses_clinician = forms.BooleanField(label="Show this answer to our clinician", required=False)
    helped = forms.CharField(
        label=Question.HELPED.label,
        max_length=TEXT_LIMITS["answer"],
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    helped_partner = forms.BooleanField(label="Show this answer to my partner", required=False)
    helped_clinician = forms.BooleanField(label="Show this answer to our clinician", required=False)

    def groups(self) -> list[list[forms.BoundField]]:
        return [[self[q], self[f"{q}_partner"], self[f"{q}_clinician"]] for q in Question.values]


class RhythmForm(forms.Form):
    every_days = forms.TypedChoiceField(label="Check in", choices=inputs.RHYTHMS, coerce=int)


class RehearsalForm(forms.Form):
    went = forms.ChoiceField(label="How did it go?", choices=Went.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        label="Anything you want to remember",
        help_text="Your partner and your clinician can read this.",
        max_length=TEXT_LIMITS["note"],
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CoupleNoteForm(forms.Form):
    text = forms.CharField(
        label="Couple-level note",
        help_text="Kept with the couple's work, apart from each partner's own record. The partners do not see it.",
        max_length=TEXT_LIMITS["text"],
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class EndForm(forms.Form):
    with_client = forms.BooleanField(label="The client is with me and asks to end this link", required=False)
