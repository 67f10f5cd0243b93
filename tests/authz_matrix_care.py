"""Authorisation rows and requests for the record layer's practice pages that live beside their app: the crisis
resources each practice shows its clients. own = Northside, other = Southside, as for the other practice pages.
"""

from __future__ import annotations

from attune.care.models import CrisisResource
from tests.authz_requests import Ctx, Req, builds, page

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
