"""Authorisation rows and requests for the record layer's practice pages that live beside their app: the crisis
resources each practice shows its clients. own = Northside, other = Southside, as for the other practice pages.
"""

from __future__ import annotations

from attune.care.models import CrisisResource, SafeContact
from tests.authz_requests import Ctx, Req, api_path, builds, page
from tests.cast import canary

TABLE = """
endpoint                        method target    dana eli alice bob carol frank sam ada rita anon
practice:settings             GET    own        404 404  403  403  404   404  403 200  403  302
practice:settings             GET    other      404 404  404  404  403   404  404 404  404  302
practice:settings             POST   own        404 404  403  403  404   404  403 302  403  302
practice:settings             POST   other      404 404  404  404  403   404  404 404  404  302
practice:crisis_resources     GET    own        404 404  403  403  404   404  403 200  403  302
practice:crisis_resources     GET    other      404 404  404  404  403   404  404 404  404  302
practice:crisis_resources     POST   own        404 404  403  403  404   404  403 302  403  302
practice:crisis_resources     POST   other      404 404  404  404  403   404  404 404  404  302
practice:crisis_resource_edit GET    own        404 404  403  403  404   404  403 200  403  302
practice:crisis_resource_edit GET    other      404 404  404  404  403   404  404 404  404  302
practice:crisis_resource_edit POST   own        404 404  403  403  404   404  403 302  403  302
practice:crisis_resource_edit POST   other      404 404  404  404  403   404  404 404  404  302
practice:crisis_resource_remove POST own        404 404  403  403  404   404  403 302  403  302
practice:crisis_resource_remove POST other      404 404  404  404  403   404  404 404  404  302
care:safe_contact               GET    -          200 200  404  404  404   404  404 404  404  302
care:safe_contact               POST   -          302 302  404  404  404   404  404 404  404  302
api:get_safe_contact            GET    own        200 404  200  404  404   403  403 403  404  401
api:get_safe_contact            GET    other      404 200  404  200  404   404  403 403  404  401
api:get_safe_contact            GET    shared     200 404  200  404  404   403  403 403  404  401
api:update_safe_contact         PUT    own        200 404  403  404  404   403  403 403  404  401
api:update_safe_contact         PUT    other      404 200  404  403  404   404  403 403  404  401
"""

RESOURCE_FORM = {"name": "Night Line", "phone": "0800 000 111", "hours": "24 hours", "position": 0}


def _resource(c: Ctx) -> CrisisResource:
    return CrisisResource.objects.create(practice_id=c.practice_id, name="Night Line", phone="0800 000 111")


SETTINGS_FORM = {
    "country": "GB",
    "time_zone": "Europe/London",
    "working_days": ["0", "1", "2", "3", "4"],
    "day_starts": "09:00",
    "day_ends": "17:00",
    "escalation_minutes": "30",
}
builds("practice:settings", "GET")(lambda c: Req("GET", page("practice:settings", c.practice_id)))
builds("practice:settings", "POST")(lambda c: Req("POST", page("practice:settings", c.practice_id), form=SETTINGS_FORM))
builds("practice:crisis_resources", "GET")(lambda c: Req("GET", page("practice:crisis_resources", c.practice_id)))
builds("practice:crisis_resources", "POST")(
    lambda c: Req("POST", page("practice:crisis_resources", c.practice_id), form=RESOURCE_FORM)
)
builds("practice:crisis_resource_edit", "GET")(
    lambda c: Req("GET", page("practice:crisis_resource_edit", c.practice_id, _resource(c).pk))
)
builds("practice:crisis_resource_edit", "POST")(
    lambda c: Req("POST", page("practice:crisis_resource_edit", c.practice_id, _resource(c).pk), form=RESOURCE_FORM)
)
builds("practice:crisis_resource_remove", "POST")(
    lambda c: Req("POST", page("practice:crisis_resource_remove", c.practice_id, _resource(c).pk), form={})
)


SAFE_CONTACT_FORM = {"email_ok": "no", "push_ok": "yes", "phone_ok": "yes", "phone": "07700 900123"}


def _safe_contacts(c: Ctx) -> None:
    """Every client of the cast has said how to reach them, with canaries in the encrypted fields: a denied
    answer must carry none of them."""
    for client in c.cast.clients.values():
        SafeContact.objects.update_or_create(
            client=client,
            defaults={
                "phone_ok": True,
                "phone": canary("safecontact", "phone"),
                "times_to_avoid": canary("safecontact", "times_to_avoid"),
            },
        )


def _with_contacts(req: Req, c: Ctx) -> Req:
    _safe_contacts(c)
    return req


builds("care:safe_contact", "GET")(lambda c: _with_contacts(Req("GET", page("care:safe_contact")), c))
builds("care:safe_contact", "POST")(
    lambda c: _with_contacts(Req("POST", page("care:safe_contact"), form=SAFE_CONTACT_FORM), c)
)
builds("api:get_safe_contact", "GET")(
    lambda c: _with_contacts(Req("GET", api_path("get_safe_contact", c.client.pk)), c)
)
builds("api:update_safe_contact", "PUT")(
    lambda c: _with_contacts(
        Req("PUT", api_path("update_safe_contact", c.client.pk), body={"email_ok": False, "phone": "07700 900123"}), c
    )
)
