"""The accounts API: tokens (creation, bearer use, revocation) and /me."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client as DjangoClient
from django.urls import reverse

from attune.accounts.models import ApiToken
from attune.care import demo
from attune.core.models import AuditEvent
from tests.cast import PASSWORD, Cast

TOKEN_URL = "/api/v1/auth/token"


def post_json(client: DjangoClient, url: str, body: Any, **headers: Any) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


def new_token(client: DjangoClient, user: Any, **extra: Any) -> str:
    response = post_json(client, TOKEN_URL, {"email": user.email, "password": PASSWORD, **extra})
    assert response.status_code == 200, response.content
    token: str = response.json()["token"]
    return token


def bearer(token: str) -> dict[str, Any]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_a_client_exchanges_email_and_password_for_a_token(cast: Cast, client: DjangoClient) -> None:
    token = new_token(client, cast.dana, name="My phone")
    assert token.startswith("att_")
    stored = ApiToken.objects.get(user=cast.dana, name="My phone")
    assert stored.token_hash != token and token not in stored.token_hash  # only its hash is kept
    assert client.get("/api/v1/me", **bearer(token)).json()["email"] == cast.dana.email


def test_unknown_email_and_wrong_password_get_the_same_answer(cast: Cast, client: DjangoClient) -> None:
    unknown = post_json(client, TOKEN_URL, {"email": "nobody@example.org", "password": PASSWORD})
    wrong = post_json(client, TOKEN_URL, {"email": cast.dana.email, "password": "not-the-password-at-all"})
    assert unknown.status_code == wrong.status_code == 401
    assert unknown.content == wrong.content
    assert not ApiToken.objects.filter(user=cast.dana).exists()


def test_email_is_matched_without_regard_to_case_or_spaces(cast: Cast, client: DjangoClient) -> None:
    response = post_json(client, TOKEN_URL, {"email": f"  {cast.dana.email.upper()} ", "password": PASSWORD})
    assert response.status_code == 200


def test_staff_need_a_code_from_their_authenticator(cast: Cast, client: DjangoClient) -> None:
    without = post_json(client, TOKEN_URL, {"email": cast.alice.email, "password": PASSWORD})
    assert without.status_code == 401
    assert not ApiToken.objects.filter(user=cast.alice).exists()
    token = new_token(client, cast.alice, otp=demo.current_code(demo.DEFAULT_TOTP_SECRET))
    assert client.get("/api/v1/me", **bearer(token)).status_code == 200
    # A wrong code (django-otp also slows the device down after it) and a replayed one are refused.
    for otp in ("000000", demo.current_code(demo.DEFAULT_TOTP_SECRET)):
        again = post_json(client, TOKEN_URL, {"email": cast.alice.email, "password": PASSWORD, "otp": otp})
        assert again.status_code == 401
    assert ApiToken.objects.filter(user=cast.alice).count() == 1


def test_repeated_failures_cool_off_even_with_the_right_password(cast: Cast, client: DjangoClient) -> None:
    for _ in range(5):
        post_json(client, TOKEN_URL, {"email": cast.dana.email, "password": "not-the-password-at-all"})
    response = post_json(client, TOKEN_URL, {"email": cast.dana.email, "password": PASSWORD})
    assert response.status_code == 429
    assert "token" not in response.json()
    # Another account from the same network is not affected.
    assert post_json(client, TOKEN_URL, {"email": cast.eli.email, "password": PASSWORD}).status_code == 200


@pytest.mark.parametrize(
    "body",
    ["{not json", "[1, 2]", '{"email": 5, "password": []}', '{"email": "' + "a" * 300 + '", "password": "x"}', ""],
)
def test_bad_input_to_the_token_endpoint_is_a_4xx_never_a_500(client: DjangoClient, db: Any, body: str) -> None:
    response = client.post(TOKEN_URL, body, content_type="application/json")
    assert response.status_code in {400, 422}, response.content
    assert "detail" in response.json()


def test_a_bad_or_missing_bearer_token_is_401(client: DjangoClient, db: Any) -> None:
    headers: dict[str, Any]
    for headers in ({}, bearer("att_made-up"), {"HTTP_AUTHORIZATION": "Basic Zm9vOmJhcg=="}):
        response = client.get("/api/v1/me", **headers)
        assert response.status_code == 401
        assert response.json() == {"detail": "Sign in or send a valid token."}


def test_revoking_a_token_takes_effect_on_the_next_request(cast: Cast, client: DjangoClient) -> None:
    token = new_token(client, cast.dana)
    other = new_token(client, cast.dana, name="Tablet")
    token_id = ApiToken.objects.get(user=cast.dana, name="API token").pk
    assert client.get("/api/v1/me", **bearer(token)).status_code == 200
    assert client.delete(f"/api/v1/tokens/{token_id}", **bearer(token)).status_code == 204
    assert client.get("/api/v1/me", **bearer(token)).status_code == 401
    # A write with the revoked token is answered 401 too (no CSRF detour for a caller without a session).
    patch = client.patch(
        f"/api/v1/clients/{cast.client('dana').pk}", "{}", content_type="application/json", **bearer(token)
    )
    assert patch.status_code == 401
    assert client.get("/api/v1/me", **bearer(other)).status_code == 200
    assert [t["name"] for t in client.get("/api/v1/tokens", **bearer(other)).json()] == ["Tablet"]


def test_a_deactivated_account_s_token_stops_working(cast: Cast, client: DjangoClient) -> None:
    token = new_token(client, cast.dana)
    cast.dana.is_active = False
    cast.dana.save(update_fields=["is_active"])
    assert client.get("/api/v1/me", **bearer(token)).status_code == 401


def test_tokens_list_only_the_caller_s_own_and_never_the_secret(cast: Cast, client: DjangoClient) -> None:
    mine = new_token(client, cast.dana)
    new_token(client, cast.eli)
    listed = client.get("/api/v1/tokens", **bearer(mine)).json()
    assert len(listed) == 1
    assert set(listed[0]) == {"id", "name", "prefix", "created", "last_used", "expires", "idle_expires"}
    assert mine not in json.dumps(listed)
    assert listed[0]["last_used"] is not None


def test_revoking_someone_else_s_token_is_404_audited_and_changes_nothing(cast: Cast, client: DjangoClient) -> None:
    mine = new_token(client, cast.dana)
    theirs = new_token(client, cast.eli)
    their_id = ApiToken.objects.get(user=cast.eli).pk
    response = client.delete(f"/api/v1/tokens/{their_id}", **bearer(mine))
    assert response.status_code == 404
    assert client.get("/api/v1/me", **bearer(theirs)).status_code == 200
    event = AuditEvent.objects.order_by("-id").first()
    assert event is not None
    assert (event.outcome, event.agent_id, event.entity_type) == (AuditEvent.Outcome.DENIED, cast.dana.pk, "ApiToken")
    assert client.delete("/api/v1/tokens/not-a-number", **bearer(mine)).status_code == 422


def test_me_describes_the_caller(cast: Cast, client: DjangoClient) -> None:
    dana = client.get("/api/v1/me", **bearer(new_token(client, cast.dana))).json()
    assert dana["client_id"] == str(cast.client("dana").pk)
    assert (dana["memberships"], dana["is_partner"]) == ([], False)
    frank = client.get("/api/v1/me", **bearer(new_token(client, cast.frank))).json()
    assert (frank["client_id"], frank["is_partner"]) == (None, True)
    code = demo.current_code(demo.DEFAULT_TOTP_SECRET)
    ada = client.get("/api/v1/me", **bearer(new_token(client, cast.ada, otp=code))).json()
    assert ada["memberships"] == [{"practice": "Northside", "role": "admin"}]
    assert ada["client_id"] is None


def test_a_browser_session_reaches_the_api_with_csrf_on_writes(cast: Cast, client_for: Any) -> None:
    browser = client_for(cast.dana)
    assert browser.get("/api/v1/me").status_code == 200
    token = ApiToken.objects.create(user=cast.dana, name="t", prefix="att_x", token_hash="0" * 64)
    # A signed-in browser's write without the CSRF token is refused, and nothing changes.
    response = browser.delete(reverse("api:revoke_token", args=[token.pk]))
    assert response.status_code == 403
    token.refresh_from_db()
    assert token.revoked is None


def test_a_staff_session_without_mfa_reaches_nothing(cast: Cast, client_for: Any) -> None:
    browser = client_for(cast.alice, verified=False)
    assert browser.get("/api/v1/me").status_code == 401
    assert browser.get(f"/api/v1/clients/{cast.client('dana').pk}").status_code == 401


def test_client_and_partner_tokens_are_off_unless_the_practice_turns_them_on(
    cast: Cast, client: DjangoClient, client_for: Any
) -> None:
    """A new practice has them off (the demo's practices turned them on). Off: no token through the API or the
    settings page, and a token made while they were on stops working on its next use. Staff are not affected."""
    northside = cast.practices["northside"]
    dana_token, frank_token = new_token(client, cast.dana), new_token(client, cast.frank)
    northside.client_api_tokens = False
    northside.save(update_fields=["client_api_tokens"])

    for person in (cast.dana, cast.frank):
        refused = post_json(client, TOKEN_URL, {"email": person.email, "password": PASSWORD})
        assert refused.status_code == 403 and "not turned on API tokens" in refused.json()["detail"]
    for token in (dana_token, frank_token):
        assert client.get("/api/v1/me", **bearer(token)).status_code == 401
    assert AuditEvent.objects.filter(reason="tokens-off", agent_id=cast.dana.pk).exists()
    page = client_for(cast.dana).get(reverse("accounts:settings")).content.decode()
    assert "has not turned on API tokens for clients" in page and "Create a token" not in page
    staff = new_token(client, cast.alice, otp=demo.current_code(demo.DEFAULT_TOTP_SECRET))
    assert client.get("/api/v1/me", **bearer(staff)).status_code == 200

    northside.client_api_tokens = True
    northside.save(update_fields=["client_api_tokens"])
    assert client.get("/api/v1/me", **bearer(dana_token)).status_code == 200


def test_a_new_practice_starts_with_client_tokens_off(db: Any) -> None:
    from attune.care.models import Practice

    assert Practice.objects.create(name="New", slug="new").client_api_tokens is False
