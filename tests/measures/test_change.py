"""Reliable and clinically significant change (Jacobson & Truax 1991) and Goal Attainment Scaling."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from attune.measures.scoring import (
    change_category,
    clinical_cutoffs,
    gas_t_score,
    published_change,
    reliable_change,
    reliable_change_threshold,
)


def test_check_vector_from_the_instrument_facts() -> None:
    # Dysfunctional mean 1.81, SD 0.53; functional mean 0.72, SD 0.57; reliability 0.89.
    cutoffs = clinical_cutoffs(1.81, 0.53, 0.72, 0.57, lower_is_better=True)
    assert round(cutoffs.a, 2) == 0.75
    assert round(cutoffs.b, 2) == 1.86
    assert round(cutoffs.c, 4) == 1.2848
    assert round(reliable_change_threshold(0.53, 0.89), 4) == 0.4872


def test_the_sqrt_2_is_not_forgotten() -> None:
    # Without sqrt(2) the threshold would be 1.96 x 0.53 x sqrt(0.11) = 0.3445.
    assert reliable_change_threshold(0.53, 0.89) == pytest.approx(1.96 * math.sqrt(2) * 0.53 * math.sqrt(0.11))
    assert reliable_change_threshold(0.53, 0.89) != pytest.approx(0.3445, abs=1e-3)


def test_reliable_change_index_is_vectorised() -> None:
    rc = np.asarray(reliable_change(np.array([1.81, 1.81]), np.array([1.81 - 0.4872, 1.81 + 0.5]), sd=0.53, r=0.89))
    assert rc[0] == pytest.approx(-1.96, abs=1e-3)
    assert rc[1] > 1.96


@given(st.floats(0.1, 50), st.floats(0, 0.99), st.floats(-100, 100))
def test_reliable_change_at_the_threshold_is_1_96(sd: float, r: float, start: float) -> None:
    threshold = reliable_change_threshold(sd, r)
    assert float(reliable_change(start, start + threshold, sd, r)) == pytest.approx(1.96)


def test_cutoffs_for_a_scale_where_higher_is_better() -> None:
    cutoffs = clinical_cutoffs(3.0, 0.5, 4.0, 0.4, lower_is_better=False)
    assert (cutoffs.a, cutoffs.b) == pytest.approx((4.0, 3.2))
    assert cutoffs.c == pytest.approx((0.4 * 3.0 + 0.5 * 4.0) / 0.9)


@pytest.mark.parametrize("bad", [(0.0, 0.8), (-1.0, 0.8), (1.0, 1.0), (1.0, -0.1)])
def test_reliable_change_refuses_impossible_inputs(bad: tuple[float, float]) -> None:
    with pytest.raises(ValueError):
        reliable_change_threshold(*bad)


@pytest.mark.parametrize(
    ("before", "after", "category"),
    [
        (20, 16, "no reliable change"),
        (20, 14, "reliable improvement"),  # 6 points on the PHQ-9, still at or above 10
        (15, 9, "clinically significant improvement"),  # 6 points and now below the cut-off of 10
        (8, 14, "reliable deterioration"),
    ],
)
def test_phq9_published_change(before: int, after: int, category: str) -> None:
    result = published_change("phq9", before, after)
    assert result.category == category
    assert result.threshold == 6
    assert "NHS Talking Therapies" in result.source


def test_pcl5_published_change_uses_pcl5_evidence() -> None:
    # Marx et al. (2022): 15 points reliable; clinically significant when ending at 28 or below.
    assert published_change("pcl5", 50, 36).category == "no reliable change"  # 14: the old 5-point rule said yes
    assert published_change("pcl5", 50, 35).category == "reliable improvement"  # 15, but still above 28
    assert published_change("pcl5", 43, 28).category == "clinically significant improvement"  # 15, ends at 28
    assert published_change("pcl5", 40, 30).category == "no reliable change"  # 10: "clinically meaningful" no more
    assert published_change("gad7", 12, 8).threshold == 4


def test_instruments_without_a_published_threshold_say_so() -> None:
    with pytest.raises(ValueError, match="no published"):
        published_change("brs", 2.5, 3.5)


def test_change_on_a_scale_where_higher_is_better() -> None:
    assert change_category(3.0, 4.0, threshold=0.5, cutoff=3.5, lower_is_better=False) == (
        "clinically significant improvement"
    )
    assert change_category(4.0, 3.0, threshold=0.5, lower_is_better=False) == "reliable deterioration"


def test_goal_attainment_example_from_the_instrument_facts() -> None:
    assert gas_t_score([-2, 0, -1, 2, 0, 1], [3, 5, 1, 4, 2, 6]) == pytest.approx(55.0)


def test_goals_met_as_expected_give_50() -> None:
    assert gas_t_score([0, 0, 0]) == 50
    assert gas_t_score([0, 0], [2, 7]) == 50


@given(st.lists(st.integers(-2, 2), min_size=1, max_size=8))
def test_gas_is_symmetric_around_50(scores: list[int]) -> None:
    assert gas_t_score(scores) - 50 == pytest.approx(50 - gas_t_score([-s for s in scores]))


@pytest.mark.parametrize(("scores", "weights"), [([3], None), ([0, 1], [1]), ([], None), ([1], [0])])
def test_gas_refuses_bad_input(scores: list[int], weights: list[int] | None) -> None:
    with pytest.raises(ValueError):
        gas_t_score(scores, weights)
