from __future__ import annotations

from django import forms

from attune.intake.inputs import MAX_TEXT


class DiscussForm(forms.Form):
    discussed = forms.BooleanField(required=False, label="Discussed in session")
    note = forms.CharField(
        required=False,
        max_length=MAX_TEXT,
        label="Your note",
        help_text="Only the care team can read it. It is kept encrypted.",
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": MAX_TEXT}),
    )
