"""Goal Attainment Scaling T-score (Kiresuk & Sherman 1968): a worked example checked by hand, and properties.

T = 50 + 10 * sum(w_i * x_i) / sqrt((1 - rho) * sum(w_i^2) + rho * (sum w_i)^2)
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from attune.measures.scoring import gas_t_score

scores = st.lists(st.integers(-2, 2), min_size=1, max_size=10)
rhos = st.floats(0, 0.9)


def goals(min_size: int = 1) -> st.SearchStrategy[list[tuple[int, int]]]:
    return st.lists(st.tuples(st.integers(-2, 2), st.integers(1, 5)), min_size=min_size, max_size=10)


def test_worked_example_checked_by_hand() -> None:
    """Dana's three goals in the demo, weights 2, 2, 1, rated +1, 0, +1 at the twelfth session.

    sum(w*x)      = 2*1 + 2*0 + 1*1          = 3
    sum(w^2)      = 4 + 4 + 1                = 9
    (sum w)^2     = (2 + 2 + 1)^2            = 25
    denominator   = sqrt(0.7*9 + 0.3*25)     = sqrt(6.3 + 7.5) = sqrt(13.8) = 3.714835...
    T             = 50 + 10 * 3 / 3.714835   = 50 + 8.07574... = 58.0757...  (58 when rounded)
    """
    t = gas_t_score([1, 0, 1], [2, 2, 1])
    assert t == pytest.approx(58.0757, abs=1e-4)
    assert round(t) == 58


def test_worked_example_with_another_rho() -> None:
    # rho = 0: denominator sqrt(sum w^2) = 3, so T = 50 + 10 * 3 / 3 = 60 exactly.
    assert gas_t_score([1, 0, 1], [2, 2, 1], rho=0) == pytest.approx(60.0)
    # One goal: the denominator is w whatever rho, so T = 50 + 10 * x.
    assert gas_t_score([2], [4], rho=0.6) == pytest.approx(70.0)


@given(goals(), rhos)
def test_matches_the_formula(pairs: list[tuple[int, int]], rho: float) -> None:
    x, w = [p[0] for p in pairs], [p[1] for p in pairs]
    expected = 50 + 10 * sum(a * b for a, b in zip(w, x, strict=True)) / math.sqrt(
        (1 - rho) * sum(b * b for b in w) + rho * sum(w) ** 2
    )
    assert gas_t_score(x, w, rho=rho) == pytest.approx(expected)


@given(goals(), rhos)
def test_goals_met_as_expected_give_50_whatever_the_weights(pairs: list[tuple[int, int]], rho: float) -> None:
    assert gas_t_score([0] * len(pairs), [p[1] for p in pairs], rho=rho) == pytest.approx(50)


@given(goals(), st.integers(2, 7), rhos)
def test_scaling_every_weight_changes_nothing(pairs: list[tuple[int, int]], k: int, rho: float) -> None:
    x, w = [p[0] for p in pairs], [p[1] for p in pairs]
    assert gas_t_score(x, [k * b for b in w], rho=rho) == pytest.approx(gas_t_score(x, w, rho=rho))


@given(goals(), st.randoms(use_true_random=False))
def test_the_order_of_goals_does_not_matter(pairs: list[tuple[int, int]], random: object) -> None:
    shuffled = list(pairs)
    random.shuffle(shuffled)  # type: ignore[attr-defined]
    assert gas_t_score(*zip(*shuffled, strict=True)) == pytest.approx(gas_t_score(*zip(*pairs, strict=True)))


@given(goals(), st.data(), rhos)
def test_a_better_rating_never_lowers_the_score(pairs: list[tuple[int, int]], data: st.DataObject, rho: float) -> None:
    x, w = [p[0] for p in pairs], [p[1] for p in pairs]
    i = data.draw(st.integers(0, len(x) - 1))
    if x[i] == 2:
        return
    better = [*x[:i], x[i] + 1, *x[i + 1 :]]
    assert gas_t_score(better, w, rho=rho) > gas_t_score(x, w, rho=rho)


@given(goals(), rhos)
def test_the_score_stays_between_the_extremes(pairs: list[tuple[int, int]], rho: float) -> None:
    x, w = [p[0] for p in pairs], [p[1] for p in pairs]
    low, high = gas_t_score([-2] * len(x), w, rho=rho), gas_t_score([2] * len(x), w, rho=rho)
    assert low - 1e-9 <= gas_t_score(x, w, rho=rho) <= high + 1e-9
    assert high - 50 == pytest.approx(50 - low)


@pytest.mark.parametrize("rho", [-0.1, 1.0, 1.5])
def test_a_correlation_outside_0_to_1_is_refused(rho: float) -> None:
    with pytest.raises(ValueError):
        gas_t_score([1, 0], [1, 1], rho=rho)
