from __future__ import annotations

from django import forms

from attune.notify.inputs import LABEL_MAX, QUIET_BOTH


class PreferencesForm(forms.Form):
    """The page's part of PreferencesInput. Push is not a field here: the page turns it on per device
    ("Notifications on this device", which also turns the account's push back on), and saving keeps it as is."""

    email = forms.BooleanField(label="Email me", required=False)
    quiet_start = forms.TimeField(label="Quiet from", required=False, widget=forms.TimeInput(attrs={"type": "time"}))
    quiet_end = forms.TimeField(label="Quiet until", required=False, widget=forms.TimeInput(attrs={"type": "time"}))
    label = forms.CharField(
        label="Name shown as the sender",
        max_length=LABEL_MAX,
        required=False,
        help_text="Instead of “Attune”. For example, “Notes”. It is also the name in your browser tab.",
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if (data.get("quiet_start") is None) != (data.get("quiet_end") is None):
            raise forms.ValidationError(QUIET_BOTH)
        return data
