"""Authorisation-matrix rows (SECURITY.md 3) for the diary, script maps and skills: the expected HTTP status of
every page and API operation of attune/diary and attune/skills, for every member of the standing cast. The columns
are those of tests/authz_matrix.py, and the builders below make each row's request (with the rows it needs, a canary
in every encrypted field).

Targets say whose thing the request is about:
  "-"      the caller's own diary in the portal (found from the signed-in user), or the skills library itself.
  own      dana's record; for a row: her PRIVATE entry, response practice or skill practice, her script on the map
           ("the Shield"), its new response (on the map) and her grounding phrase.
  shared   dana's record; for a row: her entry or skill practice SHARED with her care team.
  private  dana's own draft script, which only she can see.
  other    eli's record and his rows (a shared entry and practice, his script and new response on his map, his
           phrase).
Writes are sent with a valid payload, so a refusal is the policy's and not the form's.

Reading the rows: the care team (alice for dana, bob for eli) reads what is shared and drafts scripts, but never
writes the client's diary (403), and a private row does not exist for them (404, as for a row that was never
there). frank (dana's partner), sam (supervisor) and ada (admin) have a relationship without any diary permission:
403. Portal pages find the caller's own record: anyone without one gets 404. The skills catalogue sends clients and
partners to their own library (302).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.utils import timezone

from attune.diary.models import DiaryEntry, MapStatus, NewResponse, RelationshipScript
from attune.skills.models import GroundingPhrase, SkillPractice, SkillRecommendation
from tests.authz_requests import Ctx, Req, api_path, builds, page
from tests.cast import canary

TABLE = """
endpoint                        method target    dana eli alice bob carol frank sam ada rita anon
# --- diary pages: the client's own, in the portal ---------------------------------------------------------
diary:entries                   GET    -          200 200  404  404  404   404  404 404  404  302
diary:entries                   POST   -          200 200  404  404  404   404  404 404  404  302
diary:log                       GET    -          200 200  404  404  404   404  404 404  404  302
diary:log                       POST   -          302 302  404  404  404   404  404 404  404  302
diary:share_default             POST   -          302 302  404  404  404   404  404 404  404  302
diary:entry                     GET    own        200 404  404  404  404   404  404 404  404  302
diary:entry                     GET    shared     200 404  404  404  404   404  404 404  404  302
diary:entry                     GET    other      404 200  404  404  404   404  404 404  404  302
diary:entry                     POST   own        302 404  404  404  404   404  404 404  404  302
diary:entry                     POST   shared     302 404  404  404  404   404  404 404  404  302
diary:entry                     POST   other      404 302  404  404  404   404  404 404  404  302
diary:entry_delete              POST   own        302 404  404  404  404   404  404 404  404  302
diary:entry_delete              POST   shared     302 404  404  404  404   404  404 404  404  302
diary:entry_delete              POST   other      404 302  404  404  404   404  404 404  404  302
diary:map                       GET    -          200 200  404  404  404   404  404 404  404  302
diary:script_new                GET    -          200 200  404  404  404   404  404 404  404  302
diary:script_new                POST   -          302 302  404  404  404   404  404 404  404  302
diary:script                    GET    own        200 404  404  404  404   404  404 404  404  302
diary:script                    GET    private    200 404  404  404  404   404  404 404  404  302
diary:script                    GET    other      404 200  404  404  404   404  404 404  404  302
diary:script                    POST   own        302 404  404  404  404   404  404 404  404  302
diary:script                    POST   private    302 404  404  404  404   404  404 404  404  302
diary:script                    POST   other      404 302  404  404  404   404  404 404  404  302
diary:script_status             POST   own        302 404  404  404  404   404  404 404  404  302
diary:script_status             POST   private    302 404  404  404  404   404  404 404  404  302
diary:script_status             POST   other      404 302  404  404  404   404  404 404  404  302
diary:response_new              POST   own        302 404  404  404  404   404  404 404  404  302
diary:response_new              POST   other      404 302  404  404  404   404  404 404  404  302
diary:response_practice         GET    own        200 404  404  404  404   404  404 404  404  302
diary:response_practice         GET    other      404 200  404  404  404   404  404 404  404  302
diary:response_practice         POST   own        302 404  404  404  404   404  404 404  404  302
diary:response_practice         POST   other      404 302  404  404  404   404  404 404  404  302
diary:response_status           POST   own        302 404  404  404  404   404  404 404  404  302
diary:response_status           POST   other      404 302  404  404  404   404  404 404  404  302
diary:insights                  GET    -          200 200  404  404  404   404  404 404  404  302
# --- diary pages: the care team's, under the client record ------------------------------------------------
diary:client_diary              GET    own        200 404  200  404  404   403  403 403  404  302
diary:client_diary              GET    other      404 200  404  200  404   404  403 403  404  302
diary:client_diary              POST   own        200 404  200  404  404   403  403 403  404  302
diary:client_diary              POST   other      404 200  404  200  404   404  403 403  404  302
diary:client_entry              GET    own        200 404  404  404  404   403  403 403  404  302
diary:client_entry              GET    shared     200 404  200  404  404   403  403 403  404  302
diary:client_entry              GET    other      404 200  404  200  404   404  403 403  404  302
diary:client_map                GET    own        200 404  200  404  404   403  403 403  404  302
diary:client_map                GET    other      404 200  404  200  404   404  403 403  404  302
diary:client_script_new         GET    own        200 404  200  404  404   403  403 403  404  302
diary:client_script_new         GET    other      404 200  404  200  404   404  403 403  404  302
diary:client_script_new         POST   own        302 404  302  404  404   403  403 403  404  302
diary:client_script_new         POST   other      404 302  404  302  404   404  403 403  404  302
diary:client_script             GET    own        200 404  200  404  404   403  403 403  404  302
diary:client_script             GET    private    200 404  404  404  404   403  403 403  404  302
diary:client_script             GET    other      404 200  404  200  404   404  403 403  404  302
diary:client_script             POST   own        302 404  403  404  404   403  403 403  404  302
diary:client_script             POST   private    302 404  404  404  404   403  403 403  404  302
diary:client_script             POST   other      404 302  404  403  404   404  403 403  404  302
diary:client_response_new       POST   own        302 404  302  404  404   403  403 403  404  302
diary:client_response_new       POST   private    302 404  404  404  404   403  403 403  404  302
diary:client_response_new       POST   other      404 302  404  302  404   404  403 403  404  302
diary:client_insights           GET    own        200 404  200  404  404   403  403 403  404  302
diary:client_insights           GET    other      404 200  404  200  404   404  403 403  404  302
# --- skills pages -----------------------------------------------------------------------------------------
skills:library                  GET    -          200 200  404  404  404   404  404 404  404  302
skills:skill                    GET    -          200 200  404  404  404   404  404 404  404  302
skills:skill                    POST   -          302 302  404  404  404   404  404 404  404  302
skills:phrase_add               POST   -          302 302  404  404  404   404  404 404  404  302
skills:phrase_delete            POST   own        302 404  404  404  404   404  404 404  404  302
skills:phrase_delete            POST   other      404 302  404  404  404   404  404 404  404  302
skills:catalogue                GET    -          302 302  200  200  200   302  200 200  200  302
skills:catalogue_skill          GET    -          302 302  200  200  200   302  200 200  200  302
skills:client_skills            GET    own        200 404  200  404  404   403  403 403  404  302
skills:client_skills            GET    other      404 200  404  200  404   404  403 403  404  302
skills:client_skills            POST   own        403 404  302  404  404   403  403 403  404  302
skills:client_skills            POST   other      404 403  404  302  404   404  403 403  404  302
skills:client_withdraw          POST   own        403 404  302  404  404   403  403 403  404  302
skills:client_withdraw          POST   other      404 403  404  302  404   404  403 403  404  302
# --- API: diary entries and settings ----------------------------------------------------------------------
api:list_diary_entries          GET    own        200 404  200  404  404   403  403 403  404  401
api:list_diary_entries          GET    other      404 200  404  200  404   404  403 403  404  401
api:search_diary_entries        POST   own        200 404  200  404  404   403  403 403  404  401
api:search_diary_entries        POST   other      404 200  404  200  404   404  403 403  404  401
api:create_diary_entry          POST   own        201 404  403  404  404   403  403 403  404  401
api:create_diary_entry          POST   other      404 201  404  403  404   404  403 403  404  401
api:get_diary_entry             GET    own        200 404  404  404  404   403  403 403  404  401
api:get_diary_entry             GET    shared     200 404  200  404  404   403  403 403  404  401
api:get_diary_entry             GET    other      404 200  404  200  404   404  403 403  404  401
api:update_diary_entry          PATCH  own        200 404  403  404  404   403  403 403  404  401
api:update_diary_entry          PATCH  shared     200 404  403  404  404   403  403 403  404  401
api:update_diary_entry          PATCH  other      404 200  404  403  404   404  403 403  404  401
api:delete_diary_entry          DELETE own        204 404  403  404  404   403  403 403  404  401
api:delete_diary_entry          DELETE shared     204 404  403  404  404   403  403 403  404  401
api:delete_diary_entry          DELETE other      404 204  404  403  404   404  403 403  404  401
api:get_diary_settings          GET    own        200 404  403  404  404   403  403 403  404  401
api:get_diary_settings          GET    other      404 200  404  403  404   404  403 403  404  401
api:update_diary_settings       PUT    own        200 404  403  404  404   403  403 403  404  401
api:update_diary_settings       PUT    other      404 200  404  403  404   404  403 403  404  401
# --- API: scripts, new responses and practice logs --------------------------------------------------------
api:list_scripts                GET    own        200 404  200  404  404   403  403 403  404  401
api:list_scripts                GET    other      404 200  404  200  404   404  403 403  404  401
api:create_script               POST   own        201 404  201  404  404   403  403 403  404  401
api:create_script               POST   other      404 201  404  201  404   404  403 403  404  401
api:get_script                  GET    own        200 404  200  404  404   403  403 403  404  401
api:get_script                  GET    private    200 404  404  404  404   403  403 403  404  401
api:get_script                  GET    other      404 200  404  200  404   404  403 403  404  401
api:update_script               PATCH  own        200 404  403  404  404   403  403 403  404  401
api:update_script               PATCH  private    200 404  404  404  404   403  403 403  404  401
api:update_script               PATCH  other      404 200  404  403  404   404  403 403  404  401
api:set_script_status           POST   own        200 404  403  404  404   403  403 403  404  401
api:set_script_status           POST   private    200 404  403  404  404   403  403 403  404  401
api:set_script_status           POST   other      404 200  404  403  404   404  403 403  404  401
api:create_new_response         POST   own        201 404  201  404  404   403  403 403  404  401
api:create_new_response         POST   private    201 404  404  404  404   403  403 403  404  401
api:create_new_response         POST   other      404 201  404  201  404   404  403 403  404  401
api:update_new_response         PATCH  own        200 404  403  404  404   403  403 403  404  401
api:update_new_response         PATCH  other      404 200  404  403  404   404  403 403  404  401
api:set_new_response_status     POST   own        200 404  403  404  404   403  403 403  404  401
api:set_new_response_status     POST   other      404 200  404  403  404   404  403 403  404  401
api:list_response_practice      GET    own        200 404  200  404  404   403  403 403  404  401
api:list_response_practice      GET    other      404 200  404  200  404   404  403 403  404  401
api:log_response_practice       POST   own        201 404  403  404  404   403  403 403  404  401
api:log_response_practice       POST   other      404 201  404  403  404   404  403 403  404  401
api:get_insights                GET    own        200 404  200  404  404   403  403 403  404  401
api:get_insights                GET    other      404 200  404  200  404   404  403 403  404  401
# --- API: skills ------------------------------------------------------------------------------------------
api:list_skills                 GET    -          200 200  200  200  200   200  200 200  200  401
api:get_skill                   GET    -          200 200  200  200  200   200  200 200  200  401
api:list_recommendations        GET    own        200 404  200  404  404   403  403 403  404  401
api:list_recommendations        GET    other      404 200  404  200  404   404  403 403  404  401
api:recommend_skill             POST   own        403 404  201  404  404   403  403 403  404  401
api:recommend_skill             POST   other      404 403  404  201  404   404  403 403  404  401
api:withdraw_recommendation     DELETE own        403 404  204  404  404   403  403 403  404  401
api:withdraw_recommendation     DELETE other      404 403  404  204  404   404  403 403  404  401
api:list_skill_practices        GET    own        200 404  200  404  404   403  403 403  404  401
api:list_skill_practices        GET    other      404 200  404  200  404   404  403 403  404  401
api:record_skill_practice       POST   own        201 404  403  404  404   403  403 403  404  401
api:record_skill_practice       POST   other      404 201  404  403  404   404  403 403  404  401
api:update_skill_practice       PATCH  own        200 404  403  404  404   403  403 403  404  401
api:update_skill_practice       PATCH  shared     200 404  403  404  404   403  403 403  404  401
api:update_skill_practice       PATCH  other      404 200  404  403  404   404  403 403  404  401
api:list_phrases                GET    own        200 404  403  404  404   403  403 403  404  401
api:list_phrases                GET    other      404 200  404  403  404   404  403 403  404  401
api:add_phrase                  POST   own        201 404  403  404  404   403  403 403  404  401
api:add_phrase                  POST   other      404 201  404  403  404   404  403 403  404  401
api:delete_phrase               DELETE own        204 404  403  404  404   403  403 403  404  401
api:delete_phrase               DELETE other      404 204  404  403  404   404  403 403  404  401
"""


# --- the rows a request is about --------------------------------------------------------------------------------


def _owner(c: Ctx) -> Any:
    return c.cast.client("eli" if c.target == "other" else "dana")


def _entry(c: Ctx) -> DiaryEntry:
    """own: dana's private entry; shared: her shared one; other: eli's shared one."""
    entry = DiaryEntry(
        client=_owner(c),
        key=uuid.uuid4(),
        fingerprint="0" * 64,
        trigger_kind="tone",
        distress_before=60,
        trigger_words=canary("diaryentry", "trigger_words"),
        what_i_did=canary("diaryentry", "what_i_did"),
        note=canary("diaryentry", "note"),
        shared=c.target != "own",
    )
    entry.save()
    return entry


def _script(c: Ctx) -> RelationshipScript:
    """own and other: a script on the client's map (drafted with the clinician); private: dana's own draft."""
    private = c.target == "private"
    script = RelationshipScript(
        client=_owner(c),
        status=MapStatus.DRAFT if private else MapStatus.ON_MAP,
        drafted_by_client=private,
        name=canary("relationshipscript", "name"),
        protects=canary("relationshipscript", "protects"),
        costs=canary("relationshipscript", "costs"),
        approved_at=None if private else timezone.now(),
    )
    script.save()
    return script


def _response(c: Ctx) -> NewResponse:
    script = _script(c)
    response = NewResponse(
        client=script.client, script=script, status=MapStatus.ON_MAP, description=canary("newresponse", "description")
    )
    response.save()
    return response


def _skill_practice(c: Ctx) -> SkillPractice:
    practice = SkillPractice(
        client=_owner(c),
        skill="body-scan",
        key=uuid.uuid4(),
        fingerprint="0" * 64,
        distress_before=50,
        note=canary("skillpractice", "note"),
        shared=c.target != "own",
    )
    practice.save()
    return practice


def _phrase(c: Ctx) -> GroundingPhrase:
    phrase = GroundingPhrase(client=_owner(c), text=canary("groundingphrase", "text"))
    phrase.save()
    return phrase


def _recommended(c: Ctx) -> str:
    SkillRecommendation.objects.create(client=_owner(c), skill="paced-breathing", recommended_by=c.cast.alice)
    return "paced-breathing"


def _when() -> str:
    return timezone.localtime().strftime("%Y-%m-%dT%H:%M")


def _entry_form(c: Ctx, entry: DiaryEntry | None = None) -> dict[str, Any]:
    form = {"trigger_kind": "place", "distress_before": "40", "occurred_at": _when()}
    if entry is None:
        form["key"] = str(uuid.uuid4())
    else:
        form["version"] = str(entry.version)
    return form


def _status_for(script: RelationshipScript) -> dict[str, str]:
    return {"status": "on_map" if script.status == MapStatus.DRAFT else "set_aside"}


# --- diary pages --------------------------------------------------------------------------------------------------

for _name in ("diary:entries", "diary:log", "diary:map", "diary:script_new", "diary:insights", "skills:library"):
    builds(_name, "GET")(lambda c, name=_name: Req("GET", page(name)))
builds("diary:log", "POST")(lambda c: Req("POST", page("diary:log"), form=_entry_form(c)))
builds("diary:entries", "POST")(lambda c: Req("POST", page("diary:entries"), form={"q": "a"}))
builds("diary:share_default", "POST")(
    lambda c: Req("POST", page("diary:share_default"), form={"share_by_default": "on"})
)
builds("diary:entry", "GET")(lambda c: Req("GET", page("diary:entry", _entry(c).pk)))


@builds("diary:entry", "POST")
def _entry_edit(c: Ctx) -> Req:
    entry = _entry(c)
    return Req("POST", page("diary:entry", entry.pk), form=_entry_form(c, entry))


builds("diary:entry_delete", "POST")(lambda c: Req("POST", page("diary:entry_delete", _entry(c).pk), form={}))
builds("diary:script_new", "POST")(lambda c: Req("POST", page("diary:script_new"), form={"name": "the Fog"}))
builds("diary:script", "GET")(lambda c: Req("GET", page("diary:script", _script(c).pk)))


@builds("diary:script", "POST")
def _script_edit(c: Ctx) -> Req:
    script = _script(c)
    return Req("POST", page("diary:script", script.pk), form={"name": "a new name", "version": str(script.version)})


@builds("diary:script_status", "POST")
def _script_status(c: Ctx) -> Req:
    script = _script(c)
    return Req("POST", page("diary:script_status", script.pk), form=_status_for(script))


builds("diary:response_new", "POST")(
    lambda c: Req("POST", page("diary:response_new", _script(c).pk), form={"description": "Pause first"})
)
builds("diary:response_practice", "GET")(lambda c: Req("GET", page("diary:response_practice", _response(c).pk)))
builds("diary:response_practice", "POST")(
    lambda c: Req(
        "POST", page("diary:response_practice", _response(c).pk), form={"key": str(uuid.uuid4()), "outcome": "helped"}
    )
)
builds("diary:response_status", "POST")(
    lambda c: Req("POST", page("diary:response_status", _response(c).pk), form={"status": "set_aside"})
)
builds("diary:client_diary", "GET")(lambda c: Req("GET", page("diary:client_diary", _owner(c).pk)))
builds("diary:client_diary", "POST")(lambda c: Req("POST", page("diary:client_diary", _owner(c).pk), form={"q": "a"}))
builds("diary:client_entry", "GET")(lambda c: Req("GET", page("diary:client_entry", _owner(c).pk, _entry(c).pk)))
builds("diary:client_map", "GET")(lambda c: Req("GET", page("diary:client_map", _owner(c).pk)))
builds("diary:client_script_new", "GET")(lambda c: Req("GET", page("diary:client_script_new", _owner(c).pk)))
builds("diary:client_script_new", "POST")(
    lambda c: Req("POST", page("diary:client_script_new", _owner(c).pk), form={"name": "the Mask"})
)
builds("diary:client_script", "GET")(lambda c: Req("GET", page("diary:client_script", _owner(c).pk, _script(c).pk)))


@builds("diary:client_script", "POST")
def _client_script_edit(c: Ctx) -> Req:
    script = _script(c)
    form = {"name": "a new name", "version": str(script.version)}
    return Req("POST", page("diary:client_script", _owner(c).pk, script.pk), form=form)


builds("diary:client_response_new", "POST")(
    lambda c: Req(
        "POST", page("diary:client_response_new", _owner(c).pk, _script(c).pk), form={"description": "Ask for a pause"}
    )
)
builds("diary:client_insights", "GET")(lambda c: Req("GET", page("diary:client_insights", _owner(c).pk)))

# --- skills pages -------------------------------------------------------------------------------------------------

builds("skills:skill", "GET")(lambda c: Req("GET", page("skills:skill", "paced-breathing")))
builds("skills:skill", "POST")(
    lambda c: Req(
        "POST",
        page("skills:skill", "paced-breathing"),
        form={"key": str(uuid.uuid4()), "variant": "box", "rate_after": "on", "distress_after": "20"},
    )
)
builds("skills:phrase_add", "POST")(lambda c: Req("POST", page("skills:phrase_add"), form={"text": "Here and now."}))
builds("skills:phrase_delete", "POST")(lambda c: Req("POST", page("skills:phrase_delete", _phrase(c).pk), form={}))
builds("skills:catalogue", "GET")(lambda c: Req("GET", page("skills:catalogue")))
builds("skills:catalogue_skill", "GET")(lambda c: Req("GET", page("skills:catalogue_skill", "body-scan")))
builds("skills:client_skills", "GET")(lambda c: Req("GET", page("skills:client_skills", _owner(c).pk)))
builds("skills:client_skills", "POST")(
    lambda c: Req("POST", page("skills:client_skills", _owner(c).pk), form={"skill": "body-scan"})
)
builds("skills:client_withdraw", "POST")(
    lambda c: Req("POST", page("skills:client_withdraw", _owner(c).pk, _recommended(c)), form={})
)

# --- API ----------------------------------------------------------------------------------------------------------

builds("api:list_diary_entries", "GET")(lambda c: Req("GET", api_path("list_diary_entries", _owner(c).pk)))
builds("api:search_diary_entries", "POST")(
    lambda c: Req("POST", api_path("search_diary_entries", _owner(c).pk), body={"q": "a"})
)
builds("api:create_diary_entry", "POST")(
    lambda c: Req(
        "POST",
        api_path("create_diary_entry", _owner(c).pk),
        body={"key": str(uuid.uuid4()), "trigger_kind": "tone", "distress_before": 30},
    )
)
builds("api:get_diary_entry", "GET")(lambda c: Req("GET", api_path("get_diary_entry", _owner(c).pk, _entry(c).pk)))
builds("api:update_diary_entry", "PATCH")(
    lambda c: Req("PATCH", api_path("update_diary_entry", _owner(c).pk, _entry(c).pk), body={"distress_after": 10})
)
builds("api:delete_diary_entry", "DELETE")(
    lambda c: Req("DELETE", api_path("delete_diary_entry", _owner(c).pk, _entry(c).pk))
)
builds("api:get_diary_settings", "GET")(lambda c: Req("GET", api_path("get_diary_settings", _owner(c).pk)))
builds("api:update_diary_settings", "PUT")(
    lambda c: Req("PUT", api_path("update_diary_settings", _owner(c).pk), body={"share_by_default": True})
)
builds("api:list_scripts", "GET")(lambda c: Req("GET", api_path("list_scripts", _owner(c).pk)))
builds("api:create_script", "POST")(
    lambda c: Req("POST", api_path("create_script", _owner(c).pk), body={"name": "the Wall"})
)
builds("api:get_script", "GET")(lambda c: Req("GET", api_path("get_script", _owner(c).pk, _script(c).pk)))
builds("api:update_script", "PATCH")(
    lambda c: Req("PATCH", api_path("update_script", _owner(c).pk, _script(c).pk), body={"costs": "time"})
)


@builds("api:set_script_status", "POST")
def _api_script_status(c: Ctx) -> Req:
    script = _script(c)
    return Req("POST", api_path("set_script_status", _owner(c).pk, script.pk), body=_status_for(script))


builds("api:create_new_response", "POST")(
    lambda c: Req("POST", api_path("create_new_response", _owner(c).pk, _script(c).pk), body={"description": "Name it"})
)
builds("api:update_new_response", "PATCH")(
    lambda c: Req(
        "PATCH", api_path("update_new_response", _owner(c).pk, _response(c).pk), body={"description": "Name it aloud"}
    )
)
builds("api:set_new_response_status", "POST")(
    lambda c: Req(
        "POST", api_path("set_new_response_status", _owner(c).pk, _response(c).pk), body={"status": "set_aside"}
    )
)
builds("api:list_response_practice", "GET")(
    lambda c: Req("GET", api_path("list_response_practice", _owner(c).pk, _response(c).pk))
)
builds("api:log_response_practice", "POST")(
    lambda c: Req(
        "POST", api_path("log_response_practice", _owner(c).pk, _response(c).pk), body={"key": str(uuid.uuid4())}
    )
)
builds("api:get_insights", "GET")(lambda c: Req("GET", api_path("get_insights", _owner(c).pk)))
builds("api:list_skills", "GET")(lambda c: Req("GET", api_path("list_skills")))
builds("api:get_skill", "GET")(lambda c: Req("GET", api_path("get_skill", "body-scan")))
builds("api:list_recommendations", "GET")(lambda c: Req("GET", api_path("list_recommendations", _owner(c).pk)))
builds("api:recommend_skill", "POST")(
    lambda c: Req("POST", api_path("recommend_skill", _owner(c).pk), body={"skill": "body-scan"})
)
builds("api:withdraw_recommendation", "DELETE")(
    lambda c: Req("DELETE", api_path("withdraw_recommendation", _owner(c).pk, _recommended(c)))
)
builds("api:list_skill_practices", "GET")(lambda c: Req("GET", api_path("list_skill_practices", _owner(c).pk)))
builds("api:record_skill_practice", "POST")(
    lambda c: Req(
        "POST",
        api_path("record_skill_practice", _owner(c).pk),
        body={"key": str(uuid.uuid4()), "skill": "grounding-54321", "distress_before": 40},
    )
)
builds("api:update_skill_practice", "PATCH")(
    lambda c: Req(
        "PATCH", api_path("update_skill_practice", _owner(c).pk, _skill_practice(c).pk), body={"distress_after": 20}
    )
)
builds("api:list_phrases", "GET")(lambda c: Req("GET", api_path("list_phrases", _owner(c).pk)))
builds("api:add_phrase", "POST")(lambda c: Req("POST", api_path("add_phrase", _owner(c).pk), body={"text": "Here."}))
builds("api:delete_phrase", "DELETE")(lambda c: Req("DELETE", api_path("delete_phrase", _owner(c).pk, _phrase(c).pk)))
