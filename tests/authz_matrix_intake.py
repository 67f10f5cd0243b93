"""Authorisation rows and requests for the intake (issue 7).

Targets: own = an intake of dana's (alice is her clinician); other = one of eli's (bob's client). The portal pages
and the answering operations are the client's alone: the care team gets 403 there (they read what the client
sends, they never answer for them). The summary, the notes and sending are the care team's. A supervisor may
list that an intake exists and its status (api:list_intakes), nothing more; admins and partners nothing. The
definition is the same public FHIR Questionnaire for every signed-in user.

Cells worth a second look:
  * intake:portal_sent answers the client's thank-you page only once the intake is sent; the request here sends it
    first, so the 200 is the sent state.
  * the client cannot read the care team's summary (403), their clinician's notes included; what they sent they see
    on their own review and thank-you pages.
  * api:list_intakes answers the client too (status only), so that an app can find the intake to open.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.utils import timezone

from attune.intake.models import Intake
from tests.authz_requests import Ctx, Req, api_path, builds, page


def _intake(c: Ctx, status: str = Intake.Status.IN_PROGRESS) -> Intake:
    submitted = status == Intake.Status.SUBMITTED
    return Intake.objects.create(
        client=c.client,
        status=status,
        welcome_seen=True,
        submitted=timezone.now() if submitted else None,
        submission_key=uuid.uuid4() if submitted else None,
    )


def _portal(name: str, *args: str) -> Callable[[Ctx], Req]:
    return lambda c: Req("GET", page(f"intake:{name}", _intake(c).pk, *args))


builds("intake:portal_resume", "GET")(_portal("portal_resume"))
builds("intake:portal_welcome", "GET")(_portal("portal_welcome"))
builds("intake:portal_welcome", "POST")(
    lambda c: Req("POST", page("intake:portal_welcome", _intake(c).pk), form={"action": "begin"})
)
builds("intake:portal_section", "GET")(_portal("portal_section", "about"))
builds("intake:portal_section", "POST")(
    lambda c: Req("POST", page("intake:portal_section", _intake(c).pk, "about"), form={"action": "begin"})
)
builds("intake:portal_item", "GET")(_portal("portal_item", "about-focus"))
builds("intake:portal_item", "POST")(
    lambda c: Req(
        "POST", page("intake:portal_item", _intake(c).pk, "about-focus"), form={"codes": "trust", "action": "next"}
    )
)
builds("intake:portal_support", "GET")(_portal("portal_support"))
builds("intake:portal_review", "GET")(_portal("portal_review"))
builds("intake:portal_review", "POST")(
    lambda c: Req("POST", page("intake:portal_review", _intake(c).pk), form={"submission_id": str(uuid.uuid4())})
)
builds("intake:portal_sent", "GET")(
    lambda c: Req("GET", page("intake:portal_sent", _intake(c, Intake.Status.SUBMITTED).pk))
)


@builds("intake:summary", "GET")
def _summary(c: Ctx) -> Req:
    _intake(c, Intake.Status.SUBMITTED)
    return Req("GET", page("intake:summary", c.client.pk))


builds("intake:send", "POST")(lambda c: Req("POST", page("intake:send", c.client.pk), form={}))
builds("intake:discuss", "POST")(
    lambda c: Req(
        "POST",
        page("intake:discuss", c.client.pk, _intake(c, Intake.Status.SUBMITTED).pk, "coercion"),
        form={"discussed": "on", "note": "Talked it through."},
    )
)

builds("api:intake_definition", "GET")(lambda c: Req("GET", api_path("intake_definition")))
builds("api:send_intake", "POST")(lambda c: Req("POST", api_path("send_intake", c.client.pk), body={}))


@builds("api:list_intakes", "GET")
def _list(c: Ctx) -> Req:
    _intake(c)
    return Req("GET", api_path("list_intakes", c.client.pk))


builds("api:get_intake", "GET")(lambda c: Req("GET", api_path("get_intake", _intake(c).pk)))
builds("api:answer_intake_item", "PUT")(
    lambda c: Req("PUT", api_path("answer_intake_item", _intake(c).pk, "rel-status"), body={"codes": ["dating"]})
)
builds("api:keep_intake_section", "POST")(
    lambda c: Req("POST", api_path("keep_intake_section", _intake(c).pk, "coercion"), body={"in_person": True})
)
builds("api:pause_intake", "POST")(
    lambda c: Req("POST", api_path("pause_intake", _intake(c).pk), body={"position": "rel-status"})
)
builds("api:submit_intake", "POST")(
    lambda c: Req("POST", api_path("submit_intake", _intake(c).pk), body={"submission_id": str(uuid.uuid4())})
)


@builds("api:intake_summary", "GET")
def _api_summary(c: Ctx) -> Req:
    _intake(c, Intake.Status.SUBMITTED)
    return Req("GET", api_path("intake_summary", c.client.pk))


builds("api:discuss_intake_section", "POST")(
    lambda c: Req(
        "POST",
        api_path("discuss_intake_section", _intake(c, Intake.Status.SUBMITTED).pk, "coercion"),
        body={"discussed": True, "note": "Talked it through."},
    )
)

TABLE = """
endpoint                        method target    dana eli alice bob carol frank sam ada rita anon
# --- intake: the client's portal pages -------------------------------------------------------------------
intake:portal_resume            GET    own        302 404  403  404  404   403  403 403  404  302
intake:portal_resume            GET    other      404 302  404  403  404   404  403 403  404  302
intake:portal_welcome           GET    own        200 404  403  404  404   403  403 403  404  302
intake:portal_welcome           GET    other      404 200  404  403  404   404  403 403  404  302
intake:portal_welcome           POST   own        302 404  403  404  404   403  403 403  404  302
intake:portal_welcome           POST   other      404 302  404  403  404   404  403 403  404  302
intake:portal_section           GET    own        200 404  403  404  404   403  403 403  404  302
intake:portal_section           GET    other      404 200  404  403  404   404  403 403  404  302
intake:portal_section           POST   own        302 404  403  404  404   403  403 403  404  302
intake:portal_section           POST   other      404 302  404  403  404   404  403 403  404  302
intake:portal_item              GET    own        200 404  403  404  404   403  403 403  404  302
intake:portal_item              GET    other      404 200  404  403  404   404  403 403  404  302
intake:portal_item              POST   own        302 404  403  404  404   403  403 403  404  302
intake:portal_item              POST   other      404 302  404  403  404   404  403 403  404  302
intake:portal_support           GET    own        200 404  403  404  404   403  403 403  404  302
intake:portal_support           GET    other      404 200  404  403  404   404  403 403  404  302
intake:portal_review            GET    own        200 404  403  404  404   403  403 403  404  302
intake:portal_review            GET    other      404 200  404  403  404   404  403 403  404  302
intake:portal_review            POST   own        302 404  403  404  404   403  403 403  404  302
intake:portal_review            POST   other      404 302  404  403  404   404  403 403  404  302
intake:portal_sent              GET    own        200 404  403  404  404   403  403 403  404  302
intake:portal_sent              GET    other      404 200  404  403  404   404  403 403  404  302
# --- intake: the care team's pages -----------------------------------------------------------------------
intake:summary                  GET    own        403 404  200  404  404   403  403 403  404  302
intake:summary                  GET    other      404 403  404  200  404   404  403 403  404  302
intake:send                     POST   own        403 404  302  404  404   403  403 403  404  302
intake:send                     POST   other      404 403  404  302  404   404  403 403  404  302
intake:discuss                  POST   own        403 404  302  404  404   403  403 403  404  302
intake:discuss                  POST   other      404 403  404  302  404   404  403 403  404  302
# --- intake: API ------------------------------------------------------------------------------------------
api:intake_definition           GET    -          200 200  200  200  200   200  200 200  200  401
api:send_intake                 POST   own        403 404  201  404  404   403  403 403  404  401
api:send_intake                 POST   other      404 403  404  201  404   404  403 403  404  401
api:list_intakes                GET    own        200 404  200  404  404   403  200 403  404  401
api:list_intakes                GET    other      404 200  404  200  404   404  200 403  404  401
api:get_intake                  GET    own        200 404  403  404  404   403  403 403  404  401
api:get_intake                  GET    other      404 200  404  403  404   404  403 403  404  401
api:answer_intake_item          PUT    own        200 404  403  404  404   403  403 403  404  401
api:answer_intake_item          PUT    other      404 200  404  403  404   404  403 403  404  401
api:keep_intake_section         POST   own        200 404  403  404  404   403  403 403  404  401
api:keep_intake_section         POST   other      404 200  404  403  404   404  403 403  404  401
api:pause_intake                POST   own        200 404  403  404  404   403  403 403  404  401
api:pause_intake                POST   other      404 200  404  403  404   404  403 403  404  401
api:submit_intake               POST   own        200 404  403  404  404   403  403 403  404  401
api:submit_intake               POST   other      404 200  404  403  404   404  403 403  404  401
api:intake_summary              GET    own        403 404  200  404  404   403  403 403  404  401
api:intake_summary              GET    other      404 403  404  200  404   404  403 403  404  401
api:discuss_intake_section      POST   own        403 404  200  404  404   403  403 403  404  401
api:discuss_intake_section      POST   other      404 403  404  200  404   404  403 403  404  401
"""
