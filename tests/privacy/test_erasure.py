"""Erasure: asked for by the client (step-up, "I understand") or by the practice on their behalf; withdrawn
during cooling-off; confirmed by the practice after it; the data key destroyed (no canary can be decrypted
anywhere: database, exports made after, the access log), identifying fields cleared, the audit trail keeping ids;
retention holds shown and respected; a tombstone re-applied after a restore from an older backup."""

from __future__ import annotations

import secrets
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client as Browser
from django.urls import reverse
from django.utils import timezone

from attune.accounts.models import User
from attune.care.models import Client, PartnerLink
from attune.core import policy
from attune.core.fields import is_erased
from attune.core.models import AuditEvent, DataKey
from attune.privacy import export, jobs, perms, services, tombstones
from attune.privacy.models import ErasureRequest, ExportRequest
from tests.privacy.test_export import _plant


@pytest.fixture(autouse=True)
def _tombstone_dir(settings, tmp_path):
    settings.ATTUNE_TOMBSTONE_DIR = tmp_path / "tombstones"


def _browser(user) -> Browser:
    browser = Browser()
    browser.force_login(user)
    return browser


def _post(browser: Browser, path: str, data=None):
    secret = secrets.token_hex(16)
    browser.cookies[settings.CSRF_COOKIE_NAME] = secret
    return browser.post(path, data or {}, HTTP_X_CSRFTOKEN=secret)


def _ask(cast) -> ErasureRequest:
    answer = _post(_browser(cast.dana), reverse("privacy:erase"), {"action": "request", "understood": "on"})
    assert answer.status_code == 302
    return ErasureRequest.objects.get(client=cast.client("dana"))


def _cooling_off_over() -> None:
    """Fourteen days later (moved in the database: the staff session's two-step check is tied to real time)."""
    ErasureRequest.objects.filter(status="waiting").update(cooling_off_until=timezone.now() - timedelta(seconds=1))


def _confirm(cast, django_capture_on_commit_callbacks, client_for):
    ada = client_for(cast.ada)  # staff: signed in with their two-step code
    with django_capture_on_commit_callbacks(execute=True):
        return _post(
            ada,
            reverse("privacy:practice_erasure", args=[cast.client("dana").pk]),
            {"action": "confirm"},
        )


def test_the_client_asks_and_can_withdraw(cast) -> None:
    browser = _browser(cast.dana)
    assert _post(browser, reverse("privacy:erase"), {"action": "request"}).status_code == 200  # "I understand" needed
    assert not ErasureRequest.objects.exists()
    row = _ask(cast)
    assert row.status == ErasureRequest.Status.WAITING and row.cooling_off_until > timezone.now() + timedelta(days=13)
    assert "Withdraw my request" in browser.get(reverse("privacy:erase")).content.decode()
    _post(browser, reverse("privacy:erase"), {"action": "withdraw"})
    row.refresh_from_db()
    assert row.status == ErasureRequest.Status.WITHDRAWN


def test_nothing_is_erased_during_cooling_off(cast, django_capture_on_commit_callbacks, client_for) -> None:
    _ask(cast)
    _confirm(cast, django_capture_on_commit_callbacks, client_for)
    assert ErasureRequest.objects.get().status == ErasureRequest.Status.WAITING
    assert DataKey.objects.get(client_id=cast.client("dana").pk).wrapped is not None


def test_confirmed_erasure_leaves_no_canary_readable(cast, django_capture_on_commit_callbacks, client_for) -> None:
    dana = cast.client("dana")
    planted = _plant(dana, cast.dana)
    access = policy.own(cast.dana, perms.EXPORT)
    waiting_copy = services.request_export(access)
    jobs.build_export(waiting_copy.pk)
    # Someone read her diary, and there was break-glass, before the erasure: the access log holds its reason.
    services.break_glass(policy.client(cast.sam, dana.pk, perms.BREAK_GLASS), "A reason that is a CANARY-reason")
    audit_before = AuditEvent.objects.filter(client_id=dana.pk).count()
    user_id = cast.dana.pk
    _ask(cast)
    _cooling_off_over()
    answer = _confirm(cast, django_capture_on_commit_callbacks, client_for)
    assert answer.status_code == 302, answer
    row = ErasureRequest.objects.get()
    assert row.status == ErasureRequest.Status.ERASED and row.shredded is not None

    # The key is gone: every encrypted field of every exported model reads as erased.
    assert DataKey.objects.get(client_id=dana.pk).wrapped is None
    erased = Client.objects.get(pk=dana.pk)
    assert is_erased(erased.referral_reason)
    assert erased.preferred_name == "Erased client" and erased.user_id is None
    assert not PartnerLink.objects.filter(client=erased, ended__isnull=True).exists()
    account = User.objects.get(pk=user_id)
    assert not account.is_active and account.email.endswith("@erased.invalid") and "Dana" not in account.display_name

    # An export made after (by the practice's own tooling, through the same exporter) holds no canary.
    admin = policy.client(cast.ada, dana.pk, perms.CONFIRM_ERASURE)
    after = str(export.tables(admin))
    assert not [c for c in planted if c in after]
    assert "CANARY-reason" not in after
    # The copy that was waiting for download is gone.
    assert ExportRequest.objects.get(pk=waiting_copy.pk).sealed is None
    # The database holds ciphertext only (never the canaries), as before.
    with connection.cursor() as cursor:
        cursor.execute("SELECT referral_reason FROM care_client WHERE id = %s", [dana.pk.hex])
        assert not any(c in (cursor.fetchone() or [""])[0] for c in planted)
    # The audit trail keeps its rows, with ids only.
    assert AuditEvent.objects.filter(client_id=dana.pk).count() > audit_before
    assert AuditEvent.objects.filter(client_id=dana.pk, entity_type="DataKey", action="D").exists()
    # And the tombstone is outside the database.
    assert tombstones.erased_clients() == [dana.pk]


def test_a_restored_backup_is_erased_again(cast, django_capture_on_commit_callbacks, client_for) -> None:
    dana = cast.client("dana")
    secret = dana.referral_reason
    backup = bytes(DataKey.objects.get(client_id=dana.pk).wrapped)  # the key as an older backup holds it
    _ask(cast)
    _cooling_off_over()
    _confirm(cast, django_capture_on_commit_callbacks, client_for)
    # Restore: the old wrapped key comes back with the backup, and the text is readable again...
    DataKey.objects.filter(client_id=dana.pk).update(wrapped=backup, destroyed=None)
    assert Client.objects.get(pk=dana.pk).referral_reason == secret
    # ...until the restore drill re-applies the tombstones.
    assert tombstones.reapply() == [dana.pk]
    assert is_erased(Client.objects.get(pk=dana.pk).referral_reason)


def test_a_retention_hold_is_shown_and_keeps_the_key_until_it_ends(
    cast, django_capture_on_commit_callbacks, client_for
) -> None:
    dana = cast.client("dana")
    until = timezone.localdate() + timedelta(days=30)
    ada = client_for(cast.ada)
    _post(
        ada,
        reverse("privacy:practice_erasure", args=[dana.pk]),
        {"action": "hold", "what": "Clinical records", "why": "Health records are kept for 8 years", "until": until},
    )
    page = _browser(cast.dana).get(reverse("privacy:erase")).content.decode()
    assert "Clinical records" in page and "Health records are kept for 8 years" in page
    _ask(cast)
    _cooling_off_over()
    _confirm(cast, django_capture_on_commit_callbacks, client_for)
    row = ErasureRequest.objects.get()
    assert row.status == ErasureRequest.Status.HELD and row.shredded is None
    assert Client.objects.get(pk=dana.pk).preferred_name == "Erased client"
    assert DataKey.objects.get(client_id=dana.pk).wrapped is not None  # kept while the law requires
    assert services.shred_when_holds_end() == 0
    with time_machine.travel(timezone.now() + timedelta(days=32)), django_capture_on_commit_callbacks(execute=True):
        assert services.shred_when_holds_end() == 1
    assert DataKey.objects.get(client_id=dana.pk).wrapped is None


def test_the_practice_can_ask_on_the_clients_behalf_but_not_erase_early(cast) -> None:
    access = policy.client(cast.ada, cast.client("dana").pk, perms.CONFIRM_ERASURE)
    services.request_erasure(access)
    with pytest.raises(ValidationError):
        services.confirm_erasure(access)
    with pytest.raises(ValidationError):
        services.request_erasure(access)
