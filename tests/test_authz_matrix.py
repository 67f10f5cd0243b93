"""Runs the authorisation matrix (tests/authz_matrix.py, SECURITY.md 3).

Every URL name and every API operation must have rows; every row's request is made as each member of the cast,
each in its own savepoint so that one actor's write cannot change what the next one sees. A denied response
(4xx) must carry no canary, must not have sent email, and must have written a denied audit event.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from attune.accounts.models import User
from attune.api.main import api
from attune.core.models import AuditEvent, SharingGrant
from tests import authz_matrix
from tests.authz_matrix import ACTORS, ROWS, Row
from tests.authz_requests import BUILDERS, FIELD_CHECKS, Ctx, Req, api_path, builds, page
from tests.cast import CANARIES, PASSWORD, Cast

# 4xx answers that are not an access decision about anyone's data, so no denied audit event is expected:
# the API root exists only so that ninja can reverse its URLs, and an unknown or spent invitation link is
# answered the same way for everyone. Anonymous requests are refused before the policy runs and are not
# audited at all: logging every unauthenticated request would let anyone on the internet grow the chain.
NOT_AN_ACCESS_DECISION = {
    ("api:api-root", "-"),
    ("accounts:accept_invitation", "unusable"),
    ("accounts:sign_in_link", "-"),  # a link not sent to this browser: the same 400 for everyone
    ("health", "-"),  # the health endpoint names checks, never anyone; 503 here because no worker runs
}

# Pages an anonymous visitor uses for real (tests/test_anonymous_walk.py keeps the reviewed list), so their
# redirects go somewhere other than sign-in.
ANONYMOUS_MAY_USE = {
    "accounts:login",
    "accounts:logout",
    "accounts:accept_invitation",
    "accounts:password_reset",
    "accounts:password_reset_confirm",
    "accounts:sign_in_link",
    "accounts:passkey_sign_in_options",
    "accounts:passkey_sign_in",
    "health",
}

# Rows whose cells are right but whose endpoint is broken today, with the bug: strict, so that the fix fails the
# row until it is taken off this list. (Empty: the 500 on {% extends base_template %} was fixed in 7ef33af.)
KNOWN_BUGS: dict[tuple[str, str], str] = {}


def url_names(patterns: list[Any] | None = None, namespace: str = "") -> Iterator[str]:
    """Every named URL pattern of the project, as "namespace:name"; a nameless pattern yields "" (an error)."""
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(filter(None, [namespace, pattern.namespace or ""]))
            yield from url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name or ""


def api_operations() -> dict[str, str]:
    """operation id -> HTTP method, from the OpenAPI document (which lists every operation of every router)."""
    schema = api.get_openapi_schema()
    return {op["operationId"]: method.upper() for item in schema["paths"].values() for method, op in item.items()}


builds("home", "GET")(lambda c: Req("GET", page("home")))
builds("accounts:login", "GET")(lambda c: Req("GET", page("accounts:login")))
builds("accounts:login", "POST")(lambda c: Req("POST", page("accounts:login"), form=c.credentials()))
builds("accounts:logout", "POST")(lambda c: Req("POST", page("accounts:logout"), form={}))
builds("accounts:settings", "GET")(lambda c: Req("GET", page("accounts:settings")))
builds("accounts:settings", "POST")(
    lambda c: Req("POST", page("accounts:settings"), form={"profile-display_name": "A new name"})
)
builds("accounts:create_token", "POST")(lambda c: Req("POST", page("accounts:create_token"), form={"name": "Phone"}))
builds("accounts:revoke_token", "POST")(lambda c: Req("POST", page("accounts:revoke_token", c.token_id()), form={}))
builds("accounts:accept_invitation", "GET")(
    lambda c: Req("GET", page("accounts:accept_invitation", c.invitation_token()))
)
builds("accounts:accept_invitation", "POST")(
    lambda c: Req(
        "POST",
        page("accounts:accept_invitation", c.invitation_token()),
        form={"display_name": "Noor", "password": "copper kettle winter orchard lamp"},
    )
)
builds("accounts:quick_exit", "POST")(lambda c: Req("POST", page("accounts:quick_exit"), form={}))
builds("health", "GET")(lambda c: Req("GET", page("health")))
builds("health", "POST")(lambda c: Req("POST", page("health")))
builds("accounts:about_quick_exit", "GET")(lambda c: Req("GET", page("accounts:about_quick_exit")))
builds("accounts:keepalive", "POST")(lambda c: Req("POST", page("accounts:keepalive"), form={}))
builds("accounts:sign_out_elsewhere", "POST")(lambda c: Req("POST", page("accounts:sign_out_elsewhere"), form={}))
builds("accounts:change_password", "GET")(lambda c: Req("GET", page("accounts:change_password")))
builds("accounts:change_password", "POST")(
    lambda c: Req("POST", page("accounts:change_password"), form={"new_password": "amber meadow violin harbour"})
)
builds("accounts:change_email", "GET")(lambda c: Req("GET", page("accounts:change_email")))
builds("accounts:change_email", "POST")(
    lambda c: Req("POST", page("accounts:change_email"), form={"email": "a.new.address@example.org"})
)
builds("accounts:confirm", "GET")(lambda c: Req("GET", page("accounts:confirm")))
builds("accounts:confirm", "POST")(lambda c: Req("POST", page("accounts:confirm"), form={"password": PASSWORD}))
builds("accounts:mfa_setup", "GET")(lambda c: Req("GET", page("accounts:mfa_setup")))
builds("accounts:mfa_setup", "POST")(
    lambda c: Req("POST", page("accounts:mfa_setup"), form={"code": c.pending_totp_code()})
)
builds("accounts:mfa_verify", "GET")(lambda c: Req("GET", page("accounts:mfa_verify")))
builds("accounts:mfa_verify", "POST")(lambda c: Req("POST", page("accounts:mfa_verify"), form={"code": c.totp_code()}))
builds("accounts:mfa_recovery_codes", "POST")(lambda c: Req("POST", page("accounts:mfa_recovery_codes"), form={}))
builds("accounts:mfa_remove", "POST")(lambda c: Req("POST", page("accounts:mfa_remove"), form={}))
builds("accounts:password_reset", "GET")(lambda c: Req("GET", page("accounts:password_reset")))
builds("accounts:password_reset", "POST")(
    lambda c: Req("POST", page("accounts:password_reset"), form={"email": c.credentials()["email"]})
)
builds("accounts:password_reset_done", "GET")(lambda c: Req("GET", page("accounts:password_reset_done")))
builds("accounts:password_reset_confirm", "GET")(
    lambda c: Req("GET", page("accounts:password_reset_confirm", *c.password_reset_link()))
)
builds("accounts:sign_in_link", "GET")(lambda c: Req("GET", page("accounts:sign_in_link", "not-a-link-sent-here")))
builds("accounts:sign_in_link", "POST")(
    lambda c: Req("POST", page("accounts:sign_in_link", "not-a-link-sent-here"), form={})
)
builds("accounts:passkey_add", "GET")(lambda c: Req("GET", page("accounts:passkey_add")))
builds("accounts:passkey_register_options", "POST")(
    lambda c: Req("POST", page("accounts:passkey_register_options"), body={})
)
# No authenticator answers in the matrix: a response to no challenge, refused (and audited) for everyone.
builds("accounts:passkey_register", "POST")(
    lambda c: Req("POST", page("accounts:passkey_register"), body={"credential": {"id": "bm90LWEta2V5"}})
)
builds("accounts:passkey_added", "GET")(lambda c: Req("GET", page("accounts:passkey_added")))
builds("accounts:passkey_rename", "GET")(lambda c: Req("GET", page("accounts:passkey_rename", c.passkey_id())))
builds("accounts:passkey_rename", "POST")(
    lambda c: Req("POST", page("accounts:passkey_rename", c.passkey_id()), form={"name": "Work phone"})
)
builds("accounts:passkey_remove", "GET")(lambda c: Req("GET", page("accounts:passkey_remove", c.passkey_id())))
builds("accounts:passkey_remove", "POST")(
    lambda c: Req("POST", page("accounts:passkey_remove", c.passkey_id()), form={})
)
builds("accounts:passkey_sign_in_options", "POST")(
    lambda c: Req("POST", page("accounts:passkey_sign_in_options"), body={})
)
builds("accounts:passkey_sign_in", "POST")(
    lambda c: Req("POST", page("accounts:passkey_sign_in"), body={"credential": {"id": "bm90LWEta2V5"}})
)
builds("accounts:passkey_confirm_options", "POST")(
    lambda c: Req("POST", page("accounts:passkey_confirm_options"), body={})
)
builds("accounts:passkey_confirm", "POST")(
    lambda c: Req("POST", page("accounts:passkey_confirm"), body={"credential": {"id": "bm90LWEta2V5"}})
)
builds("accounts:password_reset_complete", "GET")(lambda c: Req("GET", page("accounts:password_reset_complete")))
builds("workspace:portal", "GET")(lambda c: Req("GET", page("workspace:portal")))
builds("workspace:research", "GET")(lambda c: Req("GET", page("workspace:research")))
builds("workspace:caseload", "GET")(lambda c: Req("GET", page("workspace:caseload")))
builds("workspace:caseload", "POST")(lambda c: Req("POST", page("workspace:caseload"), form={"q": "a"}))
builds("practice:people", "GET")(lambda c: Req("GET", page("practice:people", c.practice_id)))
builds("practice:people", "POST")(
    lambda c: Req(
        "POST", page("practice:people", c.practice_id), form={"email": "new.colleague@example.org", "kind": "clinician"}
    )
)
builds("practice:withdraw_invitation", "POST")(
    lambda c: Req("POST", page("practice:withdraw_invitation", c.practice_id, c.invitation_id()), form={})
)
builds("practice:person", "GET")(
    lambda c: Req(
        "GET", page("practice:person", c.practice_id, (c.cast.carol if c.target == "other" else c.cast.bob).pk)
    )
)
builds("practice:person", "POST")(
    lambda c: Req(
        "POST",
        page("practice:person", c.practice_id, (c.cast.carol if c.target == "other" else c.cast.bob).pk),
        form={"action": "roles", "roles": ["clinician"], "supervisor": ""},
    )
)
builds("practice:new_client", "GET")(lambda c: Req("GET", page("practice:new_client", c.practice_id)))
builds("practice:new_client", "POST")(
    lambda c: Req(
        "POST",
        page("practice:new_client", c.practice_id),
        form={"preferred_name": "Nova", "pronouns": "", "primary_clinician": ""},
    )
)
builds("workspace:client", "GET")(lambda c: Req("GET", page("workspace:client", c.client.pk)))
builds("care:client_edit", "GET")(lambda c: Req("GET", page("care:client_edit", c.client.pk)))


@builds("care:client_edit", "POST")
def _client_edit(c: Ctx) -> Req:
    form = {"preferred_name": c.client.preferred_name, "pronouns": "they/them", "version": c.client.version}
    return Req("POST", page("care:client_edit", c.client.pk), form=form)


@builds("care:episode_open", "POST")
def _episode_open(c: Ctx) -> Req:
    c.close_open_episode()
    return Req("POST", page("care:episode_open", c.client.pk), form={})


builds("care:episode_close", "POST")(
    lambda c: Req("POST", page("care:episode_close", c.client.pk), form={"closed": c.today, "reason": "completed"})
)
builds("care:care_team", "GET")(lambda c: Req("GET", page("care:care_team", c.client.pk)))
builds("care:care_team", "POST")(
    lambda c: Req("POST", page("care:care_team", c.client.pk), form={"clinician": c.clinician_to_add().pk})
)
builds("care:care_team_remove", "POST")(
    lambda c: Req("POST", page("care:care_team_remove", c.client.pk, c.member_to_remove().pk), form={})
)
builds("care:invite_to_portal", "POST")(
    lambda c: Req("POST", page("care:invite_to_portal", c.client.pk), form={"email": "portal@example.org"})
)

builds("api:openapi-json", "GET")(lambda c: Req("GET", reverse("api:openapi-json")))
builds("api:api-root", "GET")(lambda c: Req("GET", reverse("api:api-root")))
builds("api:create_token", "POST")(lambda c: Req("POST", api_path("create_token"), body=c.api_credentials()))
builds("api:me", "GET")(lambda c: Req("GET", api_path("me")))
builds("api:list_tokens", "GET")(lambda c: Req("GET", api_path("list_tokens")))
builds("api:revoke_token", "DELETE")(lambda c: Req("DELETE", api_path("revoke_token", c.token_id())))
builds("api:list_clients", "GET")(lambda c: Req("GET", api_path("list_clients")))
builds("api:get_client", "GET")(lambda c: Req("GET", api_path("get_client", c.client.pk)))
builds("api:update_client", "PATCH")(
    lambda c: Req(
        "PATCH", api_path("update_client", c.client.pk), body={"pronouns": "they/them", "version": c.client.version}
    )
)
builds("api:get_care_team", "GET")(lambda c: Req("GET", api_path("get_care_team", c.client.pk)))
builds("api:add_care_team_member", "POST")(
    lambda c: Req("POST", api_path("add_care_team_member", c.client.pk), body={"clinician_id": c.clinician_to_add().pk})
)
builds("api:remove_care_team_member", "DELETE")(
    lambda c: Req("DELETE", api_path("remove_care_team_member", c.client.pk, c.member_to_remove().pk))
)
builds("api:list_episodes", "GET")(lambda c: Req("GET", api_path("list_episodes", c.client.pk)))


@builds("api:open_episode", "POST")
def _open_episode(c: Ctx) -> Req:
    c.close_open_episode()
    return Req("POST", api_path("open_episode", c.client.pk), body={})


builds("api:close_episode", "POST")(
    lambda c: Req("POST", api_path("close_episode", c.client.pk), body={"closed": c.today, "reason": "completed"})
)


# --- the checks --------------------------------------------------------------------------------------------


def test_every_endpoint_has_rows_and_every_row_has_an_endpoint() -> None:
    names = list(url_names())
    assert "" not in names, "every URL pattern needs a name, so that the matrix can list it"
    operations = api_operations()
    expected = set(names) | {f"api:{op}" for op in operations}
    listed = authz_matrix.endpoints()
    assert not expected - listed, f"endpoints without rows in tests/authz_matrix.py: {sorted(expected - listed)}"
    assert not listed - expected, f"rows for endpoints that no longer exist: {sorted(listed - expected)}"
    for op, method in operations.items():
        methods = {row.method for row in ROWS if row.endpoint == f"api:{op}"}
        assert methods == {method}, f"api:{op} is {method} in the OpenAPI document, the matrix says {methods}"


def test_every_row_has_a_request_and_every_actor_a_cast_member(cast: Cast) -> None:
    assert not {(row.endpoint, row.method) for row in ROWS} - set(BUILDERS)
    assert not set(BUILDERS) - {(row.endpoint, row.method) for row in ROWS}
    assert all(actor == "anonymous" or actor in cast.users for actor in ACTORS)
    assert CANARIES, "the cast planted no canaries, so the denied-body check could not fail"


def signed_in(client_for: Any, user: User | None) -> tuple[Any, dict[str, str]]:
    """The cast member's browser (MFA done, as after sign-in), with the CSRF cookie and header of a browser that
    loaded the form, so that a refusal is never CSRF's."""
    browser = client_for(user)
    browser.raise_request_exception = False
    secret = secrets.token_hex(16)
    browser.cookies[settings.CSRF_COOKIE_NAME] = secret
    return browser, {"HTTP_X_CSRFTOKEN": secret}


def send(browser: Any, headers: dict[str, str], req: Req) -> Any:
    if req.body is not None:
        return browser.generic(req.method, req.path, json.dumps(req.body), content_type="application/json", **headers)
    if req.method == "GET":
        return browser.get(req.path)
    if req.method == "POST" and req.form is not None:
        return browser.post(req.path, req.form, **headers)
    return browser.generic(req.method, req.path, **headers)


def check(row: Row, actor: str, user: User | None, response: Any, last_audit_id: int) -> list[str]:
    problems = []
    status = response.status_code
    if status != row.expected[actor]:
        return [f"{actor}: expected {row.expected[actor]}, got {status}"]
    if status == 302 and user is None and row.endpoint not in ANONYMOUS_MAY_USE:
        location = response.headers["Location"]
        if not location.startswith(reverse("accounts:login")):
            problems.append(f"{actor}: redirected to {location}, not to sign-in")
    if status == 401 and not response.headers["Content-Type"].startswith("application/json"):
        problems.append(f"{actor}: 401 is not JSON")
    if 400 <= status < 500:
        body = response.content.decode(errors="replace")
        leaked = [c for c in CANARIES if c in body]
        if leaked:
            problems.append(f"{actor}: denied response contains a canary")
        if mail.outbox:
            problems.append(f"{actor}: a denied request sent email")
        if user is not None and (row.endpoint, row.target) not in NOT_AN_ACCESS_DECISION:
            denied = AuditEvent.objects.filter(
                id__gt=last_audit_id, outcome=AuditEvent.Outcome.DENIED, agent_id=user.pk
            )
            if not denied.exists():
                problems.append(f"{actor}: {status} without a denied audit event")
    return problems


def last_audit_id() -> int:
    last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()
    return last or 0


def prepare_target(cast: Cast, target: str) -> None:
    if target == "shared":
        SharingGrant.objects.create(
            client=cast.client("dana"), grantee_role="partner", category=SharingGrant.Category.REFERRAL
        )


def _params() -> list[Any]:
    return [
        pytest.param(
            row,
            id=row.id,
            marks=[pytest.mark.xfail(strict=True, reason=KNOWN_BUGS[key])]
            if (key := (row.endpoint, row.method)) in KNOWN_BUGS
            else [],
        )
        for row in ROWS
    ]


@pytest.mark.parametrize("row", _params())
def test_matrix(row: Row, cast: Cast, client_for: Any, django_capture_on_commit_callbacks: Any) -> None:
    prepare_target(cast, row.target)
    problems, observed = [], {}
    for actor in ACTORS:
        user = None if actor == "anonymous" else cast.users[actor]
        with transaction.atomic():
            mail.outbox = []
            browser, headers = signed_in(client_for, user)
            req = BUILDERS[(row.endpoint, row.method)](Ctx(cast=cast, actor=user, target=row.target))
            before = last_audit_id()
            # Emails are sent on commit: run those callbacks, so that a denied request that sent one is seen.
            with django_capture_on_commit_callbacks(execute=True):
                response = send(browser, headers, req)
            observed[actor] = response.status_code
            problems += check(row, actor, user, response, before)
            field_check = FIELD_CHECKS.get((row.endpoint, row.method))
            if field_check is not None and 200 <= response.status_code < 300:
                problems += field_check(actor, response)
            transaction.set_rollback(True)
    assert not problems, "\n".join(
        [*problems, "observed (for review, not for pasting blindly):", authz_matrix.format_row(row, observed)]
    )


def test_shared_target_really_shares_the_referral_reason(cast: Cast) -> None:
    """The "shared" rows mean something only if the grant they set up is in force for frank."""
    from attune.core import policy

    assert policy.shared_categories(cast.client("dana").pk, cast.frank) == set()
    prepare_target(cast, "shared")
    assert policy.shared_categories(cast.client("dana").pk, cast.frank) == {SharingGrant.Category.REFERRAL}
