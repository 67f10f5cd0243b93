"""Page forms of the clinical record, using the limits declared in inputs.py."""

from __future__ import annotations

import decimal
import uuid
from typing import Any

from django import forms
from django.utils import timezone

from attune.clinical import inputs
from attune.clinical.models import (
    GOAL_TEXT_FIELDS,
    LEVELS,
    SECTIONS,
    AppointmentKind,
    AppointmentStatus,
    Goal,
    GoalStatus,
    Intervention,
    NoteTemplate,
    SessionNote,
)
from attune.clinical.services import AppointmentInput, GoalInput, PracticeInput
from attune.core.forms import RangeInput
from attune.skills.inputs import DISTRESS_MAX, DISTRESS_MIN


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


# --- treatment plans and goals ---------------------------------------------------------------------------


class PlanForm(forms.Form):
    formulation_client = forms.CharField(
        label="In the client's words",
        help_text="How the client describes what brings them here and what they want to change.",
        required=False,
        max_length=inputs.FORMULATION_LIMIT,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    formulation_clinician = forms.CharField(
        label="The clinician's formulation",
        required=False,
        max_length=inputs.FORMULATION_LIMIT,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)


class PlanScriptsForm(forms.Form):
    scripts = forms.MultipleChoiceField(
        label="Scripts from the client's map",
        help_text="The patterns on the client's relationship-script map that this formulation works with.",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["scripts"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = choices

    def script_ids(self) -> list[uuid.UUID]:
        return [uuid.UUID(value) for value in self.cleaned_data["scripts"]]


class GoalForm(forms.Form):
    title = forms.CharField(
        label="The goal, in the words you agreed",
        max_length=inputs.GOAL_TITLE_LIMIT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    weight = forms.TypedChoiceField(
        label="How much it matters",
        help_text="1 to 5: a goal weighted 2 counts twice as much as one weighted 1 in the attainment score.",
        choices=[(n, str(n)) for n in range(inputs.WEIGHT_MIN, inputs.WEIGHT_MAX + 1)],
        coerce=int,
        initial=1,
    )
    target_date = forms.DateField(label="Target date", required=False, widget=DateInput)
    interventions = forms.MultipleChoiceField(
        label="Ways of working on it",
        choices=Intervention.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The five levels of the scale, each described in words the client agreed.
        for score, name, words in LEVELS:
            self.fields[name] = forms.CharField(
                label=f"{score:+d} · {words}" if score else f"0 · {words}",
                required=False,
                max_length=inputs.GOAL_LEVEL_LIMIT,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        self.order_fields(["title", *(name for _, name, _ in LEVELS), "weight", "target_date", "interventions"])

    @staticmethod
    def initial_for(goal: Goal) -> dict[str, Any]:
        values: dict[str, Any] = {name: getattr(goal, name) for name in GOAL_TEXT_FIELDS}
        return {
            **values,
            "weight": goal.weight,
            "target_date": goal.target_date,
            "interventions": goal.interventions,
            "version": goal.version,
        }

    def goal_input(self) -> GoalInput:
        data = self.cleaned_data
        return GoalInput(
            **{name: data.get(name) or "" for name in GOAL_TEXT_FIELDS},
            weight=data["weight"],
            target_date=data.get("target_date"),
            interventions=list(data.get("interventions") or []),
        )


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(label="Where are things now?", coerce=int, widget=forms.RadioSelect)
    note = forms.CharField(
        label="Anything you want to add",
        required=False,
        max_length=inputs.RATING_NOTE_LIMIT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, goal: Goal, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        score = self.fields["score"]
        assert isinstance(score, forms.TypedChoiceField)
        score.choices = [
            (score, f"{words}: {described}" if described else words) for score, words, described in goal.levels()
        ]


class GoalStatusForm(forms.Form):
    status = forms.ChoiceField(choices=GoalStatus.choices)


class RhoForm(forms.Form):
    gas_rho = forms.DecimalField(
        label="Assumed correlation between goals",
        help_text="Used in every goal attainment score of this practice. 0.3 is the usual choice.",
        min_value=decimal.Decimal(str(inputs.RHO_MIN)),
        max_value=decimal.Decimal(str(inputs.RHO_MAX)),
        decimal_places=2,
        max_digits=3,
    )


# --- exposure hierarchies -------------------------------------------------------------------------------------


def _distress(label: str) -> forms.IntegerField:
    """The diary's 0-100 distress slider (its words come from the page's suds-anchors list)."""
    return forms.IntegerField(
        label=label,
        min_value=DISTRESS_MIN,
        max_value=DISTRESS_MAX,
        widget=RangeInput(
            attrs={"min": DISTRESS_MIN, "max": DISTRESS_MAX, "step": 5, "list": "suds-anchors", "data-suds": ""}
        ),
    )


class SituationForm(forms.Form):
    description = forms.CharField(
        label="The situation, in the words you agreed",
        max_length=inputs.SITUATION_LIMIT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    expected_distress = forms.IntegerField(
        label="Expected distress (0-100)",
        help_text="How distressing the client expects it to be, on the diary's 0-100 scale.",
        min_value=DISTRESS_MIN,
        max_value=DISTRESS_MAX,
    )


class HomeworkForm(forms.Form):
    minutes = forms.IntegerField(label="Minutes each time", min_value=inputs.MINUTES_MIN, max_value=inputs.MINUTES_MAX)
    times_per_week = forms.IntegerField(
        label="Times a week", min_value=inputs.TIMES_MIN, max_value=inputs.TIMES_MAX, initial=3
    )
    guidance = forms.CharField(
        label="A few words for the client",
        required=False,
        max_length=inputs.GUIDANCE_LIMIT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PracticeForm(forms.Form):
    key = forms.UUIDField(widget=forms.HiddenInput)
    distress_start = _distress("When you started")
    distress_peak = _distress("At the highest point")
    distress_end = _distress("At the end, or when you stopped")
    stopped_early = forms.BooleanField(label="I stopped before the time was up", required=False)
    note = forms.CharField(
        label="Anything you noticed",
        required=False,
        max_length=inputs.PRACTICE_NOTE_LIMIT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def practice_input(self) -> PracticeInput:
        data = self.cleaned_data
        return PracticeInput(
            distress_start=data["distress_start"],
            distress_peak=data["distress_peak"],
            distress_end=data["distress_end"],
            stopped_early=bool(data.get("stopped_early")),
            note=data.get("note") or "",
        )


# --- appointments ---------------------------------------------------------------------------------------------


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class AppointmentForm(forms.Form):
    starts_at = forms.DateTimeField(label="Date and time", widget=DateTimeInput, input_formats=["%Y-%m-%dT%H:%M"])
    minutes = forms.IntegerField(
        label="Length in minutes",
        min_value=inputs.APPOINTMENT_MINUTES_MIN,
        max_value=inputs.APPOINTMENT_MINUTES_MAX,
        initial=50,
    )
    kind = forms.ChoiceField(label="Session", choices=AppointmentKind.choices, initial=AppointmentKind.INDIVIDUAL)
    place = forms.CharField(
        label="Place",
        required=False,
        max_length=inputs.PLACE_LIMIT,
        help_text="It goes into the client's calendar file as written: keep it neutral (an address, a room).",
    )
    video_link = forms.URLField(label="Video link", required=False, max_length=inputs.LINK_LIMIT, assume_scheme="https")

    def appointment_input(self) -> AppointmentInput:
        return AppointmentInput(**self.cleaned_data)


class RescheduleForm(forms.Form):
    starts_at = forms.DateTimeField(label="New date and time", widget=DateTimeInput, input_formats=["%Y-%m-%dT%H:%M"])
    minutes = forms.IntegerField(
        label="Length in minutes", min_value=inputs.APPOINTMENT_MINUTES_MIN, max_value=inputs.APPOINTMENT_MINUTES_MAX
    )


class AppointmentStatusForm(forms.Form):
    status = forms.ChoiceField(choices=AppointmentStatus.choices)


class ReviewForm(forms.Form):
    review_date = forms.DateField(label="Date of the review", widget=DateInput, initial=timezone.localdate)
    narrative = forms.CharField(
        label="Clinical narrative",
        help_text="For the clinical version only.",
        required=False,
        max_length=inputs.NARRATIVE_LIMIT,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    client_summary = forms.CharField(
        label="Summary for the client",
        help_text="In plain words, for the client's version: no abbreviations, no labels.",
        required=False,
        max_length=inputs.NARRATIVE_LIMIT,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
