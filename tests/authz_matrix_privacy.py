"""Authorisation rows and requests for the privacy centre (issue 15).

Targets: for the practice audit trail, own = Northside and other = Southside, as for the practice pages.
"-" = the caller's own privacy centre (only a client has one: everyone else gets 404, as for a record
that does not exist); own = dana's record; other = eli's.

Cells worth a second look:
  * break-glass is for supervisors and admins only: the care team already reads what it needs (403), a client
    and a partner get 403 on their own / their partner's record, everyone without a relationship 404.
  * api:privacy_switch answers each client about their own care team (dana about alice, eli about bob).
"""

from __future__ import annotations

from attune.privacy.models import BreakGlass
from tests.authz_requests import Ctx, Req, api_path, builds, page


def _person(c: Ctx) -> int:
    return (c.cast.bob if c.actor == c.cast.eli else c.cast.alice).pk


def _open_glass(c: Ctx) -> None:
    if c.actor is not None:
        BreakGlass.objects.create(client=c.client, user=c.actor, reason="A safeguarding duty to check")


builds("privacy:home", "GET")(lambda c: Req("GET", page("privacy:home")))
builds("privacy:access_log", "GET")(lambda c: Req("GET", page("privacy:access_log")))
builds("privacy:sharing", "GET")(lambda c: Req("GET", page("privacy:sharing")))
builds("privacy:switch", "POST")(
    lambda c: Req("POST", page("privacy:switch"), form={"person": _person(c), "category": "diary", "visible": "no"})
)
builds("privacy:break_glass", "GET")(lambda c: Req("GET", page("privacy:break_glass", c.client.pk)))
builds("privacy:break_glass", "POST")(
    lambda c: Req(
        "POST",
        page("privacy:break_glass", c.client.pk),
        form={"reason": "The care team cannot be reached and I must check the safety plan"},
    )
)


@builds("privacy:end_break_glass", "POST")
def _end(c: Ctx) -> Req:
    _open_glass(c)
    return Req("POST", page("privacy:end_break_glass", c.client.pk), form={})


builds("privacy:exports", "GET")(lambda c: Req("GET", page("privacy:exports")))
builds("privacy:exports", "POST")(lambda c: Req("POST", page("privacy:exports"), form={}))


@builds("privacy:download", "POST")
def _download(c: Ctx) -> Req:
    """A ready copy of dana's: only dana takes it (eli finds no such copy of his own: 302 with a message)."""
    from attune.core import crypto, keys
    from attune.privacy.models import ExportRequest
    from attune.privacy.services import _export_context

    dana = c.cast.client("dana")
    row = ExportRequest.objects.create(client=dana, requested_by=c.cast.dana, status="ready")
    row.sealed = crypto.seal(keys.data_key(dana.pk, create=True), b"zip", _export_context(row))
    row.save()
    return Req("POST", page("privacy:download", row.pk), form={})


builds("privacy:erase", "GET")(lambda c: Req("GET", page("privacy:erase")))
builds("privacy:erase", "POST")(
    lambda c: Req("POST", page("privacy:erase"), form={"action": "request", "understood": "on"})
)
builds("privacy:practice_erasure", "GET")(lambda c: Req("GET", page("privacy:practice_erasure", c.client.pk)))
builds("privacy:practice_erasure", "POST")(
    lambda c: Req(
        "POST",
        page("privacy:practice_erasure", c.client.pk),
        form={"action": "hold", "what": "Clinical records", "why": "Kept for 8 years by law", "until": "2034-01-01"},
    )
)
builds("privacy:practice_audit", "GET")(lambda c: Req("GET", page("privacy:practice_audit", c.practice_id)))
builds("privacy:practice_audit_csv", "GET")(lambda c: Req("GET", page("privacy:practice_audit_csv", c.practice_id)))
builds("api:privacy_access_log", "GET")(lambda c: Req("GET", api_path("privacy_access_log")))
builds("api:privacy_sharing", "GET")(lambda c: Req("GET", api_path("privacy_sharing")))
builds("api:privacy_switch", "PUT")(
    lambda c: Req("PUT", api_path("privacy_switch", _person(c), "diary"), body={"visible": False})
)

TABLE = """
endpoint                        method target    dana eli alice bob carol frank sam ada rita anon
privacy:home                    GET    -          200 200   404 404   404   404 404 404  404  302
privacy:access_log              GET    -          200 200   404 404   404   404 404 404  404  302
privacy:sharing                 GET    -          200 200   404 404   404   404 404 404  404  302
privacy:switch                  POST   -          302 302   404 404   404   404 404 404  404  302
privacy:break_glass             GET    own        403 404   403 404   404   403 200 200  404  302
privacy:break_glass             GET    other      404 403   404 403   404   404 200 200  404  302
privacy:break_glass             POST   own        403 404   403 404   404   403 302 302  404  302
privacy:break_glass             POST   other      404 403   404 403   404   404 302 302  404  302
privacy:end_break_glass         POST   own        403 404   403 404   404   403 302 302  404  302
privacy:end_break_glass         POST   other      404 403   404 403   404   404 302 302  404  302
privacy:exports                 GET    -          200 200   404 404   404   404 404 404  404  302
privacy:exports                 POST   -          302 302   404 404   404   404 404 404  404  302
privacy:download                POST   -          200 302   404 404   404   404 404 404  404  302
privacy:erase                   GET    -          200 200   404 404   404   404 404 404  404  302
privacy:erase                   POST   -          302 302   404 404   404   404 404 404  404  302
privacy:practice_erasure        GET    own        403 404   403 404   404   403 403 200  404  302
privacy:practice_erasure        GET    other      404 403   404 403   404   404 403 200  404  302
privacy:practice_erasure        POST   own        403 404   403 404   404   403 403 302  404  302
privacy:practice_erasure        POST   other      404 403   404 403   404   404 403 302  404  302
privacy:practice_audit          GET    own        404 404   403 403   404   404 403 200  403  302
privacy:practice_audit          GET    other      404 404   404 404   403   404 404 404  404  302
privacy:practice_audit_csv      GET    own        404 404   403 403   404   404 403 200  403  302
privacy:practice_audit_csv      GET    other      404 404   404 404   403   404 404 404  404  302
api:privacy_access_log          GET    -          200 200   404 404   404   404 404 404  404  401
api:privacy_sharing             GET    -          200 200   404 404   404   404 404 404  404  401
api:privacy_switch              PUT    -          200 200   404 404   404   404 404 404  404  401
"""
