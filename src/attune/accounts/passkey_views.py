"""The passkey pages and the small JSON exchanges their script (static/attune/passkeys.js) makes with the server.

Adding a passkey needs a fresh step-up once the person has any second step (as setting up a new authenticator
app does); naming one is audited; removing one asks for confirmation and a fresh step-up. Sign-in with a passkey
alone, the second step with one, and step-up with one all finish here. The ceremonies themselves (challenges,
verification) are accounts.passkeys.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

import django_otp
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from attune.accounts import mfa, passkeys, roles, sessions, throttle
from attune.accounts.forms import PasskeyNameForm
from attune.accounts.models import Passkey, User

# One answer for every failed passkey: an unknown credential, someone else's, a bad signature, a stale challenge.
PASSKEY_FAILED = "That passkey could not be used. Please try again, or sign in another way."
NEW_CODES = "attune_passkey_codes"


def _body(request: HttpRequest) -> dict[str, Any]:
    if request.content_type != "application/json":
        return {}
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


def _safe_next(request: HttpRequest, target: Any, default: str) -> str:
    if (
        isinstance(target, str)
        and target
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return target
    return reverse(default)


def _user(request: HttpRequest) -> User:
    return roles.user_of(request)


def _pending_second_step(request: HttpRequest) -> bool:
    """Signed in with a password but the second step not done yet: nothing may be added to the account."""
    return mfa.has_mfa(request.user) and not request.user.is_verified()  # type: ignore[union-attr]


def _needs_step_up(request: HttpRequest) -> bool:
    # As for a new authenticator app: the first second step needs no step-up, any later one does.
    return mfa.has_mfa(request.user) and not sessions.stepped_up(request)


def _confirm_url(back: str) -> str:
    return reverse("accounts:confirm") + "?" + urlencode({"next": back})


# --- Adding ---------------------------------------------------------------------------------------------------


@require_GET
def passkey_add(request: HttpRequest) -> HttpResponse:
    if _pending_second_step(request):
        return redirect(reverse("accounts:mfa_verify") + "?" + urlencode({"next": request.get_full_path()}))
    if _needs_step_up(request):
        return redirect(_confirm_url(request.get_full_path()))
    context = {
        "form": PasskeyNameForm(),
        "staff": mfa.mfa_required(request.user),
        "first_step": not mfa.has_mfa(request.user),
        "next": _safe_next(request, request.GET.get("next"), "accounts:settings"),
    }
    return render(request, "accounts/passkey_add.html", context)


def _refuse_to_add(request: HttpRequest) -> JsonResponse | None:
    if _pending_second_step(request):
        throttle.security_event("passkey-register-refused", user_id=request.user.pk)
        return JsonResponse({"detail": "Please finish signing in first."}, status=403)
    if _needs_step_up(request):
        throttle.security_event("passkey-register-refused", user_id=request.user.pk)
        back = reverse("accounts:passkey_add")
        return JsonResponse(
            {"detail": "Please confirm it is you first.", "next": _confirm_url(back)},
            status=403,
        )
    return None


@require_POST
def passkey_register_options(request: HttpRequest) -> JsonResponse:
    refused = _refuse_to_add(request)
    if refused is not None:
        return refused
    return JsonResponse(passkeys.registration_options(request.session, _user(request)))


@require_POST
def passkey_register(request: HttpRequest) -> JsonResponse:
    refused = _refuse_to_add(request)
    if refused is not None:
        return refused
    body, user = _body(request), _user(request)
    name = body["name"] if isinstance(body.get("name"), str) else ""
    try:
        passkey, codes = passkeys.register(
            request.session, user, body.get("credential"), name, default_name=f"Passkey on {sessions.device(request)}"
        )
    except passkeys.Refused as exc:
        return JsonResponse({"detail": str(exc)}, status=400)
    if not request.user.is_verified():  # type: ignore[union-attr]
        # The person's first second step: this session is now verified by it, as after setting up an app.
        django_otp.login(request, passkey)
        sessions.rotate(request)
        sessions.mark_stepped_up(request)
    if codes:
        request.session[NEW_CODES] = codes
    messages.success(request, f"Your passkey “{passkey.name}” is added.")
    target = _safe_next(request, body.get("next"), "accounts:settings")
    return JsonResponse({"next": reverse("accounts:passkey_added") + "?" + urlencode({"next": target})})


@require_GET
def passkey_added(request: HttpRequest) -> HttpResponse:
    """After adding a passkey: recovery codes, shown once, if the person had none; otherwise straight on."""
    target = _safe_next(request, request.GET.get("next"), "accounts:settings")
    codes = request.session.pop(NEW_CODES, None)
    if not codes:
        return redirect(target)
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": target, "first": True})


# --- Naming and removing --------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def passkey_rename(request: HttpRequest, passkey_id: int) -> HttpResponse:
    user = _user(request)
    passkey = passkeys.get_own(user, passkey_id)
    form = PasskeyNameForm(request.POST or None, initial={"name": passkey.name}, required=True)
    if request.method == "POST" and form.is_valid():
        try:
            passkeys.rename(user, passkey_id, form.cleaned_data["name"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Saved.")
            return redirect("accounts:settings")
    return render(request, "accounts/passkey_rename.html", {"form": form, "passkey": passkey})


@require_http_methods(["GET", "POST"])
def passkey_remove(request: HttpRequest, passkey_id: int) -> HttpResponse:
    user = _user(request)
    passkey = passkeys.get_own(user, passkey_id)
    if not sessions.stepped_up(request):
        back = request.get_full_path() if request.method == "GET" else reverse("accounts:settings")
        return redirect(_confirm_url(back))
    if request.method == "POST":
        try:
            passkeys.remove(user, passkey_id)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            _keep_verified(request, passkey)
            messages.success(request, f"The passkey “{passkey.name}” is removed. It can no longer be used to sign in.")
        return redirect("accounts:settings")
    context = {
        "passkey": passkey,
        "removable": passkeys.removable(user, passkey),
        "last_step": not mfa.mfa_required(user) and not mfa.has_app(user) and len(passkeys.for_user(user)) == 1,
    }
    return render(request, "accounts/passkey_remove.html", context)


def _keep_verified(request: HttpRequest, removed: Passkey) -> None:
    """This session's second step was the passkey just removed: it stays verified (the person did pass it, and
    has just confirmed it is them again), now under one of their remaining second steps, if any."""
    if request.session.get(django_otp.DEVICE_ID_SESSION_KEY) != removed.persistent_id:
        return
    request.session.pop(django_otp.DEVICE_ID_SESSION_KEY, None)
    remaining = next(iter(django_otp.devices_for_user(request.user, confirmed=True)), None)
    if remaining is not None:
        django_otp.login(request, remaining)


# --- Signing in with a passkey alone ----------------------------------------------------------------------------


@login_not_required
@require_POST
def passkey_sign_in_options(request: HttpRequest) -> JsonResponse:
    return JsonResponse(passkeys.sign_in_options(request.session))


@login_not_required
@require_POST
def passkey_sign_in(request: HttpRequest) -> JsonResponse:
    """Passwordless sign-in. It works whatever the per-account limit says (a passkey cannot be guessed, and only
    its owner's device can answer), and, like the emailed link, ends that limit: the owner has proved it is them."""
    body = _body(request)
    caller = request.user.pk if request.user.is_authenticated else None
    passkey = passkeys.sign_in(request.session, body.get("credential"), caller=caller)
    if passkey is None:
        return JsonResponse({"detail": PASSKEY_FAILED}, status=400)
    user = passkey.user
    throttle.clear_account(user.email)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    # The device verified the person (PIN, pattern or biometric): the passkey is the second step too.
    django_otp.login(request, passkey)
    return JsonResponse({"next": _safe_next(request, body.get("next"), "home")})


# --- The second step, and step-up, with a passkey ---------------------------------------------------------------


@require_POST
def passkey_confirm_options(request: HttpRequest) -> JsonResponse:
    user = _user(request)
    if not mfa.has_passkey(user):
        throttle.security_event("passkey-failed", user_id=user.pk)
        return JsonResponse({"detail": PASSKEY_FAILED}, status=400)
    return JsonResponse(passkeys.confirm_options(request.session, user))


@require_POST
def passkey_confirm(request: HttpRequest) -> JsonResponse:
    body = _body(request)
    passkey = passkeys.confirm(request.session, _user(request), body.get("credential"))
    if passkey is None:
        return JsonResponse({"detail": PASSKEY_FAILED}, status=400)
    django_otp.login(request, passkey)
    sessions.rotate(request)
    sessions.mark_stepped_up(request)
    return JsonResponse({"next": _safe_next(request, body.get("next"), "home")})
