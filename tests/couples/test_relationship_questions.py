"""How things are between you: each partner answers the relationship questionnaire (sixteen questions) through the
questionnaire engine, the partner as a respondent who has no client record. Answers are private to the person
who answers; the clinician sees each total side by side; each may show their total to the other, and stop."""

from __future__ import annotations

import datetime
import json
import uuid
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from attune.accounts.models import User
from attune.care.models import PartnerLink
from attune.core import policy
from attune.couples import perms, queries, services
from attune.couples.models import RelationshipQuestions, Rhythm
from attune.notify.models import Notification
from attune.privacy import export
from attune.questionnaires import services as questionnaires
from attune.questionnaires.models import Answer, Response
from tests.cast import Cast
from tests.couples import support

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("relationship_wording")]

ITEMS = [f"csi16-{n}" for n in range(1, 17)]


def answers(first: int, rest: int) -> dict[str, str]:
    return {link_id: str(first if link_id == "csi16-1" else rest) for link_id in ITEMS}


def turn(user: User, link: PartnerLink) -> RelationshipQuestions:
    located = support.link_as(user, link, perms.TAKE_PART)
    return services.start_relationship_questions(located.access, located.row)


def answer(user: User, link: PartnerLink, given: dict[str, str], *, send: bool = True) -> RelationshipQuestions:
    row = turn(user, link)
    access = support.link_as(user, link, perms.TAKE_PART).access
    services.answer_relationship_questions(access, row, given, send=send, submission_id=uuid.uuid4())
    return RelationshipQuestions.objects.select_related("response").get(pk=row.pk)


def show(user: User, row: RelationshipQuestions, shown: bool = True) -> None:
    located = policy.locate(user, RelationshipQuestions, row.pk, perms.TAKE_PART, entity="RelationshipQuestions")
    services.show_total(located.access, located.row, shown=shown)


def test_frank_answers_as_a_respondent_and_his_answers_stay_out_of_danas_record(
    cast: Cast, link: PartnerLink, client_for: Any
) -> None:
    row = answer(cast.frank, link, answers(2, 3))  # 2 + 15 x 3
    response = row.response
    assert response.respondent_id == cast.frank.pk and response.client_id == link.client_id
    assert response.status == "completed" and response.total == 47 and response.band == "below the distress cut-off"
    # Not in the client's record: no default query, page, alert or export about dana counts it.
    assert not Response.objects.filter(pk=response.pk).exists()
    assert not Answer.objects.filter(response_id=response.pk).exists()
    assert Answer.by_anyone.filter(response_id=response.pk, respondent=cast.frank).count() == 16
    measures = client_for(cast.alice).get(reverse("questionnaires:client_measures", args=[link.client_id]))
    assert str(response.pk) not in measures.content.decode()
    access = policy.client(cast.dana, link.client_id, perms.VIEW)
    tables = export.tables(access)
    dumped = json.dumps(tables, default=str)
    assert str(response.pk) not in dumped and str(row.pk) not in dumped


def test_answers_are_saved_to_finish_later_and_skips_are_kept(cast: Cast, link: PartnerLink) -> None:
    row = answer(cast.frank, link, {"csi16-1": "4", "csi16-2": services.SKIP}, send=False)
    assert row.response.status == "in-progress"
    values, given = questionnaires.values_of(row.response)
    assert values == {"csi16-1": 4.0, "csi16-2": None} and given == {"csi16-1", "csi16-2"}
    assert turn(cast.frank, link).pk == row.pk  # the same turn again, where he left it
    with pytest.raises(ValidationError):
        answer(cast.frank, link, {"csi16-3": "9"})


def test_private_until_shown_and_hidden_again(cast: Cast, link: PartnerLink, client_for: Any, api_for: Any) -> None:
    row = answer(cast.frank, link, answers(5, 4))  # 65
    page = reverse("couples:between_you", args=[link.pk])
    api = f"/api/v1/couples/{link.pk}/relationship-questions"
    assert str(row.pk) not in client_for(cast.dana).get(page).content.decode()
    assert str(row.pk) not in api_for(cast.dana).get(api).content.decode()
    assert "a total of 65" not in client_for(cast.dana).get(page).content.decode()
    show(cast.frank, row)
    assert "a total of 65 out of 81" in client_for(cast.dana).get(page).content.decode()
    listed = api_for(cast.dana).get(api).json()
    assert [(r["id"], r["total"], r["yours"]) for r in listed] == [(str(row.pk), 65.0, False)]
    show(cast.frank, row, shown=False)
    assert "a total of 65" not in client_for(cast.dana).get(page).content.decode()
    assert str(row.pk) not in api_for(cast.dana).get(api).content.decode()


def test_only_the_person_answers_and_shows_their_own(cast: Cast, link: PartnerLink) -> None:
    row = turn(cast.frank, link)
    access = support.link_as(cast.dana, link, perms.TAKE_PART).access
    with pytest.raises((PermissionDenied, policy.Http404)):
        services.answer_relationship_questions(access, row, answers(3, 3), send=True, submission_id=uuid.uuid4())
    with pytest.raises(PermissionDenied):  # the engine itself refuses anyone but the respondent
        questionnaires.for_answerer(access, row.response)
    with pytest.raises(ValidationError):  # a total is shown once it is sent
        show(cast.frank, row)


def test_a_respondent_is_never_given_an_instrument_that_can_need_an_alert(cast: Cast, link: PartnerLink) -> None:
    access = support.link_as(cast.frank, link, perms.TAKE_PART).access
    with pytest.raises(ValidationError):
        questionnaires.assign_to_respondent(access, "phq9", cast.frank.pk, perms.TAKE_PART)


def test_the_clinician_sees_both_totals_side_by_side_with_the_cut_off(
    cast: Cast, link: PartnerLink, client_for: Any
) -> None:
    answer(cast.dana, link, answers(4, 4))  # 64
    answer(cast.frank, link, answers(1, 2))  # 31
    located = support.link_as(cast.alice, link, perms.VIEW)
    couple = queries.couple(located.access, link)
    between = queries.side_by_side(located.access, couple, queries.turns(located.access, link))
    assert [(c.person.pk, [r.response.total for r in c.sent]) for c in between.columns] == [
        (cast.dana.pk, [64.0]),
        (cast.frank.pk, [31.0]),
    ]
    assert between.cutoff == 51.5 and between.threshold is None and "SD" in between.threshold_note
    body = client_for(cast.alice).get(reverse("couples:space", args=[link.pk])).content.decode()
    section = body.split('id="between-them"', 1)[1].split("</section>", 1)[0]
    assert ">64<" in section and ">31<" in section and "51.5" in section
    assert "Stand-in wording" not in section  # totals, never the answers


def test_the_clinician_sends_each_partner_their_turn_once(cast: Cast, link: PartnerLink) -> None:
    located = support.link_as(cast.alice, link, perms.SEND_QUESTIONS)
    first = services.send_relationship_questions(located.access, located.row)
    again = services.send_relationship_questions(located.access, located.row)
    assert {r.person_id for r in first} == {cast.dana.pk, cast.frank.pk}
    assert {r.pk for r in first} == {r.pk for r in again}
    by_person = {r.person_id: r.response for r in first}
    assert by_person[cast.dana.pk].respondent_id is None  # dana's is in her own record
    assert by_person[cast.frank.pk].respondent_id == cast.frank.pk
    told = Notification.objects.filter(target=f"/couples/{link.pk}/between-you/")
    assert {n.recipient_id for n in told} == {cast.dana.pk, cast.frank.pk}
    with pytest.raises(PermissionDenied):
        services.send_relationship_questions(support.link_as(cast.frank, link, perms.VIEW).access, link)


def test_offered_on_the_couples_rhythm_never_more_than_every_four_weeks(cast: Cast, link: PartnerLink) -> None:
    assert services.offer_relationship_questions(timezone.now()) == 0  # no rhythm chosen: nothing offered
    Rhythm.objects.create(client_id=link.client_id, link=link, every_days=7)
    assert services.offer_relationship_questions(timezone.now()) == 2
    assert services.offer_relationship_questions(timezone.now()) == 0  # waiting already
    row = answer(cast.frank, link, answers(3, 3))
    assert row.sent_as == "rhythm"
    assert services.offer_relationship_questions(timezone.now() + datetime.timedelta(days=14)) == 0
    assert services.offer_relationship_questions(timezone.now() + datetime.timedelta(days=29)) == 1  # frank's


def test_after_the_link_ends_frank_reaches_nothing(cast: Cast, link: PartnerLink, client_for: Any) -> None:
    row = answer(cast.frank, link, answers(3, 3))
    PartnerLink.objects.filter(pk=link.pk).update(ended=timezone.now())
    browser = client_for(cast.frank)
    assert browser.get(reverse("couples:between_you", args=[link.pk])).status_code == 404
    assert support.post(browser, reverse("couples:total_show", args=[row.pk]), {"show": "yes"}).status_code == 404
