"""Every security event is in the audit trail: sign-ins and their failures, MFA failures, cool-offs, tokens made
and revoked, and attempts by no one in particular, with ids only (never the email typed)."""

import json

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from attune.core import audit
from attune.core.models import AuditEvent
from tests.accounts.test_mfa import _code
from tests.cast import PASSWORD

pytestmark = pytest.mark.django_db
LOGIN = reverse("accounts:login")


def _after(mark: int) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(id__gt=mark).order_by("id"))


def _mark() -> int:
    return AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def _reasons(events: list[AuditEvent]) -> list[tuple[str, int | None, int]]:
    return [(e.reason, e.agent_id, e.outcome) for e in events if e.entity_type in {"Session", "ApiToken"}]


def _login(email: str, password: str) -> object:
    return Client().post(LOGIN, {"email": email, "password": password}, REMOTE_ADDR="10.9.9.9")


def test_sign_in_success_failure_and_cool_off_are_audited_without_the_email(cast) -> None:
    mark = _mark()
    with time_machine.travel("2026-11-21 10:00", tick=False):
        assert _login(cast.dana.email, PASSWORD).status_code == 302
        for _ in range(5):
            _login(cast.dana.email, "not the password at all")
        assert "wait a few minutes" in _login(cast.dana.email, PASSWORD).content.decode()
        _login("nobody@demo.attune.test", "not the password at all")
    events = _after(mark)
    dana = cast.dana.pk
    assert _reasons(events) == [
        ("signed-in", dana, 0),
        *[("password-failed", dana, 4)] * 5,
        ("cool-off:password", dana, 4),
        ("password-failed", None, 4),  # an unknown email: an anonymous attempt
    ]
    failures = [e for e in events if e.reason == "password-failed" and e.agent_id == dana]
    # One pseudonymous attempt id links the attempts from one network at one account.
    assert len({e.entity_id for e in failures}) == 1 and len(failures[0].entity_id) == 16
    rows = AuditEvent.objects.filter(pk__in=[e.pk for e in events]).values()
    dumped = json.dumps([list(row.values()) for row in rows], default=str)
    assert cast.dana.email not in dumped and "nobody@" not in dumped
    assert all(e.agent_network == "10.9.9.9" for e in events if e.reason != "signed-in")
    assert audit.verify().ok


def test_mfa_failure_and_success_are_audited(cast) -> None:
    mark = _mark()
    with time_machine.travel("2026-11-21 09:20:05", tick=False) as clock:
        browser = Client()
        assert browser.post(LOGIN, {"email": cast.alice.email, "password": PASSWORD}).status_code == 302
        browser.post(reverse("accounts:mfa_verify"), {"code": "000000"})
        clock.shift(5)  # the device's own back-off after a wrong code
        assert browser.post(reverse("accounts:mfa_verify"), {"code": _code(cast.alice)}).status_code == 302
    reasons = _reasons(_after(mark))
    assert reasons[:2] == [("signed-in", cast.alice.pk, 0), ("mfa-failed", cast.alice.pk, 4)]
    assert ("mfa-passed", cast.alice.pk, 0) in reasons


def test_tokens_made_revoked_and_refused_are_audited(cast) -> None:
    mark = _mark()
    made = Client().post(
        "/api/v1/auth/token",
        json.dumps({"email": cast.dana.email, "password": PASSWORD}),
        content_type="application/json",
    )
    raw = made.json()["token"]
    api = Client(headers={"authorization": f"Bearer {raw}"})
    token_id = api.get("/api/v1/tokens").json()[0]["id"]
    assert api.delete(f"/api/v1/tokens/{token_id}").status_code == 204
    assert api.get("/api/v1/me").status_code == 401  # the revoked token, tried again
    assert Client(headers={"authorization": "Bearer att_made_up"}).get("/api/v1/me").status_code == 401
    events = [e for e in _after(mark) if e.entity_type == "ApiToken"]
    assert [(e.action, e.outcome, e.agent_id, e.reason) for e in events] == [
        ("C", 0, cast.dana.pk, ""),
        ("U", 0, cast.dana.pk, ""),
        ("E", 4, None, "token-refused"),
        ("E", 4, None, "token-refused"),
    ]
    assert raw not in " ".join(e.entity_id for e in events)


def test_sign_out_is_audited(cast) -> None:
    browser = Client()
    browser.force_login(cast.eli)
    mark = _mark()
    assert browser.post(reverse("accounts:logout")).status_code == 302
    assert ("signed-out", cast.eli.pk, 0) in _reasons(_after(mark))
