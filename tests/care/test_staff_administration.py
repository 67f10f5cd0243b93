"""Practice administration (issue 15): deactivation ends sessions and tokens at once and removes the person from
care teams, their clients reassigned first; reactivation; roles and supervisors."""

from __future__ import annotations

import secrets

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse

from attune.accounts import services as account_services
from attune.accounts.models import Membership
from attune.care import services
from attune.care.models import CareTeamMember
from attune.core import policy


def _practice(cast):
    return policy.practice(cast.ada, cast.practices["northside"].pk, Membership.Role.ADMIN)


def test_deactivation_needs_a_new_primary_for_each_client_first(cast) -> None:
    with pytest.raises(ValidationError):
        services.deactivate_staff(_practice(cast), cast.alice.pk, {})
    assert Membership.objects.filter(user=cast.alice, active=True).exists()  # nothing changed


def test_deactivation_reassigns_then_ends_sessions_and_tokens_at_once(cast, client_for, api_for) -> None:
    dana = cast.client("dana")
    alice_browser, alice_api = client_for(cast.alice), api_for(cast.alice)
    assert alice_browser.get(reverse("workspace:client", args=[dana.pk])).status_code == 200
    assert alice_api.get(reverse("api:me")).status_code == 200
    left = services.deactivate_staff(_practice(cast), cast.alice.pk, {str(dana.pk): cast.bob.pk})
    assert left >= 1
    assert CareTeamMember.objects.get(client=dana, role="primary").clinician == cast.bob
    assert not CareTeamMember.objects.filter(clinician=cast.alice).exists()
    assert not Membership.objects.filter(user=cast.alice, active=True).exists()
    # The very next request, in the browser and through the API, is refused.
    assert alice_browser.get(reverse("workspace:client", args=[dana.pk])).status_code == 302
    assert alice_api.get(reverse("api:me")).status_code == 401


def test_an_admin_cannot_deactivate_themself(cast) -> None:
    with pytest.raises(ValidationError):
        services.deactivate_staff(_practice(cast), cast.ada.pk, {})


def test_reactivation_and_roles(cast) -> None:
    practice = _practice(cast)
    services.deactivate_staff(practice, cast.bob.pk, {str(cast.client("eli").pk): cast.alice.pk})
    account_services.set_membership_active(practice, cast.bob.pk, True)
    assert Membership.objects.filter(user=cast.bob, active=True, role="clinician").exists()
    account_services.set_roles(practice, cast.bob.pk, {"clinician", "supervisor"}, None)
    assert set(Membership.objects.filter(user=cast.bob, active=True).values_list("role", flat=True)) == {
        "clinician",
        "supervisor",
    }
    account_services.set_roles(practice, cast.alice.pk, {"clinician"}, cast.bob.pk)
    assert Membership.objects.get(user=cast.alice, role="clinician").supervisor == cast.bob
    with pytest.raises(ValidationError):
        account_services.set_roles(practice, cast.alice.pk, set(), None)


def test_the_person_page(cast, client_for) -> None:
    ada = client_for(cast.ada)
    path = reverse("practice:person", args=[cast.practices["northside"].pk, cast.alice.pk])
    page = ada.get(path).content.decode()
    assert "New primary clinician for Dana" in page
    secret = secrets.token_hex(16)
    ada.cookies[settings.CSRF_COOKIE_NAME] = secret
    done = ada.post(
        path, {"action": "deactivate", f"primary_{cast.client('dana').pk}": cast.bob.pk}, HTTP_X_CSRFTOKEN=secret
    )
    assert done.status_code == 302
    assert "Reactivate" in ada.get(path).content.decode()


def test_a_researcher_lands_on_a_page_that_says_what_they_will_see(cast, client_for) -> None:
    rita = client_for(cast.rita)
    assert rita.get(reverse("home"))["Location"] == reverse("workspace:research")
    page = rita.get(reverse("workspace:research")).content.decode()
    assert "De-identified" in page and "fewer than 11" in page
    assert cast.client("dana").preferred_name not in page
