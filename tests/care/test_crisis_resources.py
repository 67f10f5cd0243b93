"""Practice admins configure the crisis resources their clients see; nobody else can."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from attune.care.models import CrisisResource
from attune.core.models import AuditEvent
from tests.cast import Cast
from tests.monitoring.helpers import browser_for, phq9, post

pytestmark = pytest.mark.django_db

FORM = {
    "name": "Night Line",
    "phone": "0800 000 111",
    "text_line": "Text CALM to 00000",
    "web_url": "https://night-line.example.org",
    "hours": "24 hours, every day",
    "region": "North",
    "position": "1",
}


def test_an_admin_adds_edits_and_removes_resources(cast: Cast, client_for: Any) -> None:
    northside = cast.practices["northside"]
    ada = browser_for(client_for, cast.ada)
    url = reverse("practice:crisis_resources", args=[northside.pk])
    assert "None yet" in ada.get(url).content.decode()
    assert post(ada, url, FORM)["Location"] == url
    resource = CrisisResource.objects.get(practice=northside)
    assert (resource.name, resource.text_line, resource.position) == ("Night Line", "Text CALM to 00000", 1)
    edit = reverse("practice:crisis_resource_edit", args=[northside.pk, resource.pk])
    assert "Night Line" in ada.get(edit).content.decode()
    post(ada, edit, {**FORM, "hours": "6pm to 6am"})
    resource.refresh_from_db()
    assert resource.hours == "6pm to 6am"
    # Clients see it at once.
    response = phq9(cast.dana, cast.client("dana"), 9, item9=1)
    support = client_for(cast.dana).get(reverse("monitoring:support", args=[response.pk])).content.decode()
    assert "Night Line" in support and "6pm to 6am" in support and 'href="tel:0800000111"' in support
    post(ada, reverse("practice:crisis_resource_remove", args=[northside.pk, resource.pk]))
    assert not CrisisResource.objects.exists()
    changes = AuditEvent.objects.filter(entity_type="HealthcareService", agent_id=cast.ada.pk)
    assert sorted(changes.values_list("action", flat=True)) == ["C", "D", "U"]


def test_bad_input_is_refused_with_the_form(cast: Cast, client_for: Any) -> None:
    ada = browser_for(client_for, cast.ada)
    url = reverse("practice:crisis_resources", args=[cast.practices["northside"].pk])
    page = post(ada, url, {**FORM, "name": "", "web_url": "javascript:alert(1)"})
    assert page.status_code == 200 and not CrisisResource.objects.exists()


def test_only_the_practices_admins(cast: Cast, client_for: Any) -> None:
    northside, southside = cast.practices["northside"], cast.practices["southside"]
    other = CrisisResource.objects.create(practice=southside, name="Elsewhere")
    ada = browser_for(client_for, cast.ada)
    assert ada.get(reverse("practice:crisis_resources", args=[southside.pk])).status_code == 404
    # A resource of another practice through this practice's address is not found either.
    assert ada.get(reverse("practice:crisis_resource_edit", args=[northside.pk, other.pk])).status_code == 404
    for who, status in [("alice", 403), ("sam", 403), ("dana", 404), ("carol", 404)]:
        browser = browser_for(client_for, cast.users[who])
        assert post(browser, reverse("practice:crisis_resources", args=[northside.pk]), FORM).status_code == status
    assert not CrisisResource.objects.filter(practice=northside).exists()
