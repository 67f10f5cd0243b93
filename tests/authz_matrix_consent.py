"""Authorisation rows for sharing with a partner. Targets: own = dana (frank is her partner); other = eli;
shared = dana while she shares the referral category with partners."""

from __future__ import annotations

from tests.authz_requests import Ctx, Req, builds, page


def _change(c: Ctx) -> Req:
    return Req(
        "POST", page("consent:change"), form={"partner": c.cast.frank.pk, "category": "referral", "share": "yes"}
    )


builds("consent:sharing", "GET")(lambda c: Req("GET", page("consent:sharing")))
builds("consent:change", "POST")(_change)
builds("consent:shared_with_me", "GET")(lambda c: Req("GET", page("consent:shared_with_me", c.client.pk)))

TABLE = """
endpoint                        method target    dana eli alice bob carol frank sam ada rita anon
consent:sharing                 GET    -          200 200   404 404   404   404 404 404  404  302
consent:change                  POST   -          302 302   404 404   404   404 404 404  404  302
consent:shared_with_me          GET    own        403 404   403 404   404   200 403 403  404  302
consent:shared_with_me          GET    other      404 403   404 403   404   404 403 403  404  302
consent:shared_with_me          GET    shared     403 404   403 404   404   200 403 403  404  302
"""
