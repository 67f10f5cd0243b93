from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation

from attune.accounts import inputs
from attune.accounts.models import Invitation


class SignInForm(forms.Form):
    email = forms.EmailField(
        max_length=inputs.EMAIL_MAX, widget=forms.EmailInput(attrs={"autocomplete": "username", "autofocus": True})
    )
    password = forms.CharField(
        max_length=1024, strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


class AcceptInvitationForm(forms.Form):
    display_name = forms.CharField(
        label="Your name",
        max_length=80,
        help_text="The name you would like us to use. It can be a first name only.",
    )
    password = forms.CharField(
        label="Choose a password",
        max_length=1024,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 15 characters. A few unrelated words make a strong password that is easy to remember.",
    )

    def __init__(self, *args: Any, email: str = "", staff: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.email = email
        self.staff = staff
        if staff:
            self.fields[
                "password"
            ].help_text = "At least 8 characters: you will also set up two-step verification next."

    def clean_password(self) -> str:
        from attune.accounts.models import User

        password = self.cleaned_data["password"]
        candidate = User(email=self.email, display_name=self.data.get("display_name", ""))
        candidate._attune_mfa = self.staff  # type: ignore[attr-defined]
        password_validation.validate_password(password, candidate)
        return password


class ExistingAccountForm(forms.Form):
    password = forms.CharField(
        label="Your current password",
        max_length=1024,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class ProfileForm(forms.Form):
    display_name = forms.CharField(label="Your name", max_length=80)


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label="Name this token", max_length=60, help_text="For example, the app or device that uses it."
    )


class StaffInviteForm(forms.Form):
    email = forms.EmailField(max_length=inputs.EMAIL_MAX)
    kind = forms.ChoiceField(
        label="Role",
        choices=[(k.value, k.label) for k in Invitation.Kind if k in inputs.STAFF_KINDS],
    )


class PortalInviteForm(forms.Form):
    email = forms.EmailField(
        max_length=inputs.EMAIL_MAX, help_text="We send a short, neutral email with a link that works once."
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}),
        help_text="The 6-digit code from your authenticator app, or one of your recovery codes.",
    )


class ConfirmForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        max_length=1024,
        strip=False,
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )
    code = forms.CharField(
        label="Or a code from your authenticator app",
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("password") and not data.get("code"):
            raise forms.ValidationError("Enter your password or a code.")
        return data


class PasswordChangeForm(forms.Form):
    new_password = forms.CharField(
        label="New password",
        max_length=1024,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 15 characters, or 8 if you use two-step verification. No other rules.",
    )

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_new_password(self) -> str:
        password = self.cleaned_data["new_password"]
        password_validation.validate_password(password, self.user)
        return password


class EmailChangeForm(forms.Form):
    email = forms.EmailField(label="New email address", max_length=inputs.EMAIL_MAX)


class DiscreetNameForm(forms.Form):
    discreet_name = forms.CharField(
        label="A discreet name for this app",
        max_length=40,
        required=False,
        help_text=(
            "Shown in your browser tab and as the sender of our emails instead of “Attune”. For example, “Notes”."
        ),
    )


class PasskeyNameForm(forms.Form):
    name = forms.CharField(
        label="A name for this passkey",
        max_length=60,
        required=False,
        help_text="Something that tells you which device it is on, for example “My phone”.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args: Any, required: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].required = required
        if required:
            self.fields["name"].label = "Name"
