"""Safe contact: the client says which ways of reaching them are safe, in their settings or through the API; their
care team reads it; nobody else does; the phone number and the times to avoid are encrypted at rest."""

from __future__ import annotations

import secrets
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse

from attune.care.models import SafeContact
from attune.core.models import AuditEvent
from tests.cast import canary

pytestmark = pytest.mark.django_db


def _browser(client_for: Any, user: Any) -> Any:
    browser = client_for(user)
    browser.cookies[settings.CSRF_COOKIE_NAME] = token = secrets.token_hex(16)
    browser.defaults["HTTP_X_CSRFTOKEN"] = token
    return browser


def _raw_text() -> str:
    table = connection.ops.quote_name(SafeContact._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table}")  # the table name from the model
        return " ".join(str(value) for row in cursor.fetchall() for value in row)


def test_the_client_records_safe_contact_on_their_page(cast, client_for) -> None:
    dana = _browser(client_for, cast.dana)
    home = dana.get(reverse("workspace:portal")).content.decode()
    assert reverse("care:safe_contact") in home
    page = dana.get(reverse("care:safe_contact"))
    assert page.status_code == 200 and "Safe ways to reach you" in page.content.decode()
    # A phone number is at most 40 characters: a shorter canary of its own.
    phone, avoid = f"07700 {secrets.token_hex(8)}", canary("safecontact", "times_to_avoid")
    form = {"email_ok": "no", "push_ok": "", "phone_ok": "yes", "phone": phone, "may_leave_message": "no"}
    saved = dana.post(reverse("care:safe_contact"), {**form, "times_to_avoid": avoid})
    assert saved.status_code == 302
    row = SafeContact.objects.get(client=cast.client("dana"))
    assert (row.email_ok, row.push_ok, row.phone_ok, row.may_leave_message) == (False, None, True, False)
    assert (row.phone, row.times_to_avoid) == (phone, avoid)
    raw = _raw_text()
    assert phone not in raw and avoid not in raw  # encrypted at rest
    again = dana.get(reverse("care:safe_contact")).content.decode()
    assert phone in again and avoid in again  # the client sees what they said
    assert AuditEvent.objects.filter(
        agent_id=cast.dana.pk, action=AuditEvent.Action.CREATE, entity_id=str(cast.client("dana").pk)
    ).exists()


def test_a_too_long_phone_is_refused_on_the_page(cast, client_for) -> None:
    dana = _browser(client_for, cast.dana)
    refused = dana.post(reverse("care:safe_contact"), {"phone": "1" * 41})
    assert refused.status_code == 200 and not SafeContact.objects.filter(client=cast.client("dana")).exists()


def test_the_api_puts_and_gets_safe_contact(cast, api_for) -> None:
    dana_id = cast.client("dana").pk
    url = f"/api/v1/clients/{dana_id}/safe-contact"
    empty = api_for(cast.alice).get(url).json()
    assert empty["phone_ok"] is None and empty["updated"] is None
    avoid = canary("safecontact", "times_to_avoid")
    put = api_for(cast.dana).put(
        url, data={"phone_ok": True, "phone": "07700 900123", "times_to_avoid": avoid}, content_type="application/json"
    )
    assert put.status_code == 200, put.content
    seen = api_for(cast.alice).get(url).json()
    assert seen["phone_ok"] is True and seen["phone"] == "07700 900123" and seen["times_to_avoid"] == avoid
    assert seen["email_ok"] is None  # not said is never yes
    refused = api_for(cast.alice).put(url, data={"phone_ok": False}, content_type="application/json")
    assert refused.status_code == 403 and avoid not in refused.content.decode()
    outsider = api_for(cast.bob).get(url)
    assert outsider.status_code == 404 and avoid not in outsider.content.decode()
    partner = api_for(cast.frank).get(url)
    assert partner.status_code == 403 and avoid not in partner.content.decode()
    too_long = api_for(cast.dana).put(url, data={"phone": "1" * 41}, content_type="application/json")
    assert too_long.status_code == 422
    unknown = api_for(cast.dana).put(url, data={"fax_ok": True}, content_type="application/json")
    assert unknown.status_code == 422


def test_the_service_changes_only_the_fields_given(cast) -> None:
    from attune.care import perms, services
    from attune.core import policy

    access = policy.own(cast.dana, perms.MANAGE_CONTACT)
    services.record_safe_contact(access, {"email_ok": True, "phone": "07700 900123"})
    services.record_safe_contact(access, {"push_ok": False})
    row = SafeContact.objects.get(client=cast.client("dana"))
    assert (row.email_ok, row.push_ok, row.phone_ok, row.phone) == (True, False, None, "07700 900123")
