"""Authorisation rows and requests for questionnaires (issue 4).

Targets: own = a questionnaire of dana's; other = one of eli's. Portal pages answer a questionnaire sent to the
client's portal; session pages one a clinician is giving in session. A client answers only in the portal, a
clinician only in session: the other way round is 403. Scores are for the care team and supervisors; practice
admins see none; partners nothing.
"""

from __future__ import annotations

import uuid
from typing import Any

from attune.questionnaires.models import Answer, Response
from tests.authz_requests import Ctx, Req, api_path, builds, checks_fields, page


def _response(c: Ctx, mode: str = Response.Mode.PORTAL, status: str = Response.Status.IN_PROGRESS) -> Response:
    return Response.objects.create(client=c.client, instrument="gad7", mode=mode, status=status, notice_seen=True)


def _completed(c: Ctx) -> Response:
    response = _response(c, status=Response.Status.COMPLETED)
    response.scored, response.total, response.submission_key = True, 3, uuid.uuid4()
    response.save()
    return response


builds("questionnaires:portal_list", "GET")(lambda c: Req("GET", page("questionnaires:portal_list")))
builds("questionnaires:portal_resume", "GET")(
    lambda c: Req("GET", page("questionnaires:portal_resume", _response(c).pk))
)
builds("questionnaires:portal_notice", "GET")(
    lambda c: Req("GET", page("questionnaires:portal_notice", _response(c).pk))
)
builds("questionnaires:portal_notice", "POST")(
    lambda c: Req("POST", page("questionnaires:portal_notice", _response(c).pk), form={})
)
builds("questionnaires:portal_item", "GET")(
    lambda c: Req("GET", page("questionnaires:portal_item", _response(c).pk, "gad7-1"))
)
builds("questionnaires:portal_item", "POST")(
    lambda c: Req("POST", page("questionnaires:portal_item", _response(c).pk, "gad7-1"), form={"answer": "1"})
)
builds("questionnaires:portal_review", "GET")(
    lambda c: Req("GET", page("questionnaires:portal_review", _response(c).pk))
)
builds("questionnaires:portal_review", "POST")(
    lambda c: Req(
        "POST", page("questionnaires:portal_review", _response(c).pk), form={"submission_id": str(uuid.uuid4())}
    )
)
builds("questionnaires:portal_done", "GET")(lambda c: Req("GET", page("questionnaires:portal_done", _completed(c).pk)))


def _session(c: Ctx) -> Response:
    return _response(c, mode=Response.Mode.IN_SESSION)


builds("questionnaires:session_resume", "GET")(
    lambda c: Req("GET", page("questionnaires:session_resume", _session(c).pk))
)
builds("questionnaires:session_notice", "GET")(
    lambda c: Req("GET", page("questionnaires:session_notice", _session(c).pk))
)
builds("questionnaires:session_notice", "POST")(
    lambda c: Req("POST", page("questionnaires:session_notice", _session(c).pk), form={})
)
builds("questionnaires:session_item", "GET")(
    lambda c: Req("GET", page("questionnaires:session_item", _session(c).pk, "gad7-1"))
)
builds("questionnaires:session_item", "POST")(
    lambda c: Req("POST", page("questionnaires:session_item", _session(c).pk, "gad7-1"), form={"answer": "2"})
)
builds("questionnaires:session_review", "GET")(
    lambda c: Req("GET", page("questionnaires:session_review", _session(c).pk))
)
builds("questionnaires:session_review", "POST")(
    lambda c: Req(
        "POST", page("questionnaires:session_review", _session(c).pk), form={"submission_id": str(uuid.uuid4())}
    )
)
builds("questionnaires:client_measures", "GET")(
    lambda c: Req("GET", page("questionnaires:client_measures", c.client.pk))
)
builds("questionnaires:assign", "POST")(
    lambda c: Req("POST", page("questionnaires:assign", c.client.pk), form={"instrument": "phq9", "action": "send"})
)
builds("questionnaires:response", "GET")(
    lambda c: Req("GET", page("questionnaires:response", c.client.pk, _completed(c).pk))
)

builds("api:list_instruments", "GET")(lambda c: Req("GET", api_path("list_instruments")))
builds("api:instrument_fhir", "GET")(lambda c: Req("GET", api_path("instrument_fhir", "pcl5")))
builds("api:start_response", "POST")(
    lambda c: Req("POST", api_path("start_response", c.client.pk), body={"instrument": "gad7"})
)
builds("api:assign_response", "POST")(
    lambda c: Req("POST", api_path("assign_response", c.client.pk), body={"instrument": "gad7"})
)
builds("api:get_response", "GET")(lambda c: Req("GET", api_path("get_response", _response(c).pk)))
builds("api:answer_item", "PUT")(
    lambda c: Req("PUT", api_path("answer_item", _response(c).pk, "gad7-1"), body={"value": 1})
)
builds("api:pause_response", "POST")(
    lambda c: Req("POST", api_path("pause_response", _response(c).pk), body={"position": "gad7-2"})
)
builds("api:submit_response", "POST")(
    lambda c: Req("POST", api_path("submit_response", _response(c).pk), body={"submission_id": str(uuid.uuid4())})
)


def _answered(c: Ctx) -> Response:
    """A completed response with an item-level answer, so that a list that leaks answers shows one."""
    response = _completed(c)
    Answer.objects.create(response=response, client=c.client, link_id="gad7-1", value=2)
    return response


builds("api:list_scores", "GET")(lambda c: Req("GET", api_path("list_scores", _answered(c).client_id)))

# Item-level answers only for whoever holds measures.view_answers (the client and the care team): a supervisor
# reads the scores with every answer left out.
ANSWER_READERS = {"dana", "eli", "alice", "bob"}


@checks_fields("api:list_scores", "GET")
def _scores_answers(actor: str, response: Any) -> list[str]:
    rows = response.json()
    if not rows:
        return [f"{actor}: the list of scores is empty, so the answers check could not fail"]
    answered = [r for r in rows if r["answers"]]
    if actor in ANSWER_READERS and not answered:
        return [f"{actor}: holds measures.view_answers but got no answers"]
    if actor not in ANSWER_READERS and answered:
        return [f"{actor}: got item-level answers without measures.view_answers"]
    return []


builds("api:response_fhir", "GET")(lambda c: Req("GET", api_path("response_fhir", _completed(c).pk)))
builds("api:import_response_fhir", "POST")(
    lambda c: Req(
        "POST",
        api_path("import_response_fhir", c.client.pk),
        body={
            "resourceType": "QuestionnaireResponse",
            "status": "completed",
            "questionnaire": "urn:attune:fhir:Questionnaire:gad7",
            "item": [{"linkId": "gad7-1", "answer": [{"valueInteger": 1}]}],
        },
    )
)

TABLE = """
endpoint                        method target    dana eli alice bob carol frank sam ada rita anon
api:answer_item                 PUT    other      404 200   404 403   404   404 403 403  404  401
api:answer_item                 PUT    own        200 404   403 404   404   403 403 403  404  401
api:assign_response             POST   other      404 403   404 201   404   404 403 403  404  401
api:assign_response             POST   own        403 404   201 404   404   403 403 403  404  401
api:get_response                GET    other      404 200   404 200   404   404 403 403  404  401
api:get_response                GET    own        200 404   200 404   404   403 403 403  404  401
api:import_response_fhir        POST   other      404 403   404 201   404   404 403 403  404  401
api:import_response_fhir        POST   own        403 404   201 404   404   403 403 403  404  401
api:instrument_fhir             GET    -          200 200   200 200   200   200 200 200  200  401
api:list_instruments            GET    -          200 200   200 200   200   200 200 200  200  401
api:list_scores                 GET    other      404 403   404 200   404   404 200 403  404  401
api:list_scores                 GET    own        403 404   200 404   404   403 200 403  404  401
api:pause_response              POST   other      404 200   404 403   404   404 403 403  404  401
api:pause_response              POST   own        200 404   403 404   404   403 403 403  404  401
api:response_fhir               GET    other      404 403   404 200   404   404 403 403  404  401
api:response_fhir               GET    own        403 404   200 404   404   403 403 403  404  401
api:start_response              POST   other      404 201   404 201   404   404 403 403  404  401
api:start_response              POST   own        201 404   201 404   404   403 403 403  404  401
api:submit_response             POST   other      404 200   404 403   404   404 403 403  404  401
api:submit_response             POST   own        200 404   403 404   404   403 403 403  404  401
questionnaires:assign           POST   other      404 403   404 302   404   404 403 403  404  302
questionnaires:assign           POST   own        403 404   302 404   404   403 403 403  404  302
questionnaires:client_measures  GET    other      404 403   404 200   404   404 200 403  404  302
questionnaires:client_measures  GET    own        403 404   200 404   404   403 200 403  404  302
questionnaires:portal_done      GET    other      404 200   404 403   404   404 403 403  404  302
questionnaires:portal_done      GET    own        200 404   403 404   404   403 403 403  404  302
questionnaires:portal_item      GET    other      404 200   404 403   404   404 403 403  404  302
questionnaires:portal_item      GET    own        200 404   403 404   404   403 403 403  404  302
questionnaires:portal_item      POST   other      404 302   404 403   404   404 403 403  404  302
questionnaires:portal_item      POST   own        302 404   403 404   404   403 403 403  404  302
questionnaires:portal_list      GET    -          200 200   404 404   404   404 404 404  404  302
questionnaires:portal_notice    GET    other      404 200   404 403   404   404 403 403  404  302
questionnaires:portal_notice    GET    own        200 404   403 404   404   403 403 403  404  302
questionnaires:portal_notice    POST   other      404 302   404 403   404   404 403 403  404  302
questionnaires:portal_notice    POST   own        302 404   403 404   404   403 403 403  404  302
questionnaires:portal_resume    GET    other      404 302   404 403   404   404 403 403  404  302
questionnaires:portal_resume    GET    own        302 404   403 404   404   403 403 403  404  302
questionnaires:portal_review    GET    other      404 200   404 403   404   404 403 403  404  302
questionnaires:portal_review    GET    own        200 404   403 404   404   403 403 403  404  302
questionnaires:portal_review    POST   other      404 302   404 403   404   404 403 403  404  302
questionnaires:portal_review    POST   own        302 404   403 404   404   403 403 403  404  302
questionnaires:response         GET    other      404 403   404 200   404   404 200 403  404  302
questionnaires:response         GET    own        403 404   200 404   404   403 200 403  404  302
questionnaires:session_item     GET    other      404 403   404 200   404   404 403 403  404  302
questionnaires:session_item     GET    own        403 404   200 404   404   403 403 403  404  302
questionnaires:session_item     POST   other      404 403   404 302   404   404 403 403  404  302
questionnaires:session_item     POST   own        403 404   302 404   404   403 403 403  404  302
questionnaires:session_notice   GET    other      404 403   404 200   404   404 403 403  404  302
questionnaires:session_notice   GET    own        403 404   200 404   404   403 403 403  404  302
questionnaires:session_notice   POST   other      404 403   404 302   404   404 403 403  404  302
questionnaires:session_notice   POST   own        403 404   302 404   404   403 403 403  404  302
questionnaires:session_resume   GET    other      404 403   404 302   404   404 403 403  404  302
questionnaires:session_resume   GET    own        403 404   302 404   404   403 403 403  404  302
questionnaires:session_review   GET    other      404 403   404 200   404   404 403 403  404  302
questionnaires:session_review   GET    own        403 404   200 404   404   403 403 403  404  302
questionnaires:session_review   POST   other      404 403   404 302   404   404 403 403  404  302
questionnaires:session_review   POST   own        403 404   302 404   404   403 403 403  404  302
"""
