"""Authorisation rows for notifications. Targets of notify:open: own = a message addressed to the caller;
other = a message addressed to someone else (dana's, or eli's when the caller is dana). The demo's mail page is
for practice staff in development; everyone else gets 404, as for a page that does not exist. The service worker is
the same public file for everyone. Push subscriptions are the caller's own devices: anyone signed in may turn
one on or off (removing an endpoint they do not hold changes nothing and answers 204 all the same)."""

from __future__ import annotations

import base64
import secrets

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from attune.notify.models import Notification
from tests.authz_requests import Ctx, Req, api_path, builds, page


def _message(c: Ctx) -> Notification:
    mine = c.target == "own" and c.actor is not None
    someone_else = c.cast.eli if c.actor == c.cast.dana else c.cast.dana
    return Notification.objects.create(
        recipient=c.actor if mine else someone_else,
        channel=Notification.Channel.EMAIL,
        purpose=Notification.Purpose.MESSAGE,
        target="/",
        dedupe_key=f"matrix:{c.target}:{c.actor.pk if c.actor else 'anon'}",
    )


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _subscription(c: Ctx) -> dict[str, object]:
    point = (
        ec.generate_private_key(ec.SECP256R1())
        .public_key()
        .public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    )
    endpoint = f"https://fcm.googleapis.com/fcm/send/matrix-{secrets.token_urlsafe(12)}"
    return {"endpoint": endpoint, "keys": {"p256dh": _b64(point), "auth": _b64(secrets.token_bytes(16))}}


PREFERENCES = {"email": "on", "label": "Notes", "quiet_start": "22:00", "quiet_end": "07:00"}

builds("notify:open", "GET")(lambda c: Req("GET", page("notify:open", _message(c).pk)))
builds("notify:preferences", "GET")(lambda c: Req("GET", page("notify:preferences")))
builds("notify:preferences", "POST")(lambda c: Req("POST", page("notify:preferences"), form=PREFERENCES))
builds("notify:demo_mail", "GET")(lambda c: Req("GET", page("notify:demo_mail")))
builds("api:get_notification_preferences", "GET")(lambda c: Req("GET", api_path("get_notification_preferences")))
builds("api:put_notification_preferences", "PUT")(
    lambda c: Req("PUT", api_path("put_notification_preferences"), body={"email": False, "paused": True})
)
builds("notify:service_worker", "GET")(lambda c: Req("GET", page("notify:service_worker")))
builds("api:add_push_subscription", "POST")(
    lambda c: Req("POST", api_path("add_push_subscription"), body=_subscription(c))
)
builds("api:remove_push_subscription", "DELETE")(
    lambda c: Req("DELETE", api_path("remove_push_subscription"), body={"endpoint": _subscription(c)["endpoint"]})
)

TABLE = """
endpoint                        method target    dana eli alice bob carol frank sam ada rita anon
notify:open                     GET    own        302 302   302 302   302   302 302 302  302  302
notify:open                     GET    other      404 404   404 404   404   404 404 404  404  302
notify:preferences              GET    -          200 200   200 200   200   200 200 200  200  302
notify:preferences              POST   -          302 302   302 302   302   302 302 302  302  302
notify:demo_mail                GET    -          404 404   200 200   200   404 200 200  200  302
api:get_notification_preferences GET   -          200 200   200 200   200   200 200 200  200  401
api:put_notification_preferences PUT   -          200 200   200 200   200   200 200 200  200  401
notify:service_worker           GET    -          200 200   200 200   200   200 200 200  200  200
api:add_push_subscription       POST   -          201 201   201 201   201   201 201 201  201  401
api:remove_push_subscription    DELETE -          204 204   204 204   204   204 204 204  204  401
"""
