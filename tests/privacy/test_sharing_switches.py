"""Who can see what: each switch takes effect on the next request everywhere (pages and API), is audited, and
its history is kept."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from attune.core import policy
from attune.core.models import AuditEvent
from attune.privacy import perms, services
from attune.privacy.models import Withholding


def _browser(user) -> Client:
    browser = Client()
    browser.force_login(user)
    return browser


def _switch(browser, person, category, visible):
    return browser.post(
        reverse("privacy:switch"), {"person": person.pk, "category": category, "visible": "yes" if visible else "no"}
    )


@pytest.mark.parametrize(
    ("category", "page", "api"),
    [
        ("diary", "diary:client_diary", "api:list_diary_entries"),
        ("results", "questionnaires:client_measures", "api:list_scores"),
        ("intake", "intake:summary", "api:intake_summary"),
        ("safetyplan", "safetyplan:client_plan", None),
        ("plan", "clinical:plan", None),
        ("notes", "clinical:notes", None),
    ],
)
def test_a_switch_takes_effect_on_the_next_request(cast, client_for, api_for, category, page, api) -> None:
    dana = cast.client("dana")
    alice_pages, alice_api = client_for(cast.alice), api_for(cast.alice)
    before_page = alice_pages.get(reverse(page, args=[dana.pk])).status_code
    before_api = alice_api.get(reverse(api, args=[dana.pk])).status_code if api else None
    assert before_page != 403 and before_api != 403
    dana_browser = _browser(cast.dana)
    assert _switch(dana_browser, cast.alice, category, False).status_code == 302
    assert alice_pages.get(reverse(page, args=[dana.pk])).status_code == 403
    if api:
        assert alice_api.get(reverse(api, args=[dana.pk])).status_code == 403
    # The overview still opens: only the category is withheld.
    assert alice_pages.get(reverse("workspace:client", args=[dana.pk])).status_code == 200
    assert _switch(dana_browser, cast.alice, category, True).status_code == 302
    assert alice_pages.get(reverse(page, args=[dana.pk])).status_code == before_page


def test_what_brings_you_here_leaves_the_pages_at_once(cast, client_for) -> None:
    dana = cast.client("dana")
    alice = client_for(cast.alice)
    for name in ("workspace:client", "care:client_edit"):
        assert dana.referral_reason in alice.get(reverse(name, args=[dana.pk])).content.decode()
    _switch(_browser(cast.dana), cast.alice, "referral", False)
    for name in ("workspace:client", "care:client_edit"):
        response = alice.get(reverse(name, args=[dana.pk]))
        assert response.status_code == 200 and dana.referral_reason not in response.content.decode()
    by_api = client_for(cast.alice).get(reverse("api:get_client", args=[dana.pk]))
    assert by_api.status_code == 200 and dana.referral_reason not in by_api.content.decode()


def test_switches_are_audited_and_kept_as_history(cast) -> None:
    access = policy.own(cast.dana, perms.MANAGE_SHARING)
    assert services.set_visible(access, cast.alice.pk, "diary", False)
    assert not services.set_visible(access, cast.alice.pk, "diary", False)  # already off: nothing to do
    assert services.set_visible(access, cast.alice.pk, "diary", True)
    rows = Withholding.objects.filter(client=cast.client("dana"))
    assert rows.count() == 1 and rows.get().ended is not None
    audited = AuditEvent.objects.filter(client_id=cast.client("dana").pk, entity_type="Withholding")
    assert list(audited.values_list("action", flat=True)) == ["C", "U"]
    page = _browser(cast.dana).get(reverse("privacy:sharing")).content.decode()
    assert "stopped showing" in page and "shown again" in page


def test_only_the_clients_own_care_team_can_be_switched(cast) -> None:
    access = policy.own(cast.dana, perms.MANAGE_SHARING)
    with pytest.raises(ValidationError):
        services.set_visible(access, cast.bob.pk, "diary", False)
    with pytest.raises(ValidationError):
        services.set_visible(access, cast.alice.pk, "everything", False)


def test_the_page_lists_each_person_and_category(cast) -> None:
    page = _browser(cast.dana).get(reverse("privacy:sharing")).content.decode()
    assert cast.alice.display_name in page
    for label in ("What brings you here", "Your diary, practice records and scripts", "Your questionnaire results"):
        assert label in page
    assert cast.frank.display_name in page  # her partner, with a link to what she shares with him


def test_the_api_switches_too(cast, api_for) -> None:
    dana = api_for(cast.dana)
    path = reverse("api:privacy_switch", args=[cast.alice.pk, "results"])
    body = dana.put(path, {"visible": False}, content_type="application/json").json()
    alice = next(p for p in body if p["user_id"] == cast.alice.pk)
    assert {s["category"]: s["visible"] for s in alice["switches"]}["results"] is False
    assert api_for(cast.alice).get(reverse("api:list_scores", args=[cast.client("dana").pk])).status_code == 403


@pytest.mark.django_db
def test_the_safety_plan_choice_made_on_its_own_page_is_summed_up_here_as_it_stands(cast) -> None:
    from attune.safetyplan.models import SafetyPlan

    page = reverse("privacy:sharing")
    browser = _browser(cast.dana)
    assert "<h2>Your safety plan</h2>" not in browser.get(page).content.decode()  # no plan, nothing to say
    plan = SafetyPlan.objects.create(client=cast.client("dana"), sharing="safety")
    body = browser.get(page).content.decode()
    assert "<h2>Your safety plan</h2>" in body and "not your relationship-safety part" in body
    assert reverse("safetyplan:sharing") in body
    plan.sharing = "none"
    plan.save(update_fields=["sharing"])
    assert "sees that you have a plan, and nothing in it" in browser.get(page).content.decode()
