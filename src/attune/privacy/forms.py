from __future__ import annotations

from django import forms

from attune.privacy import inputs
from attune.privacy.models import Category
from attune.privacy.queries import Kind


class LogFilterForm(forms.Form):
    person = forms.TypedChoiceField(label="Who", required=False, coerce=int, empty_value=None)
    kind = forms.ChoiceField(label="What", required=False, choices=Kind.CHOICES)
    since = forms.DateField(label="From", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label="To", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: object, people: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["person"].choices = [  # type: ignore[attr-defined]
            ("", "Everyone"),
            *people,
            ("0", "Someone outside your care team"),
        ]


class SwitchForm(forms.Form):
    person = forms.IntegerField(min_value=1)
    category = forms.ChoiceField(choices=Category.choices)
    visible = forms.TypedChoiceField(choices=[("yes", "yes"), ("no", "no")], coerce=lambda v: v == "yes")


class BreakGlassForm(forms.Form):
    reason = forms.CharField(
        label="Why do you need to read this record?",
        help_text="The client will read this, word for word, in their access log. Their care team is told that "
        "someone has used emergency access.",
        widget=forms.Textarea(attrs={"rows": 4}),
        **inputs.BREAK_GLASS_REASON,  # type: ignore[arg-type]
    )


class ErasureForm(forms.Form):
    understood = forms.BooleanField(
        label="I understand that once the practice confirms it, my diary, answers and everything I wrote cannot be "
        "brought back.",
        required=True,
    )


class HoldForm(forms.Form):
    what = forms.CharField(label="What must be kept", max_length=120, help_text="For example: clinical records")
    why = forms.CharField(
        label="Why (the rule that requires it)",
        max_length=240,
        help_text="In plain words; the client reads this. No clinical details.",
    )
    until = forms.DateField(label="Until", widget=forms.DateInput(attrs={"type": "date"}))


class AuditFilterForm(forms.Form):
    actor = forms.TypedChoiceField(label="Who", required=False, coerce=int, empty_value=None)
    client = forms.ChoiceField(label="Client", required=False)
    action = forms.ChoiceField(label="Action", required=False)
    outcome = forms.TypedChoiceField(label="Outcome", required=False, coerce=int, empty_value=None)
    since = forms.DateField(label="From", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label="To", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(
        self, *args: object, people: list[tuple[int, str]], clients: list[tuple[str, str]], **kwargs: object
    ) -> None:
        from attune.core.models import AuditEvent

        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["actor"].choices = [("", "Anyone"), *people]  # type: ignore[attr-defined]
        self.fields["client"].choices = [("", "Any client"), *clients]  # type: ignore[attr-defined]
        self.fields["action"].choices = [("", "Any action"), *AuditEvent.Action.choices]  # type: ignore[attr-defined]
        self.fields["outcome"].choices = [("", "Any outcome"), *AuditEvent.Outcome.choices]  # type: ignore[attr-defined]
