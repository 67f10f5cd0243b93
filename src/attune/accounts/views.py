from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from attune.accounts import services
from attune.accounts.forms import AcceptInvitationForm, ApiTokenForm, ExistingAccountForm, ProfileForm, SignInForm
from attune.accounts.models import ApiToken

SIGN_IN_FAILED = "Those details did not match an account. Please check them and try again."


@login_not_required
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = authenticate(request, username=form.cleaned_data["email"].lower(), password=form.cleaned_data["password"])
        if user is not None:
            login(request, user)
            return redirect("home")
        form.add_error(None, SIGN_IN_FAILED)
    return render(request, "accounts/sign_in.html", {"form": form}, status=200)


@login_not_required
@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, "You have signed out.")
    return redirect("accounts:login")


@require_http_methods(["GET", "POST"])
def account_settings(request: HttpRequest) -> HttpResponse:
    profile = ProfileForm(request.POST or None, initial={"display_name": request.user.display_name})  # type: ignore[union-attr]
    if request.method == "POST" and profile.is_valid():
        services.update_profile(request.user, display_name=profile.cleaned_data["display_name"])  # type: ignore[arg-type]
        messages.success(request, "Saved.")
        return redirect("accounts:settings")
    context = {
        "profile": profile,
        "token_form": ApiTokenForm(),
        "tokens": ApiToken.objects.filter(user=request.user, revoked__isnull=True),
        "new_token": request.session.pop("new_token", None),
    }
    return render(request, "accounts/settings.html", context)


@require_POST
def create_token(request: HttpRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST)
    if form.is_valid():
        _, raw = services.create_api_token(request.user, form.cleaned_data["name"])  # type: ignore[arg-type]
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
        form = AcceptInvitationForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            if existing is not None:
                user = authenticate(request, username=existing.email, password=form.cleaned_data["password"])
                if user is None:
                    raise ValidationError(SIGN_IN_FAILED)
                services.accept_invitation(token, display_name="", password="", existing_user=user)  # type: ignore[arg-type]
            else:
                user = services.accept_invitation(
                    token, display_name=form.cleaned_data["display_name"], password=form.cleaned_data["password"]
                )
                user = authenticate(request, username=user.email, password=form.cleaned_data["password"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            login(request, user)
            messages.success(request, "Welcome. Your account is ready.")
            return redirect("home")
    return render(
        request, "accounts/accept_invitation.html", {"form": form, "invitation": invitation, "existing": existing}
    )
