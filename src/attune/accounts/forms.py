from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation

from attune.accounts.models import Invitation


class SignInForm(forms.Form):
    email = forms.EmailField(max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "username", "autofocus": True}))
    password = forms.CharField(max_length=1024, strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))


class AcceptInvitationForm(forms.Form):
    display_name = forms.CharField(
        label="Your name", max_length=80, help_text="The name you would like us to use. It can be a first name only."
    )
    password = forms.CharField(
        label="Choose a password",
        max_length=1024,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 15 characters. A few unrelated words make a strong password that is easy to remember.",
    )

    def __init__(self, *args: Any, email: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    def clean_password(self) -> str:
        from attune.accounts.models import User

        password = self.cleaned_data["password"]
        password_validation.validate_password(
            password, User(email=self.email, display_name=self.data.get("display_name", ""))
        )
        return password


class ExistingAccountForm(forms.Form):
    password = forms.CharField(
        label="Your current password", max_length=1024, strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


class ProfileForm(forms.Form):
    display_name = forms.CharField(label="Your name", max_length=80)


class ApiTokenForm(forms.Form):
    name = forms.CharField(label="Name this token", max_length=60, help_text="For example, the app or device that uses it.")


class StaffInviteForm(forms.Form):
    email = forms.EmailField(max_length=254)
    kind = forms.ChoiceField(
        label="Role",
        choices=[(k.value, k.label) for k in Invitation.Kind if k not in {Invitation.Kind.CLIENT, Invitation.Kind.PARTNER}],
    )


class PortalInviteForm(forms.Form):
    email = forms.EmailField(max_length=254, help_text="We send a short, neutral email with a link that works once.")
