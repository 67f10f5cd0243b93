from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from attune.monitoring import inputs
from attune.monitoring.models import Alert, Schedule
from attune.questionnaires import inputs as questionnaire_inputs
from attune.questionnaires.forms import instrument_choices


class DateInput(forms.DateInput):
    input_type = "date"


class ScheduleForm(forms.Form):
    instrument = forms.ChoiceField(label="Questionnaire")
    kind = forms.ChoiceField(label="How often", choices=Schedule.Kind.choices)
    every = forms.IntegerField(
        label="Every",
        min_value=1,
        max_value=inputs.EVERY_MAX,
        initial=1,
        required=False,
        help_text="Number of days or weeks",
    )
    starts = forms.DateField(label="First due", widget=DateInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["instrument"].choices = instrument_choices()  # type: ignore[attr-defined]
        self.fields["starts"].initial = timezone.localdate()


class SessionForm(forms.Form):
    date = forms.DateField(label="Session date", widget=DateInput, help_text="Past or planned")


class VisibilityForm(forms.Form):
    instrument = forms.CharField(max_length=questionnaire_inputs.INSTRUMENT_MAX_LENGTH)
    visible = forms.TypedChoiceField(choices=[("1", "Show"), ("0", "Hide")], coerce=lambda v: v == "1")


class ContactForm(forms.Form):
    outcome = forms.ChoiceField(
        label="What happened", choices=inputs.CONTACT_OUTCOMES.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label="Outcome",
        max_length=inputs.NOTE_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="How they are and what happens next. Only the care team can read it.",
    )


class SupportSeenForm(forms.Form):
    then = forms.ChoiceField(choices=[("continue", "Continue"), ("home", "Home")], required=False)


class AcknowledgeForm(forms.Form):
    note = forms.CharField(
        label="Note",
        max_length=inputs.NOTE_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What you did or plan to do. Only the care team can read it.",
    )


class AlertFilterForm(forms.Form):
    kind = forms.ChoiceField(label="Type", required=False, choices=[("", "All types"), *Alert.Kind.choices])
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[
            ("unresolved", "Not yet resolved"),
            ("open", "New"),
            ("acknowledged", "Acknowledged"),
            ("resolved", "Resolved"),
            ("all", "All"),
        ],
    )
    client = forms.TypedChoiceField(label="Client", required=False, choices=[("", "All clients")], empty_value="")
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args: Any, clients: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["client"].choices = [("", "All clients"), *clients]  # type: ignore[attr-defined]


class PostponeForm(forms.Form):
    days = forms.TypedChoiceField(
        label="Remind me",
        coerce=int,
        choices=questionnaire_inputs.POSTPONE_CHOICES,
    )


class CompareForm(forms.Form):
    a = forms.UUIDField(required=False)
    b = forms.UUIDField(required=False)
