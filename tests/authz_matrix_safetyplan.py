"""Authorisation-matrix rows (SECURITY.md 3) for the safety plan and the support network: the expected HTTP status of
every page and API operation of attune/safetyplan, for every member of the standing cast. The columns are those of
tests/authz_matrix.py; the builders below make each row's request, with the plan it needs (a canary in every field).

Targets say whose thing the request is about:
  "-"      the caller's own plan in the portal (found from the signed-in user).
  own      dana's plan, which she shares with her care team (alice) as "the suicide-safety part only"; for a row:
           one of its versions, or a person in her support network. The step asked for is a suicide-safety step.
  private  dana's plan, asking for its relationship-safety part, which she does not share: alice gets 404, as
           for something that does not exist.
  granted  dana's plan while she grants her partner frank EVERY sharing category there is: frank is still refused,
           with the same answer as without any grant (no permission of this app names a partner).
  other    eli's plan (shared in full with bob) and its rows.
Writes are sent with a valid payload, so a refusal is the policy's and not the form's.

Reading the rows: the care team reads and edits the parts shared with them and marks the plan reviewed; only the
client restores versions, chooses what is shared and keeps the support network. frank (dana's partner), sam
(supervisor) and ada (admin) have a relationship without any permission of this app: 403, whether or not a plan
exists. Portal pages find the caller's own record: anyone without one gets 404.
"""

from __future__ import annotations

from typing import Any

from attune.core import policy
from attune.core.models import SharingGrant
from attune.safetyplan import perms, services
from attune.safetyplan.models import PlanVersion, SafetyPlan, Sharing, SupportPerson
from tests.authz_requests import Ctx, Req, api_path, builds, page
from tests.cast import canary

TABLE = """
endpoint                        method target    dana eli alice bob carol frank sam ada rita anon
# --- pages: the client's own plan, in the portal ------------------------------------------------------------
safetyplan:plan                 GET    -          200 200  404  404  404   404  404 404  404  302
safetyplan:step                 GET    -          200 200  404  404  404   404  404 404  404  302
safetyplan:step                 POST   -          302 302  404  404  404   404  404 404  404  302
safetyplan:sharing              POST   -          302 302  404  404  404   404  404 404  404  302
safetyplan:versions             GET    -          200 200  404  404  404   404  404 404  404  302
safetyplan:version              GET    own        200 404  404  404  404   404  404 404  404  302
safetyplan:version              GET    other      404 200  404  404  404   404  404 404  404  302
safetyplan:restore              POST   own        302 404  404  404  404   404  404 404  404  302
safetyplan:restore              POST   other      404 302  404  404  404   404  404 404  404  302
safetyplan:network              GET    -          200 200  404  404  404   404  404 404  404  302
safetyplan:network              POST   -          302 302  404  404  404   404  404 404  404  302
safetyplan:person               GET    own        200 404  404  404  404   404  404 404  404  302
safetyplan:person               GET    other      404 200  404  404  404   404  404 404  404  302
safetyplan:person               POST   own        302 404  404  404  404   404  404 404  404  302
safetyplan:person               POST   other      404 302  404  404  404   404  404 404  404  302
safetyplan:person_delete        POST   own        302 404  404  404  404   404  404 404  404  302
safetyplan:person_delete        POST   other      404 302  404  404  404   404  404 404  404  302
safetyplan:print                GET    -          200 200  404  404  404   404  404 404  404  302
safetyplan:pdf                  GET    -          200 200  404  404  404   404  404 404  404  302
# --- pages: the care team's, under the client record ------------------------------------------------------
safetyplan:client_plan          GET    own        200 404  200  404  404   403  403 403  404  302
safetyplan:client_plan          GET    granted    200 404  200  404  404   403  403 403  404  302
safetyplan:client_plan          GET    other      404 200  404  200  404   404  403 403  404  302
safetyplan:client_step          GET    own        200 404  200  404  404   403  403 403  404  302
safetyplan:client_step          GET    private    200 404  404  404  404   403  403 403  404  302
safetyplan:client_step          GET    other      404 200  404  200  404   404  403 403  404  302
safetyplan:client_step          POST   own        302 404  302  404  404   403  403 403  404  302
safetyplan:client_step          POST   private    302 404  404  404  404   403  403 403  404  302
safetyplan:client_step          POST   other      404 302  404  302  404   404  403 403  404  302
safetyplan:client_reviewed      POST   own        403 404  302  404  404   403  403 403  404  302
safetyplan:client_reviewed      POST   other      404 403  404  302  404   404  403 403  404  302
# --- API ------------------------------------------------------------------------------------------------------
api:get_safety_plan             GET    own        200 404  200  404  404   403  403 403  404  401
api:get_safety_plan             GET    granted    200 404  200  404  404   403  403 403  404  401
api:get_safety_plan             GET    other      404 200  404  200  404   404  403 403  404  401
api:save_safety_plan_step       PUT    own        200 404  200  404  404   403  403 403  404  401
api:save_safety_plan_step       PUT    private    200 404  404  404  404   403  403 403  404  401
api:save_safety_plan_step       PUT    other      404 200  404  200  404   404  403 403  404  401
api:list_safety_plan_versions   GET    own        200 404  200  404  404   403  403 403  404  401
api:list_safety_plan_versions   GET    granted    200 404  200  404  404   403  403 403  404  401
api:list_safety_plan_versions   GET    other      404 200  404  200  404   404  403 403  404  401
api:restore_safety_plan_version POST   own        200 404  403  404  404   403  403 403  404  401
api:restore_safety_plan_version POST   other      404 200  404  403  404   404  403 403  404  401
api:get_safety_plan_sharing     GET    own        200 404  403  404  404   403  403 403  404  401
api:get_safety_plan_sharing     GET    other      404 200  404  403  404   404  403 403  404  401
api:update_safety_plan_sharing  PUT    own        200 404  403  404  404   403  403 403  404  401
api:update_safety_plan_sharing  PUT    other      404 200  404  403  404   404  403 403  404  401
api:mark_safety_plan_reviewed   POST   own        403 404  200  404  404   403  403 403  404  401
api:mark_safety_plan_reviewed   POST   other      404 403  404  200  404   404  403 403  404  401
api:list_support_people         GET    own        200 404  200  404  404   403  403 403  404  401
api:list_support_people         GET    granted    200 404  200  404  404   403  403 403  404  401
api:list_support_people         GET    other      404 200  404  200  404   404  403 403  404  401
api:add_support_person          POST   own        201 404  403  404  404   403  403 403  404  401
api:add_support_person          POST   other      404 201  404  403  404   404  403 403  404  401
api:update_support_person       PATCH  own        200 404  403  404  404   403  403 403  404  401
api:update_support_person       PATCH  other      404 200  404  403  404   404  403 403  404  401
api:delete_support_person       DELETE own        204 404  403  404  404   403  403 403  404  401
api:delete_support_person       DELETE other      404 204  404  403  404   404  403 403  404  401
"""


# --- the rows a request is about --------------------------------------------------------------------------------


def _owner(c: Ctx) -> Any:
    return c.cast.client("eli" if c.target == "other" else "dana")


def _plan(c: Ctx) -> SafetyPlan:
    """The owner's plan, made as the owner would make it (through the policy), with canaries in both parts."""
    client = _owner(c)
    user = c.cast.users["eli" if c.target == "other" else "dana"]
    found = SafetyPlan.objects.filter(client=client).first()
    if found is not None:
        return found
    edit = policy.client(user, client.pk, perms.EDIT_PLAN)
    services.save_step(edit, "warning_signs", {"text": canary("safetyplan", "safety")})
    services.save_step(edit, "relationship", {"code_word": canary("safetyplan", "relationship")})
    share = policy.client(user, client.pk, perms.SHARE_PLAN)
    plan = services.set_sharing(share, Sharing.ALL if c.target == "other" else Sharing.SAFETY)
    if c.target == "granted":
        named = {p.partner_category for p in policy.declared().values() if p.partner_category}
        for category in {c for c, _label in SharingGrant.Category.choices} | named:
            SharingGrant.objects.create(client=client, grantee_role="partner", category=category)
    return plan


def _version(c: Ctx) -> PlanVersion:
    return PlanVersion.objects.filter(plan=_plan(c)).order_by("number").first()  # type: ignore[return-value]


def _person(c: Ctx) -> SupportPerson:
    person = SupportPerson(
        client=_owner(c), name=canary("supportperson", "name"), how_they_help=canary("supportperson", "how_they_help")
    )
    person.save()
    return person


def _step(c: Ctx) -> str:
    return "relationship" if c.target == "private" else "warning_signs"


def _step_form(c: Ctx) -> dict[str, str]:
    plan = _plan(c)
    field = "signs" if c.target == "private" else "text"
    return {field: "Going quiet for days", "version": str(plan.version)}


def _step_body(c: Ctx) -> dict[str, Any]:
    plan = _plan(c)
    values = {"signs": "Raised voices"} if c.target == "private" else {"text": "Not sleeping"}
    return {"step": _step(c), "values": values, "version": plan.version}


PRINT_QUERY = "?parts=warning_signs&parts=reasons&parts=network"

# --- pages ----------------------------------------------------------------------------------------------------

for _name in ("safetyplan:plan", "safetyplan:versions", "safetyplan:network"):
    builds(_name, "GET")(lambda c, name=_name: Req("GET", page(name)))
builds("safetyplan:step", "GET")(lambda c: Req("GET", page("safetyplan:step", "warning_signs")))
builds("safetyplan:step", "POST")(
    lambda c: Req("POST", page("safetyplan:step", "reasons"), form={"text": "My niece", "version": ""})
)
builds("safetyplan:sharing", "POST")(lambda c: Req("POST", page("safetyplan:sharing"), form={"sharing": "none"}))
builds("safetyplan:version", "GET")(lambda c: Req("GET", page("safetyplan:version", _version(c).pk)))
builds("safetyplan:restore", "POST")(lambda c: Req("POST", page("safetyplan:restore", _version(c).pk), form={}))
builds("safetyplan:network", "POST")(
    lambda c: Req("POST", page("safetyplan:network"), form={"name": "Sam from choir", "phone": "07700 900456"})
)
builds("safetyplan:person", "GET")(lambda c: Req("GET", page("safetyplan:person", _person(c).pk)))
builds("safetyplan:person", "POST")(
    lambda c: Req("POST", page("safetyplan:person", _person(c).pk), form={"name": "Aunt Jo", "safe_to_contact": "yes"})
)
builds("safetyplan:person_delete", "POST")(
    lambda c: Req("POST", page("safetyplan:person_delete", _person(c).pk), form={})
)
builds("safetyplan:print", "GET")(lambda c: Req("GET", page("safetyplan:print") + PRINT_QUERY))
builds("safetyplan:pdf", "GET")(lambda c: Req("GET", page("safetyplan:pdf") + PRINT_QUERY))
builds("safetyplan:client_plan", "GET")(
    lambda c: (_plan(c), Req("GET", page("safetyplan:client_plan", _owner(c).pk)))[1]
)
builds("safetyplan:client_step", "GET")(
    lambda c: (_plan(c), Req("GET", page("safetyplan:client_step", _owner(c).pk, _step(c))))[1]
)
builds("safetyplan:client_step", "POST")(
    lambda c: Req("POST", page("safetyplan:client_step", _owner(c).pk, _step(c)), form=_step_form(c))
)
builds("safetyplan:client_reviewed", "POST")(
    lambda c: (
        _plan(c),
        Req("POST", page("safetyplan:client_reviewed", _owner(c).pk), form={"reviewed_on": c.today}),
    )[1]
)

# --- API ------------------------------------------------------------------------------------------------------

for _op in ("get_safety_plan", "list_safety_plan_versions", "get_safety_plan_sharing", "list_support_people"):
    builds(f"api:{_op}", "GET")(lambda c, op=_op: (_plan(c), _person(c), Req("GET", api_path(op, _owner(c).pk)))[2])
builds("api:save_safety_plan_step", "PUT")(
    lambda c: Req("PUT", api_path("save_safety_plan_step", _owner(c).pk), body=_step_body(c))
)
builds("api:restore_safety_plan_version", "POST")(
    lambda c: Req("POST", api_path("restore_safety_plan_version", _owner(c).pk, _version(c).pk), body={})
)
builds("api:update_safety_plan_sharing", "PUT")(
    lambda c: Req("PUT", api_path("update_safety_plan_sharing", _owner(c).pk), body={"sharing": "all"})
)
builds("api:mark_safety_plan_reviewed", "POST")(
    lambda c: (
        _plan(c),
        Req("POST", api_path("mark_safety_plan_reviewed", _owner(c).pk), body={"reviewed_on": c.today}),
    )[1]
)
builds("api:add_support_person", "POST")(
    lambda c: Req("POST", api_path("add_support_person", _owner(c).pk), body={"name": "Priya", "phone": "01632 960001"})
)
builds("api:update_support_person", "PATCH")(
    lambda c: Req("PATCH", api_path("update_support_person", _owner(c).pk, _person(c).pk), body={"reach": "Text first"})
)
builds("api:delete_support_person", "DELETE")(
    lambda c: Req("DELETE", api_path("delete_support_person", _owner(c).pk, _person(c).pk))
)
