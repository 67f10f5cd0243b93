from __future__ import annotations

import threading
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

import django_otp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import PasswordResetForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from attune.accounts import inputs, mfa, passkeys, roles, services, sessions, throttle
from attune.accounts.forms import (
    AcceptInvitationForm,
    ApiTokenForm,
    CodeForm,
    ConfirmForm,
    DiscreetNameForm,
    EmailChangeForm,
    ExistingAccountForm,
    PasswordChangeForm,
    ProfileForm,
    SignInForm,
)
from attune.accounts.models import ApiToken, UserSession
from attune.core.network import client_address

SIGN_IN_FAILED = "Those details did not match an account. Please check them and try again."
COOLING_OFF = "There have been several attempts from here. Please wait a few minutes, then try again."


def _network(request: HttpRequest) -> str:
    return client_address(request)


def _next(request: HttpRequest, default: str = "home") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(default)


def _live_tokens(user: Any) -> list[tuple[ApiToken, Any]]:
    """The person's tokens that still work, each with the moment it stops (its idle or absolute limit)."""
    rows = ApiToken.objects.filter(user=user, revoked__isnull=True).select_related("user")
    ends = [(token, services.token_limits(token)[1]) for token in rows]
    return [(token, end) for token, end in ends if end > timezone.now()]


def step_up_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Sensitive changes need a password or code entered within the last few minutes."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not sessions.stepped_up(request):
            back = request.get_full_path() if request.method == "GET" else reverse("accounts:settings")
            return redirect(reverse("accounts:confirm") + "?" + urlencode({"next": back}))
        return view(request, *args, **kwargs)

    return wrapped


@login_not_required
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    form = SignInForm(request.POST or None)
    if request.GET.get("ended"):
        messages.info(request, "You were signed out to keep your information private. Please sign in again.")
    if request.method == "POST" and form.is_valid():
        email, network = form.cleaned_data["email"].lower(), _network(request)
        level = throttle.account_level(email)
        if throttle.is_cooling_off("password", email, network):
            form.add_error(None, COOLING_OFF)
        elif level == throttle.PAUSED:
            # NIST's outer bound: the password is not even checked; the owner resets it (or uses a passkey).
            return render(request, "accounts/sign_in_paused.html", status=200)
        else:
            user = authenticate(request, username=email, password=form.cleaned_data["password"])
            if level == throttle.LINK:
                # The same page whether the password was right or not: only the owner's inbox tells them apart.
                if user is not None:
                    services.request_sign_in_link(request.session, user)
                else:
                    # The same session write as for a right password, so not even a cookie tells them apart.
                    services.hold_no_sign_in_link(request.session)
                    throttle.record_failure("password", email, network)
                    throttle.record_account_failure(email)
                return render(request, "accounts/sign_in_link_sent.html", status=200)
            if user is not None:
                throttle.clear("password", email, network)
                throttle.clear_account(email)
                login(request, user)
                return redirect(_next(request))
            throttle.record_failure("password", email, network)
            throttle.record_account_failure(email)
            form.add_error(None, SIGN_IN_FAILED)
    return render(request, "accounts/sign_in.html", {"form": form, "next": request.GET.get("next", "")})


@login_not_required
@require_http_methods(["GET", "POST"])
def sign_in_link(request: HttpRequest, token: str) -> HttpResponse:
    """The emailed one-time link. GET shows a button (mail scanners follow links; GET never writes); POST
    finishes the sign-in, in the browser that asked for the link only."""
    if request.method == "POST":
        user = services.redeem_sign_in_link(request.session, token)
        if user is not None:
            throttle.clear_account(user.email)
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect("home")
        return render(request, "accounts/sign_in_link.html", {"unusable": True}, status=400)
    return render(request, "accounts/sign_in_link.html", {"unusable": False})


@login_not_required
@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, "You have signed out.")
    return redirect("accounts:login")


@login_not_required
@require_POST
def quick_exit(request: HttpRequest) -> HttpResponse:
    """Called by the quick-exit button with navigator.sendBeacon: ends the session on the server."""
    logout(request)
    return HttpResponse(status=204)


@login_not_required
def about_quick_exit(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/about_quick_exit.html")


@require_POST
def keepalive(request: HttpRequest) -> HttpResponse:
    return HttpResponse(status=204)


@require_http_methods(["GET", "POST"])
def mfa_setup(request: HttpRequest) -> HttpResponse:
    user = request.user
    if mfa.has_mfa(user) and not user.is_verified():  # type: ignore[union-attr]
        return redirect(reverse("accounts:mfa_verify") + "?" + urlencode({"next": _next(request)}))
    if mfa.has_mfa(user) and not sessions.stepped_up(request):
        return redirect(reverse("accounts:confirm") + "?" + urlencode({"next": request.get_full_path()}))
    device = mfa.pending_totp(user)  # type: ignore[arg-type]
    form = CodeForm(request.POST or None)
    form.fields["code"].help_text = "Enter the 6-digit code your app shows now."
    if request.method == "POST" and form.is_valid():
        codes = mfa.confirm_totp(user, form.cleaned_data["code"])  # type: ignore[arg-type]
        if codes is None:
            form.add_error("code", "That code did not match. Codes change every 30 seconds; try the newest one.")
        else:
            confirmed = next(d for d in django_otp.devices_for_user(user) if d.persistent_id.endswith(f"/{device.pk}"))
            django_otp.login(request, confirmed)
            sessions.rotate(request)
            sessions.mark_stepped_up(request)
            return render(
                request,
                "accounts/recovery_codes.html",
                {"codes": codes, "next": _next(request), "first": True},
            )
    context = {
        "form": form,
        "qr": mfa.qr_data_uri(device),
        "secret": mfa.secret_base32(device),
        "required": mfa.mfa_required(user),
        "has_mfa_already": mfa.has_mfa(user),
        "next": request.GET.get("next", ""),
    }
    return render(request, "accounts/mfa_setup.html", context)


@require_http_methods(["GET", "POST"])
def mfa_verify(request: HttpRequest) -> HttpResponse:
    user = request.user
    if user.is_verified() or not mfa.has_mfa(user):  # type: ignore[union-attr]
        return redirect(_next(request))
    form = CodeForm(request.POST or None)
    if not mfa.has_app(user):
        form.fields["code"].help_text = "One of your recovery codes, if you cannot use your passkey."
    if request.method == "POST" and form.is_valid():
        account = user.email  # type: ignore[union-attr]
        if throttle.is_cooling_off("otp", account, _network(request)):
            form.add_error(None, COOLING_OFF)
        else:
            device = mfa.verify(user, form.cleaned_data["code"])  # type: ignore[arg-type]
            if device is not None:
                throttle.clear("otp", account, _network(request))
                throttle.security_event("mfa-passed", user_id=user.pk, denied=False)
                django_otp.login(request, device)
                sessions.rotate(request)
                sessions.mark_stepped_up(request)
                return redirect(_next(request))
            throttle.record_failure("otp", account, _network(request))
            form.add_error("code", "That code did not work. Each code can be used once; try the newest one.")
    context = {
        "form": form,
        "next": request.GET.get("next", ""),
        "has_app": mfa.has_app(user),
        "has_passkey": mfa.has_passkey(user),
    }
    return render(request, "accounts/mfa_verify.html", context)


@require_POST
@step_up_required
def mfa_recovery_codes(request: HttpRequest) -> HttpResponse:
    if not mfa.has_mfa(request.user):
        return redirect("accounts:mfa_setup")
    codes = mfa.regenerate_recovery_codes(request.user)  # type: ignore[arg-type]
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": reverse("accounts:settings")})


@require_POST
@step_up_required
def mfa_remove(request: HttpRequest) -> HttpResponse:
    if mfa.mfa_required(request.user):
        messages.error(request, "Two-step verification is required for your role. You can set up a new app instead.")
    else:
        mfa.remove(request.user)  # type: ignore[arg-type]
        sessions.rotate(request)
        if mfa.has_passkey(request.user):
            messages.success(request, "The authenticator app is removed. Your passkeys are still your second step.")
        else:
            messages.success(request, "Two-step verification is off.")
    return redirect("accounts:settings")


@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest) -> HttpResponse:
    """Step-up: prove it is still you before a sensitive change."""
    form = ConfirmForm(request.POST or None)
    user = request.user
    if request.method == "POST" and form.is_valid():
        account, network = user.email, _network(request)  # type: ignore[union-attr]
        if throttle.is_cooling_off("password", account, network):
            form.add_error(None, COOLING_OFF)
        else:
            ok = False
            if form.cleaned_data.get("password"):
                ok = authenticate(request, username=account, password=form.cleaned_data["password"]) is not None
            elif mfa.has_mfa(user):
                ok = mfa.verify(user, form.cleaned_data["code"]) is not None  # type: ignore[arg-type]
            if ok:
                throttle.clear("password", account, network)
                sessions.rotate(request)
                sessions.mark_stepped_up(request)
                return redirect(_next(request, "accounts:settings"))
            throttle.record_failure("password", account, network)
            form.add_error(None, "That did not match. Please try again.")
    if not mfa.has_mfa(user):
        del form.fields["code"]
    elif not mfa.has_app(user):
        form.fields["code"].label = "Or one of your recovery codes"
    context = {"form": form, "next": request.GET.get("next", ""), "has_passkey": mfa.has_passkey(user)}
    return render(request, "accounts/confirm.html", context)


@require_http_methods(["GET", "POST"])
def account_settings(request: HttpRequest) -> HttpResponse:
    user = request.user
    profile = ProfileForm(request.POST or None, initial={"display_name": user.display_name}, prefix="profile")  # type: ignore[union-attr]
    portal = roles.uses_portal(user)
    discreet = DiscreetNameForm(request.POST or None, initial={"discreet_name": user.discreet_name}, prefix="discreet")  # type: ignore[union-attr]
    if request.method == "POST":
        if "profile-display_name" in request.POST and profile.is_valid():
            services.update_profile(user, display_name=profile.cleaned_data["display_name"])  # type: ignore[arg-type]
            messages.success(request, "Saved.")
            return redirect("accounts:settings")
        if portal and "discreet-discreet_name" in request.POST and discreet.is_valid():
            services.set_discreet_name(user, discreet.cleaned_data["discreet_name"])  # type: ignore[arg-type]
            messages.success(request, "Saved.")
            return redirect("accounts:settings")
    context = {
        "profile": profile,
        "discreet": discreet if portal else None,
        "token_form": ApiTokenForm(),
        "tokens_allowed": services.may_hold_tokens(roles.user_of(request)),
        "tokens": _live_tokens(roles.user_of(request)),
        "new_token": request.session.pop("new_token", None),
        "token_hours": settings.ATTUNE_ABSOLUTE_TIMEOUT // 3600,
        "token_idle_minutes": sessions.idle_timeout(user) // 60,
        "browser_sessions": UserSession.objects.filter(user=roles.user_of(request)),
        "current_session": request.session.session_key,
        "has_mfa": mfa.has_mfa(user),
        "has_app": mfa.has_app(user),
        "passkeys": passkeys.for_user(user),  # type: ignore[arg-type]
        "mfa_required": mfa.mfa_required(user),
        "codes_left": mfa.recovery_codes_left(user) if mfa.has_mfa(user) else 0,  # type: ignore[arg-type]
    }
    return render(request, "accounts/settings.html", context)


@require_POST
@step_up_required
def create_token(request: HttpRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST)
    if form.is_valid():
        try:
            _, raw = services.create_api_token(request.user, form.cleaned_data["name"])  # type: ignore[arg-type]
        except PermissionDenied as exc:
            messages.error(request, str(exc))
            return redirect("accounts:settings")
        # Shown once on the next page, then forgotten: only its hash is kept.
        request.session["new_token"] = raw
    else:
        messages.error(request, "Please give the token a name.")
    return redirect("accounts:settings")


@require_POST
def revoke_token(request: HttpRequest, token_id: int) -> HttpResponse:
    services.revoke_api_token(request.user, token_id)  # type: ignore[arg-type]
    messages.success(request, "The token was revoked. Apps using it are signed out.")
    return redirect("accounts:settings")


@require_POST
def sign_out_elsewhere(request: HttpRequest) -> HttpResponse:
    sessions.sign_out_everywhere_else(request)
    messages.success(request, "You are signed out everywhere else, and your API tokens are revoked.")
    return redirect("accounts:settings")


@require_http_methods(["GET", "POST"])
@step_up_required
def change_password(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.change_password(request.user, form.cleaned_data["new_password"])  # type: ignore[arg-type]
        # Keep this browser signed in, with a new key; every other session ends.
        login(request, request.user, backend="django.contrib.auth.backends.ModelBackend")  # type: ignore[arg-type]
        sessions.sign_out_everywhere_else(request)
        messages.success(request, "Your password is changed. Other devices were signed out.")
        return redirect("accounts:settings")
    return render(request, "accounts/change.html", {"form": form, "title": "Change your password"})


@require_http_methods(["GET", "POST"])
@step_up_required
def change_email(request: HttpRequest) -> HttpResponse:
    form = EmailChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_email(request.user, form.cleaned_data["email"])  # type: ignore[arg-type]
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Your email address is changed.")
            return redirect("accounts:settings")
    return render(request, "accounts/change.html", {"form": form, "title": "Change your email address"})


class NeutralPasswordResetForm(PasswordResetForm):
    """Sends the reset mail from a background thread, so the answer takes as long for an unknown address as
    for a known one, and from the person's discreet name if they chose one."""

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        user = context.get("user")
        sender = services.sender_for(user)
        parent = super().send_mail
        threading.Thread(
            target=parent,
            args=(
                subject_template_name,
                email_template_name,
                context,
                sender,
                to_email,
                html_email_template_name,
            ),
            daemon=True,
        ).start()


password_reset = login_not_required(
    auth_views.PasswordResetView.as_view(
        form_class=NeutralPasswordResetForm,
        template_name="accounts/password_reset.html",
        email_template_name="accounts/email/password_reset.txt",
        subject_template_name="accounts/email/password_reset_subject.txt",
        success_url=reverse_lazy("accounts:password_reset_done"),
        extra_email_context={"site": settings.ATTUNE_SITE_URL},
    )
)
password_reset_done = login_not_required(
    auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html")
)


class ResetPasswordConfirmView(auth_views.PasswordResetConfirmView):
    """Choosing a new password from the emailed link ends every session of the person and revokes every API
    token (whoever knew the old password is out), and ends the per-account limit: the owner proved their inbox."""

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        services.end_every_session_and_token(self.user)
        throttle.clear_account(self.user.email)
        return response


password_reset_confirm = login_not_required(
    ResetPasswordConfirmView.as_view(
        template_name="accounts/password_reset_confirm.html",
        success_url=reverse_lazy("accounts:password_reset_complete"),
    )
)
password_reset_complete = login_not_required(
    auth_views.PasswordResetCompleteView.as_view(template_name="accounts/password_reset_complete.html")
)


@login_not_required
@require_http_methods(["GET", "POST"])
def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    invitation = services.find_invitation(token)
    if invitation is None:
        return render(request, "accounts/invitation_unusable.html", status=404)
    existing = services.existing_user_for(invitation)
    form: AcceptInvitationForm | ExistingAccountForm
    if existing is not None:
        form = ExistingAccountForm(request.POST or None)
    else:
        form = AcceptInvitationForm(
            request.POST or None, email=invitation.email, staff=invitation.kind in inputs.STAFF_KINDS
        )
    if request.method == "POST" and form.is_valid():
        try:
            if existing is not None:
                user = authenticate(request, username=existing.email, password=form.cleaned_data["password"])
                if user is None:
                    raise ValidationError(SIGN_IN_FAILED)
                services.accept_invitation(token, display_name="", password="", existing_user=user)
            else:
                user = services.accept_invitation(
                    token,
                    display_name=form.cleaned_data["display_name"],
                    password=form.cleaned_data["password"],
                )
                user = authenticate(request, username=user.email, password=form.cleaned_data["password"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            login(request, user)
            messages.success(request, "Welcome. Your account is ready.")
            return redirect("home")
    return render(
        request,
        "accounts/accept_invitation.html",
        {"form": form, "invitation": invitation, "existing": existing},
    )
