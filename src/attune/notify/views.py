from __future__ import annotations

import uuid
from functools import cache
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.staticfiles import finders
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods

from attune.accounts import roles
from attune.accounts.models import User
from attune.core import policy
from attune.notify import perms, queries, services
from attune.notify.forms import PreferencesForm
from attune.notify.inputs import PreferencesInput


@require_GET
def open_message(request: HttpRequest, notification_id: uuid.UUID) -> HttpResponse:
    """The link in a message: only its recipient is sent on to what it is about; anyone else sees 404."""
    user = roles.user_of(request)
    row = user.notifications.filter(pk=notification_id).only("target").first()
    if row is None or not url_has_allowed_host_and_scheme(row.target, allowed_hosts=None):
        raise policy.deny(user, "Communication", str(notification_id), perms.OPEN_MESSAGE)
    return redirect(row.target)


@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    user = roles.user_of(request)
    if request.method == "POST" and request.POST.get("action") in {"pause", "resume"}:
        data = services.current(user).model_copy(update={"paused": request.POST["action"] == "pause"})
        services.save_preferences(user, data)
        messages.success(request, "Everything is off." if data.paused else "Notifications are back on.")
        return redirect("notify:preferences")
    form = PreferencesForm(request.POST or None, initial={**services.current(user).model_dump()})
    if request.method == "POST" and form.is_valid():
        services.save_preferences(
            user, PreferencesInput(**{**services.current(user).model_dump(), **form.cleaned_data})
        )
        messages.success(request, "Saved.")
        return redirect("notify:preferences")
    context = {"form": form, "paused": services.current(user).paused, "push": _push_context(user)}
    return render(request, "notify/preferences.html", context)


def _push_context(user: User) -> dict[str, str] | None:
    """What the "Notifications on this device" switch needs; None where this service does not send push."""
    if not settings.ATTUNE_PUSH_ENABLED:
        return None
    return {
        "key": settings.ATTUNE_VAPID_PUBLIC_KEY,
        "api": reverse("api:add_push_subscription"),
        "worker": reverse("notify:service_worker"),
        "label": user.discreet_name or "Attune",
    }


@require_GET
def demo_mail(request: HttpRequest) -> HttpResponse:
    """Mail sent by the demo: practice staff only, and only where mail is written to files (development)."""
    user = roles.user_of(request)
    if settings.PRODUCTION or settings.ATTUNE_MAIL_DIR is None:
        raise Http404("Not found")
    if not roles.is_staff(user):
        raise policy.deny(user, "Communication", "demo-mail", perms.DEMO_MAIL)
    return render(request, "notify/demo_mail.html", {"mails": queries.demo_mail(settings.ATTUNE_MAIL_DIR)})


@cache
def _worker_source() -> bytes:
    found = finders.find("attune/sw.js")
    if not isinstance(found, str):
        raise RuntimeError("attune/sw.js is missing from the static files")
    return Path(found).read_bytes()


@login_not_required
@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker, the same file for everyone and holding nothing about anyone. Public because a browser
    checks it for updates whether or not anyone is signed in; never cached (the middleware sets no-store), so a
    new version reaches devices at their next check."""
    return HttpResponse(_worker_source(), content_type="text/javascript; charset=utf-8")
