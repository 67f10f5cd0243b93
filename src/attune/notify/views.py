from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods

from attune.accounts import roles
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
    return render(request, "notify/preferences.html", {"form": form, "paused": services.current(user).paused})


@require_GET
def demo_mail(request: HttpRequest) -> HttpResponse:
    """Mail sent by the demo: practice staff only, and only where mail is written to files (development)."""
    user = roles.user_of(request)
    if settings.PRODUCTION or settings.ATTUNE_MAIL_DIR is None:
        raise Http404("Not found")
    if not roles.is_staff(user):
        raise policy.deny(user, "Communication", "demo-mail", perms.DEMO_MAIL)
    return render(request, "notify/demo_mail.html", {"mails": queries.demo_mail(settings.ATTUNE_MAIL_DIR)})
