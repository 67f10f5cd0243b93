import pytest
from django.urls import reverse

from attune.core.models import AuditEvent, SharingGrant
from tests.cast import CANARIES

pytestmark = pytest.mark.django_db


def _csrf(browser) -> dict:
    browser.get(reverse("workspace:portal"))
    return {"csrfmiddlewaretoken": browser.cookies["csrftoken"].value}


def test_dana_shares_with_frank_and_withdrawing_is_immediate(cast, client_for) -> None:
    dana, frank = client_for(cast.dana), client_for(cast.frank)
    shared_page = reverse("consent:shared_with_me", args=[cast.client("dana").pk])
    before = frank.get(shared_page)
    assert before.status_code == 200 and not any(c in before.content.decode() for c in CANARIES)
    assert b"Nothing is shared with you" in before.content
    form = {"partner": cast.frank.pk, "category": "referral", "share": "yes", **_csrf(dana)}
    assert dana.post(reverse("consent:change"), form).status_code == 302
    page = frank.get(shared_page).content.decode()
    assert any(c in page for c in CANARIES)
    assert AuditEvent.objects.filter(agent_id=cast.frank.pk, reason="client.view_clinical").exists()
    dana.post(reverse("consent:change"), {**form, "share": "no"})
    after = frank.get(shared_page).content.decode()
    assert not any(c in after for c in CANARIES)
    history = dana.get(reverse("consent:sharing")).content.decode()
    assert "stopped" in history
    assert SharingGrant.objects.filter(client=cast.client("dana")).count() == 1


def test_only_the_client_changes_sharing_and_only_partners_read_it(cast, client_for) -> None:
    # Sharing settings are a client's own page: without a record of their own, it does not exist for them.
    for who, expected in [("alice", 404), ("frank", 404), ("ada", 404)]:
        assert client_for(getattr(cast, who)).get(reverse("consent:sharing")).status_code == expected
    shared_page = reverse("consent:shared_with_me", args=[cast.client("dana").pk])
    for who, expected in [("eli", 404), ("carol", 404), ("bob", 404), ("alice", 403), ("sam", 403), ("dana", 403)]:
        response = client_for(getattr(cast, who)).get(shared_page)
        assert response.status_code == expected, who
        assert not any(c in response.content.decode() for c in CANARIES)


def test_sharing_with_someone_not_linked_is_refused(cast, client_for) -> None:
    dana = client_for(cast.dana)
    form = {"partner": cast.eli.pk, "category": "referral", "share": "yes", **_csrf(dana)}
    dana.post(reverse("consent:change"), form)
    assert not SharingGrant.objects.filter(client=cast.client("dana")).exists()
