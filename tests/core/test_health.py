"""The health endpoint: each check says ok or not with a short reason; 200 only when all pass, else 503."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from attune.core import audit, health, ticks
from attune.core.models import TickRun

pytestmark = pytest.mark.django_db


def _get() -> tuple[int, dict]:
    response = Client().get("/health/")
    assert response["Content-Type"] == "application/json"
    assert "Content-Security-Policy" in response and response["Cache-Control"] == "no-store"
    return response.status_code, response.json()


def test_without_a_worker_or_checkpoint_the_deployment_is_unhealthy() -> None:
    status, body = _get()
    assert status == 503 and body["status"] == "fail"
    assert body["checks"]["database"]["ok"] and body["checks"]["cache"]["ok"] and body["checks"]["mail"]["ok"]
    assert body["checks"]["worker"] == {"ok": False, "detail": "no worker has run the tick yet"}
    assert body["checks"]["audit_checkpoint"] == {"ok": False, "detail": "no checkpoint yet"}


def test_after_a_tick_every_check_passes() -> None:
    now = timezone.now()
    ticks.run_due(now)  # as the worker does: claims the slot, writes the checkpoint
    status, body = _get()
    assert status == 200 and body["status"] == "ok", body
    assert set(body["checks"]) == {"database", "cache", "worker", "mail", "audit_checkpoint"}


def test_a_stale_tick_and_an_old_checkpoint_fail(settings) -> None:
    old = timezone.now() - timedelta(minutes=10)
    TickRun.objects.create(slot=old)
    audit.write_checkpoint(now=old)
    assert health.worker()[0] is False and "ago" in health.worker()[1]
    assert health.audit_checkpoint()[0] is False and "old" in health.audit_checkpoint()[1]


def test_a_forged_checkpoint_fails_the_check(settings) -> None:
    path = audit.write_checkpoint()
    path.write_text(path.read_text().replace('"count"', '"count" ', 1).replace('"version": 1', '"version": 2'))
    assert health.audit_checkpoint() == (False, "the newest checkpoint is not signed by the audit key")


def test_an_unreachable_mail_server_fails_and_is_remembered(settings) -> None:
    from django.core.cache import cache

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", 9, False
    cache.delete("attune-health-mail")
    assert health.mail() == (False, "the mail server could not be reached")
    assert cache.get("attune-health-mail") is False


def test_a_check_that_raises_is_a_failure_named_by_class(monkeypatch) -> None:
    def broken() -> tuple[bool, str]:
        raise RuntimeError("secret detail")

    monkeypatch.setitem(health.CHECKS, "database", broken)
    results = health.run()
    assert results["database"] == {"ok": False, "detail": "failed (RuntimeError)"}


def test_post_is_refused() -> None:
    assert Client().post("/health/").status_code == 405
