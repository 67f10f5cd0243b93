"""SECURITY.md 9 and 10: headers on a walk of every page, and Django's deploy check with production settings."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _pages(cast) -> list[tuple[str, str]]:
    dana = cast.client("dana")
    return [
        ("anonymous", reverse("accounts:login")),
        ("anonymous", reverse("accounts:about_quick_exit")),
        ("anonymous", reverse("accounts:password_reset")),
        ("alice", reverse("workspace:caseload")),
        ("alice", reverse("workspace:client", args=[dana.pk])),
        ("alice", reverse("care:client_edit", args=[dana.pk])),
        ("alice", reverse("accounts:settings")),
        ("ada", reverse("care:care_team", args=[dana.pk])),
        ("ada", reverse("practice:people", args=[cast.practices["northside"].pk])),
        ("dana", reverse("workspace:portal")),
        ("dana", reverse("accounts:settings")),
        ("frank", reverse("workspace:portal")),
        ("dana", f"/api/v1/clients/{dana.pk}"),
    ]


def test_every_page_carries_the_security_headers(cast, client_for) -> None:
    nonces = set()
    for who, url in _pages(cast):
        browser = client_for(None if who == "anonymous" else getattr(cast, who))
        response = browser.get(url)
        assert response.status_code == 200, (who, url, response.status_code)
        csp = response["Content-Security-Policy"]
        for directive in [
            "object-src 'none'",
            "frame-ancestors 'none'",
            "base-uri 'none'",
            "default-src 'self'",
        ]:
            assert directive in csp, (url, directive)
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        nonce = re.search(r"'nonce-([^']+)'", csp)
        assert nonce is not None
        nonces.add(nonce.group(1))
        assert response["Referrer-Policy"] == "no-referrer"
        assert "camera=()" in response["Permissions-Policy"]
        assert response["Cache-Control"] == "no-store"
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        if response["Content-Type"].startswith("text/html"):
            body = response.content.decode()
            # No inline script or style anywhere: the policy would block them.
            assert "<script>" not in body and not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", body)
            assert " style=" not in body and "<style" not in body
    assert len(nonces) == len(_pages(cast))  # a fresh nonce per response


def test_client_and_partner_pages_have_a_neutral_title(cast, client_for) -> None:
    for who in ["dana", "frank"]:
        body = client_for(getattr(cast, who)).get(reverse("workspace:portal")).content.decode()
        assert "<title>Attune</title>" in body
        assert 'id="quick-exit"' in body
    cast.dana.discreet_name = "Garden notes"
    cast.dana.save()
    body = client_for(cast.dana).get(reverse("workspace:portal")).content.decode()
    assert "<title>Garden notes</title>" in body


def test_quick_exit_comes_first_in_tab_order_on_portal_pages(cast, client_for) -> None:
    body = client_for(cast.dana).get(reverse("workspace:portal")).content.decode()
    first_link = re.search(r"<(a|button|input|select|textarea)\b[^>]*>", body.split("<body", 1)[1])
    assert first_link is not None and 'id="quick-exit"' in first_link.group(0)


def test_deploy_check_passes_with_production_settings(tmp_path: Path) -> None:
    key, audit = tmp_path / "kek", tmp_path / "audit"
    for path in (key, audit):
        path.write_text("dGhpcnR5LXR3by1ieXRlcy1vZi1rZXktbWF0ZXJpYWwhIQ==\n")
    secret = tmp_path / "secret"
    secret.write_text("s" * 20 + "0123456789abcdefghijklmnopqrstuvwxyz-_!")
    env = {
        **os.environ,
        "ATTUNE_ENV": "production",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/test",
        "ATTUNE_SECRET_KEY_FILE": str(secret),
        "ATTUNE_KEK_FILE": str(key),
        "ATTUNE_AUDIT_KEY_FILE": str(audit),
        "ATTUNE_ALLOWED_HOSTS": "care.example.org",
        "ATTUNE_SITE_URL": "https://care.example.org",
        "DJANGO_SETTINGS_MODULE": "attune.settings",
    }
    result = subprocess.run(
        [sys.executable, "-m", "attune.manage", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("ATTUNE_SECRET_KEY_FILE", "ATTUNE_SECRET_KEY"),
        ("ATTUNE_KEK_FILE", "ATTUNE_KEK_FILE"),
        ("DATABASE_URL", "DATABASE_URL"),
    ],
)
def test_production_refuses_development_defaults(tmp_path: Path, missing: str, message: str) -> None:
    key = tmp_path / "kek"
    key.write_text("dGhpcnR5LXR3by1ieXRlcy1vZi1rZXktbWF0ZXJpYWwhIQ==\n")
    secret = tmp_path / "secret"
    secret.write_text("s" * 60)
    env = {k: v for k, v in os.environ.items() if not k.startswith("ATTUNE_") and k != "DATABASE_URL"} | {
        "ATTUNE_ENV": "production",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/test",
        "ATTUNE_SECRET_KEY_FILE": str(secret),
        "ATTUNE_KEK_FILE": str(key),
        "ATTUNE_AUDIT_KEY_FILE": str(key),
        "ATTUNE_ALLOWED_HOSTS": "care.example.org",
        "ATTUNE_SITE_URL": "https://care.example.org",
        "DJANGO_SETTINGS_MODULE": "attune.settings",
    }
    env.pop(missing)
    result = subprocess.run(
        [sys.executable, "-m", "attune.manage", "check"], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0 and message in result.stderr


def test_demo_refuses_production_settings(tmp_path: Path) -> None:
    key = tmp_path / "kek"
    key.write_text("dGhpcnR5LXR3by1ieXRlcy1vZi1rZXktbWF0ZXJpYWwhIQ==\n")
    env = {
        **os.environ,
        "ATTUNE_ENV": "production",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/test",
        "ATTUNE_SECRET_KEY": "s" * 60,
        "ATTUNE_KEK_FILE": str(key),
        "ATTUNE_AUDIT_KEY_FILE": str(key),
        "ATTUNE_ALLOWED_HOSTS": "x.example.org",
        "ATTUNE_SITE_URL": "https://x.example.org",
    }
    result = subprocess.run(
        [sys.executable, "-m", "attune.manage", "demo"], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0 and "refuses" in result.stderr
