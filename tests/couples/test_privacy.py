"""What one partner keeps private stays private: check-in answers and notes on agreements reach the other partner
only when their author shows them (per answer), and leave no trace before that, not even a count or a date. The
clinician sees what each shows them, and the couple-level notes are the clinician's alone. Ending the link
removes all of the partner's access at once."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.urls import reverse

from attune.care.models import PartnerLink
from attune.core.models import SharingGrant
from attune.couples import perms, services
from attune.couples.models import CheckInAnswer
from attune.notify.models import Notification
from tests.cast import CANARIES, Cast, canary
from tests.couples import support

pytestmark = pytest.mark.django_db

CSRF = re.compile(r'(name="csrfmiddlewaretoken" value|name="csrf-token" content)="[^"]*"')


def seen_by(browser: Any, link: PartnerLink, agreement_id: Any) -> list[str]:
    """Everything the partner can open about the couple, with per-request tokens blanked."""
    pages = [
        reverse("couples:home"),
        reverse("couples:space", args=[link.pk]),
        reverse("couples:check_in", args=[link.pk]),
        reverse("couples:agreement", args=[agreement_id]),
        f"/api/v1/couples/{link.pk}/check-ins",
        f"/api/v1/couples/agreements/{agreement_id}/notes",
        f"/api/v1/couples/agreements/{agreement_id}",
    ]
    out = []
    for path in pages:
        response = browser.get(path)
        assert response.status_code == 200, path
        out.append(CSRF.sub("", response.content.decode()))
    return out


def test_private_answers_and_notes_leave_no_trace_for_the_other_partner(
    cast: Cast, link: PartnerLink, client_for: Any
) -> None:
    agreement = support.draft(cast.alice, link)
    frank = client_for(cast.frank)
    before = seen_by(frank, link, agreement.pk)
    support.check_in(cast.dana, link)
    support.check_in(cast.dana, link, show_clinician=True)
    support.note(cast.dana, agreement)
    support.note(cast.dana, agreement, show_clinician=True)
    after = seen_by(frank, link, agreement.pk)
    # Not a canary, not a count, not a date: frank's pages and answers are exactly what they were.
    assert after == before
    private = [c for c in CANARIES if c.split("-")[1] in {"agreementnote", "checkinanswer"}]
    assert private
    assert not [c for c in private if any(c in page for page in after)]


def test_an_answer_shown_to_the_partner_reaches_them_and_only_that_one(
    cast: Cast, link: PartnerLink, client_for: Any
) -> None:
    kept = support.check_in(cast.dana, link)
    shown = support.check_in(cast.dana, link)
    located = policy_answer(cast.dana, shown[1])
    services.show_answer(located.access, located.row, to="partner", shown=True)
    page = client_for(cast.frank).get(reverse("couples:space", args=[link.pk])).content.decode()
    assert shown[1].text in page
    assert kept[1].text not in page
    # Hidden again: gone on the next request.
    services.show_answer(located.access, located.row, to="partner", shown=False)
    page = client_for(cast.frank).get(reverse("couples:space", args=[link.pk])).content.decode()
    assert shown[1].text not in page


def policy_answer(user: Any, answer: CheckInAnswer) -> Any:
    from attune.core import policy

    return policy.locate(user, CheckInAnswer, answer.pk, perms.TAKE_PART, entity="CheckInAnswer")


def test_only_the_author_can_show_an_answer(cast: Cast, link: PartnerLink, client_for: Any) -> None:
    answers = support.check_in(cast.dana, link, show_partner=True)
    # frank can read it (shown to him), but showing it to the clinician is dana's choice alone.
    response = support.post(
        client_for(cast.frank), reverse("couples:answer_show", args=[answers[1].pk]), {"to": "clinician", "show": "yes"}
    )
    assert response.status_code == 404
    assert CheckInAnswer.objects.get(pk=answers[1].pk).shown_to_clinician is None
    # A private answer does not exist for frank at all.
    private = support.check_in(cast.dana, link)
    response = support.post(
        client_for(cast.frank), reverse("couples:answer_show", args=[private[1].pk]), {"to": "partner", "show": "yes"}
    )
    assert response.status_code == 404


def test_the_clinician_sees_what_each_partner_shows_them_and_nothing_else(
    cast: Cast, link: PartnerLink, client_for: Any
) -> None:
    agreement = support.draft(cast.alice, link)
    private = support.check_in(cast.dana, link)
    to_partner_only = support.check_in(cast.frank, link, show_partner=True)
    to_clinician = support.check_in(cast.frank, link, show_clinician=True)
    private_note = support.note(cast.frank, agreement)
    shared_note = support.note(cast.frank, agreement, show_clinician=True)
    alice = client_for(cast.alice)
    space = alice.get(reverse("couples:space", args=[link.pk])).content.decode()
    page = alice.get(reverse("couples:agreement", args=[agreement.pk])).content.decode()
    assert to_clinician[1].text in space
    assert private[1].text not in space and to_partner_only[1].text not in space
    assert shared_note.text in page and private_note.text not in page


def test_couple_notes_are_the_clinicians_alone(cast: Cast, link: PartnerLink, client_for: Any, api_for: Any) -> None:
    located = support.link_as(cast.alice, link, perms.WRITE_NOTES)
    note = services.add_couple_note(located.access, located.row, canary("couplenote", "text"))
    assert note.text in client_for(cast.alice).get(reverse("couples:space", args=[link.pk])).content.decode()
    for user in (cast.dana, cast.frank):
        assert note.text not in client_for(user).get(reverse("couples:space", args=[link.pk])).content.decode()
        assert api_for(user).get(f"/api/v1/couples/{link.pk}/notes").status_code == 403
    # Kept apart from the individual record: nothing on dana's client overview.
    overview = client_for(cast.alice).get(reverse("workspace:client", args=[link.client_id])).content.decode()
    assert note.text not in overview


@pytest.mark.parametrize("who", ["dana", "frank", "alice"])
def test_ending_the_link_removes_all_access_at_once(
    cast: Cast, link: PartnerLink, client_for: Any, api_for: Any, who: str
) -> None:
    agreement = support.draft(cast.alice, link)
    support.consent(cast.dana, agreement)
    support.consent(cast.frank, agreement)
    SharingGrant.objects.create(client=cast.client("dana"), grantee_user=cast.frank, category="referral")
    frank_browser, frank_api = client_for(cast.frank), api_for(cast.frank)
    assert frank_browser.get(reverse("couples:space", args=[link.pk])).status_code == 200

    form = {"with_client": "on"} if who == "alice" else {}
    response = support.post(client_for(getattr(cast, who)), reverse("couples:end", args=[link.pk]), form)
    assert response.status_code == 302

    for path in (
        reverse("couples:space", args=[link.pk]),
        reverse("couples:agreement", args=[agreement.pk]),
        reverse("couples:check_in", args=[link.pk]),
        reverse("consent:shared_with_me", args=[link.client_id]),
    ):
        assert frank_browser.get(path).status_code == 404, path
    # His API token stops working too: a partner holds tokens only while linked to a client of a practice that
    # allows them (accounts' token rule), so the API answers 401 before anything is looked up.
    assert frank_api.get(f"/api/v1/couples/agreements/{agreement.pk}").status_code == 401
    assert frank_api.get("/api/v1/couples").status_code == 401
    assert SharingGrant.objects.filter(grantee_user=cast.frank, revoked__isnull=True).count() == 0
    # Whoever did not end it is told neutrally (a link home, no words); the one who ended it is not.
    told = set(
        Notification.objects.filter(dedupe_key__startswith="partner-link:").values_list("recipient_id", "target")
    )
    expected = {cast.dana.pk, cast.frank.pk} - {getattr(cast, who).pk}
    assert told == {(person, "/") for person in expected}
    # For dana and alice the history stays, and nothing is in force.
    page = client_for(cast.dana).get(reverse("couples:agreement", args=[agreement.pk])).content.decode()
    assert "the link has ended" in page


def test_a_clinician_ends_a_link_only_with_the_client(cast: Cast, link: PartnerLink, client_for: Any) -> None:
    response = support.post(client_for(cast.alice), reverse("couples:end", args=[link.pk]), {})
    assert response.status_code == 200
    assert PartnerLink.objects.get(pk=link.pk).ended is None


def test_no_canary_reaches_the_database_unencrypted(cast: Cast, link: PartnerLink) -> None:
    agreement = support.draft(cast.alice, link)
    support.note(cast.dana, agreement)
    support.check_in(cast.frank, link)
    located = support.link_as(cast.frank, link, perms.TAKE_PART)
    services.log_rehearsal(located.access, located.row, went="paused", note=canary("rehearsal", "note"))
    located = support.link_as(cast.alice, link, perms.WRITE_NOTES)
    services.add_couple_note(located.access, located.row, canary("couplenote", "text"))
    planted = [c for c in CANARIES if c.split("-")[1] in {"agreementversion", "agreementnote", "checkinanswer",
               "rehearsal", "couplenote"}]  # fmt: skip
    assert len(planted) >= 6
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            text = " ".join(str(value) for row in cursor.fetchall() for value in row)
            assert not [c for c in planted if c in text], table


def test_the_clients_own_phrases_are_to_hand_on_her_check_in_and_nowhere_for_the_others(
    cast: Cast, link: PartnerLink, client_for: Any
) -> None:
    from attune.core import policy
    from attune.skills import perms as skills_perms
    from attune.skills import services as skills

    words = canary("GroundingPhrase", "text")
    skills.add_phrase(policy.own(cast.dana, skills_perms.WRITE_DIARY), f"I'd like to slow down {words}")
    page = reverse("couples:check_in", args=[link.pk])
    mine = client_for(cast.dana).get(page).content.decode()
    assert words in mine and "Only you can see these" in mine
    for other in (cast.frank, cast.alice):
        body = client_for(other).get(page).content.decode()
        assert words not in body and "Your own phrases" not in body
