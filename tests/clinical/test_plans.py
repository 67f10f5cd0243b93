"""Treatment plans and goals: versions and history, the attainment score from the real computation, the client's
own view in plain words, and who may do what."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from attune.care.services import StaleWriteError
from attune.clinical import perms, queries
from attune.clinical.models import ClinicalSettings, Goal, GoalRevision, PlanRevision
from attune.core import policy
from tests.cast import CANARIES
from tests.clinical import through_policy as services
from tests.clinical.plan_world import PlanWorld, goal_input, plan_input
from tests.diary.support import canaries_in, post, send

pytestmark = pytest.mark.django_db


def test_the_plan_keeps_what_it_said_before(plan_world: PlanWorld) -> None:
    revision = PlanRevision.objects.get(plan=plan_world.plan)
    assert revision.version == 1 and revision.formulation_client.startswith("CANARY-treatmentplan-")
    assert revision.formulation_client != plan_world.plan.formulation_client


def test_a_stale_plan_or_goal_save_is_refused(plan_world: PlanWorld) -> None:
    alice, dana = plan_world.cast.alice, plan_world.dana
    with pytest.raises(StaleWriteError):
        services.save_plan(alice, dana.pk, plan_input(), 1)
    goal = plan_world.goals[0]
    with pytest.raises(StaleWriteError):
        services.revise_goal(alice, dana.pk, goal.pk, goal_input(), 1)


def test_revising_and_setting_aside_keep_the_history(plan_world: PlanWorld) -> None:
    alice, dana, goal = plan_world.cast.alice, plan_world.dana, plan_world.goals[2]
    old_title = goal.title
    goal = services.revise_goal(alice, dana.pk, goal.pk, goal_input(1), goal.version)
    goal = services.set_goal_status(alice, dana.pk, goal.pk, "set_aside")
    history = list(GoalRevision.objects.filter(goal=goal).order_by("version"))
    assert [h.version for h in history] == [1, 2] and history[0].title == old_title
    assert history[1].status == "active" and goal.status == "set_aside" and goal.version == 3
    assert goal.ratings.count() == 1  # its rating is kept
    with pytest.raises(ValidationError):
        services.rate_goal(alice, dana.pk, goal.pk, 1)


def _attainment(world: PlanWorld) -> queries.Attainment:
    access = policy.client(world.cast.alice, world.dana.pk, perms.VIEW_PLAN)
    cards = queries.goal_cards(access, world.plan)
    return queries.attainment(cards, queries.gas_rho(world.dana.practice_id))


def test_the_attainment_score_is_the_real_computation(plan_world: PlanWorld) -> None:
    score = _attainment(plan_world)
    assert (score.rated, score.active, score.rho) == (3, 3, 0.3)
    assert score.t_score is not None and round(score.t_score) == 58  # weights 2, 2, 1 rated +1, 0, +1
    # The client's own view (+2 on the first goal) is not the scale's score.
    services.set_goal_status(plan_world.cast.alice, plan_world.dana.pk, plan_world.goals[2].pk, "set_aside")
    left = _attainment(plan_world)
    # Weights 2, 2 rated +1, 0: 50 + 10 * 2 / sqrt(0.7 * 8 + 0.3 * 16) = 56.20.
    assert left.active == 2 and left.t_score is not None and round(left.t_score, 2) == 56.20


def test_the_practice_may_choose_another_correlation(plan_world: PlanWorld, client_for: Any) -> None:
    url = reverse("clinical:practice_settings", args=[plan_world.dana.practice_id])
    assert post(client_for(plan_world.cast.ada), url, {"gas_rho": "0"}).status_code == 302
    assert ClinicalSettings.objects.get(practice_id=plan_world.dana.practice_id).gas_rho == 0
    score = _attainment(plan_world)
    assert score.rho == 0 and score.t_score == pytest.approx(60.0)
    assert post(client_for(plan_world.cast.ada), url, {"gas_rho": "1"}).status_code == 200  # refused, shown again
    assert post(client_for(plan_world.cast.alice), url, {"gas_rho": "0.5"}).status_code == 403


WRITERS_REFUSED = [("dana", PermissionDenied), ("sam", PermissionDenied), ("frank", PermissionDenied),
                   ("bob", Http404), ("carol", Http404)]  # fmt: skip


@pytest.mark.parametrize(("who", "error"), WRITERS_REFUSED)
def test_only_the_care_team_writes_the_plan(plan_world: PlanWorld, who: str, error: type[Exception]) -> None:
    with pytest.raises(error):
        services.save_plan(getattr(plan_world.cast, who), plan_world.dana.pk, plan_input())


def test_the_client_sees_her_plan_in_plain_words_and_rates_her_progress(plan_world: PlanWorld, client_for: Any) -> None:
    browser = client_for(plan_world.cast.dana)
    page = browser.get(reverse("clinical:my_plan")).content.decode()
    assert plan_world.plan.formulation_client in page
    assert plan_world.plan.formulation_clinician not in page  # the clinician's formulation is the care team's
    for goal in plan_world.goals:
        assert goal.title in page
    for jargon in ("T-score", "GAS", "attainment", "weight", "Weight", "correlation"):
        assert jargon not in page
    goal = plan_world.goals[1]
    rating_page = browser.get(reverse("clinical:my_goal", args=[goal.pk])).content.decode()
    assert "Where we hoped to be" in rating_page and goal.level_0 in rating_page
    assert post(browser, reverse("clinical:my_goal", args=[goal.pk]), {"score": "1", "note": ""}).status_code == 302
    assert goal.ratings.filter(by_client=True, score=1).exists()


def test_the_care_team_pages(plan_world: PlanWorld, client_for: Any) -> None:
    browser, dana = client_for(plan_world.cast.alice), plan_world.dana.pk
    page = browser.get(reverse("clinical:plan", args=[dana])).content.decode()
    assert "Goal attainment (T-score): 58.1" in page
    assert plan_world.plan.formulation_clinician in page
    goal = plan_world.goals[0]
    detail = browser.get(reverse("clinical:goal", args=[dana, goal.pk])).content.decode()
    assert plan_world.own_rating.note in detail and "Version 1" in detail
    form = {"title": "Clearer words", "weight": "3", "version": goal.version, "level_0": "Half the time"}
    assert post(browser, reverse("clinical:goal", args=[dana, goal.pk]), form).status_code == 302
    stale = post(browser, reverse("clinical:goal", args=[dana, goal.pk]), form)
    assert stale.status_code == 409 and Goal.objects.get(pk=goal.pk).version == goal.version + 1
    new = {"title": "A fourth goal", "weight": "1", "interventions": ["exposure"]}
    assert post(browser, reverse("clinical:goal_new", args=[dana]), new).status_code == 302
    rate = post(browser, reverse("clinical:goal_rate", args=[dana, goal.pk]), {"score": "2"})
    assert rate.status_code == 302
    aside = post(browser, reverse("clinical:goal_status", args=[dana, goal.pk]), {"status": "set_aside"})
    assert aside.status_code == 302 and Goal.objects.get(pk=goal.pk).status == "set_aside"


@pytest.mark.parametrize(("who", "status"), [("sam", 403), ("ada", 403), ("frank", 403), ("bob", 404),
                                             ("carol", 404), ("rita", 404)])  # fmt: skip
def test_no_one_else_reads_the_plan(
    plan_world: PlanWorld, client_for: Any, api_for: Any, who: str, status: int
) -> None:
    user, dana = getattr(plan_world.cast, who), plan_world.dana.pk
    for response in (
        client_for(user).get(reverse("clinical:plan", args=[dana])),
        client_for(user).get(reverse("clinical:goal", args=[dana, plan_world.goals[0].pk])),
        api_for(user).get(reverse("api:get_treatment_plan", args=[dana])),
    ):
        assert response.status_code == status
        assert not canaries_in(response)


def test_the_api(plan_world: PlanWorld, api_for: Any) -> None:
    dana = plan_world.dana.pk
    team = api_for(plan_world.cast.alice).get(reverse("api:get_treatment_plan", args=[dana])).json()
    assert round(team["attainment"]["t_score"]) == 58 and len(team["goals"]) == 3
    assert team["formulation_clinician"] == plan_world.plan.formulation_clinician
    own = api_for(plan_world.cast.dana).get(reverse("api:get_treatment_plan", args=[dana])).json()
    assert own["attainment"] is None and own["formulation_clinician"] == ""
    api = api_for(plan_world.cast.alice)
    goal = plan_world.goals[1]
    stale = send(api, "PATCH", reverse("api:revise_goal", args=[dana, goal.pk]),
                 {"title": "x", "weight": 1, "version": goal.version + 5})  # fmt: skip
    assert stale.status_code == 409
    created = send(api, "POST", reverse("api:create_goal", args=[dana]), {"title": "New", "weight": 2})
    assert created.status_code == 201 and created.json()["weight"] == 2
    rated = send(api_for(plan_world.cast.dana), "POST", reverse("api:rate_goal", args=[dana, goal.pk]), {"score": -1})
    assert rated.status_code == 201 and rated.json()["by_client"] is True
    detail = api.get(reverse("api:get_goal", args=[dana, plan_world.goals[0].pk])).json()
    assert [h["version"] for h in detail["history"]] == [1]


def test_the_plan_page_queries_do_not_grow_with_goals(plan_world: PlanWorld, client_for: Any) -> None:
    browser, url = client_for(plan_world.cast.alice), reverse("clinical:plan", args=[plan_world.dana.pk])
    browser.get(url)
    with CaptureQueriesContext(connection) as few:
        browser.get(url)
    for _ in range(4):
        goal = services.add_goal(plan_world.cast.alice, plan_world.dana.pk, plan_world.plan.pk, goal_input())
        services.rate_goal(plan_world.cast.alice, plan_world.dana.pk, goal.pk, 1)
    with CaptureQueriesContext(connection) as many:
        browser.get(url)
    assert len(many) == len(few)


def test_no_plan_canary_reaches_the_database_unencrypted(plan_world: PlanWorld) -> None:
    planted = [c for c in CANARIES if c.split("-")[1] in {"treatmentplan", "goal", "goalrating"}]
    assert len(planted) > 10
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            text = " ".join(str(value) for row in cursor.fetchall() for value in row)
            assert not [c for c in planted if c in text], table
