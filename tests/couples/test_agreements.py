"""Agreements: two independent consents, in force only while both stand; withdrawal by either partner with one
action, effective on the very next request everywhere (pages and API), with a neutral notice and no reason;
agreeing again makes a new version; the history keeps everything."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from attune.care.models import PartnerLink
from attune.core.models import AuditEvent
from attune.couples import perms
from attune.couples.models import Agreement, AgreementVersion, Consent
from attune.notify.models import Notification
from tests.cast import Cast
from tests.couples import support

pytestmark = pytest.mark.django_db


def agreed(cast: Cast, link: PartnerLink) -> Agreement:
    agreement = support.draft(cast.alice, link)
    support.consent(cast.dana, agreement)
    support.consent(cast.frank, agreement)
    return agreement


def test_in_force_only_with_both_consents(cast: Cast, link: PartnerLink) -> None:
    agreement = support.draft(cast.alice, link)
    assert support.state_for(cast.frank, agreement) == "draft"
    support.consent(cast.dana, agreement)
    assert support.state_for(cast.frank, agreement) == "waiting"
    support.consent(cast.frank, agreement)
    assert support.state_for(cast.dana, agreement) == "in_force"
    assert support.state_for(cast.alice, agreement) == "in_force"


def test_drafting_is_not_agreeing(cast: Cast, link: PartnerLink) -> None:
    agreement = support.draft(cast.dana, link)
    assert not Consent.objects.filter(version__agreement=agreement).exists()


@pytest.mark.parametrize("who", ["dana", "frank"])
def test_either_partner_withdraws_and_it_holds_on_the_next_request_everywhere(
    cast: Cast, link: PartnerLink, client_for: Any, api_for: Any, who: str
) -> None:
    agreement = agreed(cast, link)
    other = "frank" if who == "dana" else "dana"
    api = api_for(getattr(cast, other))
    before = api.get(f"/api/v1/couples/agreements/{agreement.pk}").json()
    assert before["state"] == "in_force"

    assert support.withdraw(getattr(cast, who), agreement) == 1

    # The other partner's very next requests: the API, the agreement page, the couple's space.
    assert api.get(f"/api/v1/couples/agreements/{agreement.pk}").json()["state"] == "withdrawn"
    listed = api.get(f"/api/v1/couples/{link.pk}/agreements").json()
    assert [a["state"] for a in listed] == ["withdrawn"] and listed[0]["in_force_version"] is None
    browser = client_for(getattr(cast, other))
    page = browser.get(reverse("couples:agreement", args=[agreement.pk])).content.decode()
    assert "Not in force: withdrawn" in page and ">In force" not in page
    space = browser.get(reverse("couples:space", args=[link.pk])).content.decode()
    assert "Not in force: withdrawn" in space and ">In force" not in space
    clinician = client_for(cast.alice).get(reverse("couples:space", args=[link.pk])).content.decode()
    assert "Not in force: withdrawn" in clinician and ">In force" not in clinician


def test_the_other_partner_gets_a_neutral_notice_and_no_reason(
    cast: Cast, link: PartnerLink, django_capture_on_commit_callbacks: Any, mailoutbox: Any
) -> None:
    agreement = agreed(cast, link)
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        support.withdraw(cast.dana, agreement)
    to_frank = Notification.objects.filter(recipient=cast.frank)
    assert to_frank.count() >= 1
    assert {n.purpose for n in to_frank} == {"message"}
    assert {n.target for n in to_frank} == {f"/couples/agreements/{agreement.pk}/"}
    assert not Notification.objects.filter(recipient=cast.dana).exists()
    assert not Notification.objects.filter(recipient=cast.alice).exists()
    for message in mailoutbox:
        text = message.subject + message.body
        for word in ("withdr", "agreement", "Dana", "pacing", "consent"):
            assert word.lower() not in text.lower()


def test_withdrawing_asks_no_reason_and_is_one_press(cast: Cast, link: PartnerLink, client_for: Any) -> None:
    agreement = agreed(cast, link)
    browser = client_for(cast.dana)
    response = support.post(browser, reverse("couples:agreement_withdraw", args=[agreement.pk]))
    assert response.status_code == 302
    assert support.state_for(cast.frank, agreement) == "withdrawn"


def test_withdrawn_version_never_comes_back_and_agreeing_again_is_a_new_version(cast: Cast, link: PartnerLink) -> None:
    agreement = agreed(cast, link)
    support.withdraw(cast.frank, agreement)
    with pytest.raises(ValidationError):
        support.consent(cast.frank, agreement)  # the same version, again
    assert support.state_for(cast.dana, agreement) == "withdrawn"
    version = support.new_version(cast.alice, agreement)
    assert version.number == 2
    assert support.state_for(cast.dana, agreement) == "draft"
    support.consent(cast.dana, agreement)
    assert support.state_for(cast.dana, agreement) == "waiting"
    support.consent(cast.frank, agreement)
    assert support.state_for(cast.dana, agreement) == "in_force"
    # Nothing was deleted: both versions and all four consents, one withdrawn, are there.
    assert AgreementVersion.objects.filter(agreement=agreement).count() == 2
    consents = Consent.objects.filter(version__agreement=agreement)
    assert consents.count() == 4 and consents.filter(withdrawn__isnull=False).count() == 1


def test_withdrawal_from_a_newer_draft_ends_the_version_in_force_too(cast: Cast, link: PartnerLink) -> None:
    agreement = agreed(cast, link)
    support.new_version(cast.dana, agreement, text="A change we are talking about")
    assert support.state_for(cast.frank, agreement) == "in_force"  # version 1 holds while 2 is a draft
    support.withdraw(cast.dana, agreement)
    assert support.state_for(cast.frank, agreement) == "withdrawn"


def test_consent_is_to_the_words_the_person_read(cast: Cast, link: PartnerLink) -> None:
    agreement = support.draft(cast.alice, link)
    first = agreement.versions.get()
    support.new_version(cast.alice, agreement, text="Changed while frank was reading")
    located = support.agreement_as(cast.frank, agreement, perms.TAKE_PART)
    from attune.couples import services

    with pytest.raises(ValidationError):
        services.consent(located.access, located.row, first.pk)


def test_only_partners_consent_and_the_clinician_only_drafts(cast: Cast, link: PartnerLink) -> None:
    agreement = support.draft(cast.alice, link)
    with pytest.raises(PermissionDenied):
        support.consent(cast.alice, agreement)
    with pytest.raises(PermissionDenied):
        support.withdraw(cast.alice, agreement)
    denied = AuditEvent.objects.filter(agent_id=cast.alice.pk, outcome=AuditEvent.Outcome.DENIED)
    assert denied.filter(reason__contains="take_part").exists()


def test_the_page_says_agreeing_is_not_consent_to_any_act(cast: Cast, link: PartnerLink, client_for: Any) -> None:
    agreement = agreed(cast, link)
    for user in (cast.dana, cast.frank):
        page = client_for(user).get(reverse("couples:agreement", args=[agreement.pk])).content.decode()
        assert "not consent to any act" in page and "withdraw at any time" in page
    body = client_for(cast.frank).get(f"/api/v1/couples/agreements/{agreement.pk}")
    assert "not consent to any act" in json.dumps(body.json())


def test_history_shows_every_step_to_both_and_the_clinician(cast: Cast, link: PartnerLink, client_for: Any) -> None:
    agreement = agreed(cast, link)
    support.withdraw(cast.dana, agreement)
    support.new_version(cast.alice, agreement)
    for user in (cast.dana, cast.frank, cast.alice):
        page = client_for(user).get(reverse("couples:agreement", args=[agreement.pk])).content.decode()
        history = page.split('id="history"')[1].split("</ol>")[0]
        assert history.count("drafted version") == 2
        assert history.count("agreed to version 1") == 2
        assert history.count("withdrew from version 1") == 1


def test_writes_are_audited(cast: Cast, link: PartnerLink) -> None:
    agreement = agreed(cast, link)
    support.withdraw(cast.frank, agreement)
    rows = AuditEvent.objects.filter(client_id=link.client_id, outcome=AuditEvent.Outcome.SUCCESS)
    assert rows.filter(entity_type="Agreement", action=AuditEvent.Action.CREATE, agent_id=cast.alice.pk).exists()
    assert rows.filter(entity_type="Consent", action=AuditEvent.Action.CREATE, agent_id=cast.frank.pk).exists()
    assert rows.filter(entity_type="Consent", action=AuditEvent.Action.UPDATE, agent_id=cast.frank.pk).exists()


def test_api_round_trip(cast: Cast, link: PartnerLink, api_for: Any) -> None:
    dana, frank = api_for(cast.dana), api_for(cast.frank)
    made = dana.post(
        f"/api/v1/couples/{link.pk}/agreements",
        json.dumps({"kind": "check_in", "title": "Our pause signal", "text": "Either of us says yellow."}),
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    body = made.json()
    version = body["versions"][0]["id"]
    for api in (dana, frank):
        answer = api.post(
            f"/api/v1/couples/agreements/{body['id']}/consent",
            json.dumps({"version_id": version}),
            content_type="application/json",
        )
        assert answer.status_code == 200, answer.content
    assert answer.json()["state"] == "in_force"
    withdrawn = frank.post(f"/api/v1/couples/agreements/{body['id']}/withdraw")
    assert withdrawn.json() == {"withdrawn": 1}
    assert dana.get(f"/api/v1/couples/agreements/{body['id']}").json()["state"] == "withdrawn"


def test_a_new_version_can_be_agreed_while_the_old_one_holds(cast: Cast, link: PartnerLink, client_for: Any) -> None:
    agreement = agreed(cast, link)
    support.new_version(cast.alice, agreement, text="Version two, drafted in session")
    page = client_for(cast.dana).get(reverse("couples:agreement", args=[agreement.pk])).content.decode()
    assert "I agree to version 2" in page and "Withdraw my agreement" in page
    support.consent(cast.dana, agreement)
    support.consent(cast.frank, agreement)
    located = support.agreement_as(cast.frank, agreement, perms.VIEW)
    from attune.couples import queries

    view = queries.agreement(located.access, located.row, queries.couple(located.access, located.row.link).people)
    assert view.state.key == "in_force" and view.state.in_force is not None and view.state.in_force.number == 2


def test_a_withdrawal_after_a_new_draft_closes_that_draft_too(cast: Cast, link: PartnerLink) -> None:
    agreement = agreed(cast, link)
    support.new_version(cast.alice, agreement)
    support.withdraw(cast.dana, agreement)
    with pytest.raises(ValidationError):
        support.consent(cast.frank, agreement)
    support.new_version(cast.alice, agreement)
    support.consent(cast.frank, agreement)
    support.consent(cast.dana, agreement)
    assert support.state_for(cast.frank, agreement) == "in_force"
