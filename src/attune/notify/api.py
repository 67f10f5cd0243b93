"""The API of notification preferences: the signed-in person's own choices, and their devices with push on."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError

from attune.accounts import roles
from attune.core.apidoc import may_answer
from attune.notify import services
from attune.notify.inputs import PreferencesInput, PushEndpointInput, PushSubscriptionInput

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


class PushSubscriptionIn(PushSubscriptionInput):
    """A browser's push subscription, as PushSubscription.toJSON() gives it (endpoint and keys)."""


class PushSubscriptionDelete(PushEndpointInput):
    """The endpoint of the device to turn off."""


class PushDevice(Schema):
    created: datetime.datetime


@router.post(
    "/me/push-subscriptions",
    response={201: PushDevice},
    operation_id="add_push_subscription",
    openapi_extra=may_answer(404),
)
def add_push_subscription(request: HttpRequest, payload: PushSubscriptionIn) -> tuple[int, PushDevice]:
    """Turn on notifications on this device. Answers 404 where this service does not send push."""
    if not settings.ATTUNE_PUSH_ENABLED:
        raise HttpError(404, "Push notifications are not offered here.")
    device = services.add_device(roles.user_of(request), payload)
    return 201, PushDevice(created=device.created)


@router.delete("/me/push-subscriptions", response={204: None}, operation_id="remove_push_subscription")
def remove_push_subscription(request: HttpRequest, payload: PushSubscriptionDelete) -> tuple[int, None]:
    """Turn off notifications on a device. Idempotent: a device already gone answers 204 too."""
    services.remove_device(roles.user_of(request), payload.endpoint)
    return 204, None
