"""The API of notification preferences: the signed-in person's own choices."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from attune.accounts import roles
from attune.notify import services
from attune.notify.inputs import PreferencesInput

router = Router(tags=["notifications"])


class NotifyPreferences(PreferencesInput):
    """How the signed-in person is told that something is waiting (never what it is)."""


@router.get("/me/notifications", response=NotifyPreferences, operation_id="get_notification_preferences")
def get_notification_preferences(request: HttpRequest) -> NotifyPreferences:
    return NotifyPreferences(**services.current(roles.user_of(request)).model_dump())


@router.put("/me/notifications", response=NotifyPreferences, operation_id="put_notification_preferences")
def put_notification_preferences(request: HttpRequest, payload: NotifyPreferences) -> NotifyPreferences:
    user = roles.user_of(request)
    services.save_preferences(user, payload)
    return NotifyPreferences(**services.current(user).model_dump())
