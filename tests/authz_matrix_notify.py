"""Authorisation rows for notifications. Targets of notify:open: own = a message addressed to the caller;
other = a message addressed to someone else (dana's, or eli's when the caller is dana). The demo's mail page is
for practice staff in development; everyone else gets 404, as for a page that does not exist."""

from __future__ import annotations

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


PREFERENCES = {"email": "on", "label": "Notes", "quiet_start": "22:00", "quiet_end": "07:00"}

builds("notify:open", "GET")(lambda c: Req("GET", page("notify:open", _message(c).pk)))
builds("notify:preferences", "GET")(lambda c: Req("GET", page("notify:preferences")))
builds("notify:preferences", "POST")(lambda c: Req("POST", page("notify:preferences"), form=PREFERENCES))
builds("notify:demo_mail", "GET")(lambda c: Req("GET", page("notify:demo_mail")))
builds("api:get_notification_preferences", "GET")(lambda c: Req("GET", api_path("get_notification_preferences")))
builds("api:put_notification_preferences", "PUT")(
    lambda c: Req("PUT", api_path("put_notification_preferences"), body={"email": False, "paused": True})
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
"""
