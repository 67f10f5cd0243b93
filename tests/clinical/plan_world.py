"""Treatment plans and goals for the standing cast, with a canary in every encrypted field.

dana (alice): a plan saved twice (so a revision holds the first formulation), three goals weighted 2, 2, 1, the
first revised once (its revision holds the old words) and the third set aside later; alice rated +1, 0, +1 and
dana gave her own view of the first goal with a note. eli (bob): a plan with one goal.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from attune.clinical.models import LEVEL_FIELDS, Goal, GoalRating, TreatmentPlan
from attune.clinical.services import GoalInput, PlanInput
from tests.cast import Cast, canary
from tests.clinical import through_policy as services


@dataclass
class PlanWorld:
    cast: Cast
    plan: TreatmentPlan
    goals: list[Goal]
    own_rating: GoalRating
    eli_plan: TreatmentPlan
    eli_goal: Goal

    @property
    def dana(self) -> Any:
        return self.cast.client("dana")

    @property
    def eli(self) -> Any:
        return self.cast.client("eli")


def plan_input() -> PlanInput:
    return PlanInput(canary("treatmentplan", "formulation_client"), canary("treatmentplan", "formulation_clinician"))


def goal_input(weight: int = 1, **extra: Any) -> GoalInput:
    levels = {name: canary("goal", name) for name in LEVEL_FIELDS}
    return GoalInput(title=canary("goal", "title"), weight=weight, interventions=["grounding"], **levels, **extra)


def build(cast: Cast) -> PlanWorld:
    alice, dana, eli = cast.alice, cast.client("dana"), cast.client("eli")
    plan = services.save_plan(alice, dana.pk, plan_input())
    plan = services.save_plan(alice, dana.pk, plan_input(), plan.version)
    goals = [services.add_goal(alice, dana.pk, plan.pk, goal_input(w)) for w in (2, 2, 1)]
    goals[0] = services.revise_goal(alice, dana.pk, goals[0].pk, goal_input(2), goals[0].version)
    for goal, score in zip(goals, (1, 0, 1), strict=True):
        services.rate_goal(alice, dana.pk, goal.pk, score)
    own = services.rate_goal(cast.dana, dana.pk, goals[0].pk, 2, canary("goalrating", "note"))
    eli_plan = services.save_plan(cast.bob, eli.pk, plan_input())
    eli_goal = services.add_goal(cast.bob, eli.pk, eli_plan.pk, goal_input())
    return PlanWorld(cast, plan, goals, own, eli_plan, eli_goal)


@pytest.fixture
def plan_world(cast: Cast) -> PlanWorld:
    return build(cast)
