from __future__ import annotations

import datetime
import zoneinfo
from typing import Any

from django import forms
from django.utils import timezone

from attune.accounts.models import Membership
from attune.care import inputs


class CaseloadFilterForm(forms.Form):
    q = forms.CharField(label="Search by name", max_length=inputs.SEARCH_MAX, required=False)
    status = forms.ChoiceField(
        label="Show",
        required=False,
        choices=[("", "All clients"), *inputs.CASELOAD_STATUSES],
    )
    page = forms.IntegerField(min_value=1, required=False)


class ClientForm(forms.Form):
    preferred_name = forms.CharField(label="Preferred name", max_length=inputs.PREFERRED_NAME_MAX)
    pronouns = forms.CharField(label="Pronouns", max_length=inputs.PRONOUNS_MAX, required=False)
    referral_reason = forms.CharField(
        label="What brings them here",
        required=False,
        max_length=inputs.REFERRAL_REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="In the client's words where possible. Stored encrypted.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, clinical: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not clinical:
            del self.fields["referral_reason"]


class NewClientForm(ClientForm):
    primary_clinician = forms.TypedChoiceField(label="Primary clinician", coerce=int, required=False, empty_value=None)

    def __init__(self, *args: Any, clinicians: list[tuple[int, str]] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.fields["primary_clinician"].choices = [("", "Choose later"), *clinicians]  # type: ignore[attr-defined]
        del self.fields["version"]


class CloseEpisodeForm(forms.Form):
    closed = forms.DateField(
        label="Closed on",
        # A date input wants ISO dates whatever the locale; the site's "22/11/2026" would be rejected.
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        initial=timezone.localdate,
    )
    reason = forms.ChoiceField(label="Reason", choices=inputs.CLOSE_REASONS.choices)

    def clean_closed(self) -> datetime.date:
        closed: datetime.date = self.cleaned_data["closed"]
        if closed > timezone.localdate():
            raise forms.ValidationError("An episode cannot close in the future.")
        return closed


class CareTeamForm(forms.Form):
    clinician = forms.TypedChoiceField(label="Clinician", coerce=int)
    primary = forms.BooleanField(label="Make primary clinician", required=False)

    def __init__(self, *args: Any, clinicians: list[tuple[int, str]] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.fields["clinician"].choices = clinicians  # type: ignore[attr-defined]


class CrisisResourceForm(forms.Form):
    name = forms.CharField(label="Name", max_length=120)
    phone = forms.CharField(label="Phone", max_length=40, required=False)
    text_line = forms.CharField(
        label="Text line", max_length=120, required=False, help_text="For example: Text SHOUT to 85258"
    )
    web_url = forms.URLField(label="Web link", required=False, assume_scheme="https")
    hours = forms.CharField(label="Hours", max_length=120, required=False, help_text="For example: 24 hours, every day")
    region = forms.CharField(label="Region", max_length=80, required=False)
    position = forms.IntegerField(label="Order", min_value=0, max_value=99, initial=0, required=False)

    def clean_position(self) -> int:
        return self.cleaned_data.get("position") or 0


YES_NO_UNSAID = [("", "I'd rather not say"), ("yes", "Yes"), ("no", "No")]


def _yes_no(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


class SafeContactForm(forms.Form):
    """The client's safe ways of contact. Each choice may be left unsaid: that is "not known", never yes."""

    email_ok = forms.TypedChoiceField(
        label="Is it safe for us to email you?", choices=YES_NO_UNSAID, coerce=_yes_no, empty_value=None, required=False
    )
    push_ok = forms.TypedChoiceField(
        label="Is it safe for us to send notifications to your phone or browser?",
        choices=YES_NO_UNSAID,
        coerce=_yes_no,
        empty_value=None,
        required=False,
    )
    phone_ok = forms.TypedChoiceField(
        label="Is it safe for us to phone you?", choices=YES_NO_UNSAID, coerce=_yes_no, empty_value=None, required=False
    )
    phone = forms.CharField(
        label="Which number should we use?",
        max_length=inputs.PHONE_MAX,
        required=False,
        help_text="Only your care team can see it. It is stored encrypted.",
    )
    may_leave_message = forms.TypedChoiceField(
        label="May we leave a message if you don't answer?",
        choices=YES_NO_UNSAID,
        coerce=_yes_no,
        empty_value=None,
        required=False,
    )
    times_to_avoid = forms.CharField(
        label="Are there times when it's better that we don't get in touch?",
        max_length=inputs.TIMES_TO_AVOID_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: not after 6 pm, or not at weekends.",
    )

    @staticmethod
    def initial_from(row: object | None) -> dict[str, str]:
        def said(value: object) -> str:
            return "" if value is None else ("yes" if value else "no")

        if row is None:
            return {}
        initial = {name: said(getattr(row, name)) for name in inputs.SAFE_CONTACT_CHOICES}
        initial.update({name: str(getattr(row, name) or "") for name in inputs.SAFE_CONTACT_TEXT})
        return initial


class PracticeSettingsForm(forms.Form):
    country = forms.RegexField(
        label="Country",
        regex=r"^[A-Za-z]{2}$",
        help_text="Two letters (ISO 3166), for example GB. Crisis resources should be this country's.",
        error_messages={"invalid": "Enter the country's two-letter code, for example GB."},
    )
    time_zone = forms.ChoiceField(label="Time zone")
    working_days = forms.TypedMultipleChoiceField(
        label="Working days", choices=inputs.WEEKDAYS, coerce=int, widget=forms.CheckboxSelectMultiple
    )
    day_starts = forms.TimeField(
        label="Working day starts", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    day_ends = forms.TimeField(label="Working day ends", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    escalation_minutes = forms.IntegerField(
        label="Escalate an unacknowledged safety alert after (minutes of working time)",
        min_value=inputs.ESCALATION_MINUTES_MIN,
        max_value=inputs.ESCALATION_MINUTES_MAX,
    )
    client_api_tokens = forms.BooleanField(
        label="Clients and partners may create API tokens",
        required=False,
        help_text="Only if your practice offers an app that uses Attune's API. Turning this off stops their "
        "tokens working at once.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = [(z, z) for z in sorted(zoneinfo.available_timezones())]  # type: ignore[attr-defined]

    def clean_country(self) -> str:
        return str(self.cleaned_data["country"]).upper()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("day_starts") and data.get("day_ends") and data["day_ends"] <= data["day_starts"]:
            self.add_error("day_ends", "The working day must end after it starts.")
        return data


class StaffRolesForm(forms.Form):
    roles = forms.MultipleChoiceField(
        label="Roles", choices=Membership.Role.choices, widget=forms.CheckboxSelectMultiple, required=True
    )
    supervisor = forms.TypedChoiceField(
        label="Supervisor (for a clinician)", required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args: Any, supervisors: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["supervisor"].choices = [("", "No supervisor"), *supervisors]  # type: ignore[attr-defined]


class DeactivateForm(forms.Form):
    """One "new primary clinician" choice per client for whom the person leaving is the primary clinician."""

    def __init__(
        self, *args: Any, clients: list[tuple[str, str]], clinicians: list[tuple[int, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.clients = clients
        for client_id, name in clients:
            self.fields[f"primary_{client_id}"] = forms.TypedChoiceField(
                label=f"New primary clinician for {name}",
                choices=[("", "Choose…"), *clinicians],
                coerce=int,
                required=True,
            )

    def reassignments(self) -> dict[str, int]:
        return {client_id: self.cleaned_data[f"primary_{client_id}"] for client_id, _ in self.clients}
