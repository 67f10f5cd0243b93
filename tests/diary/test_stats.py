"""Insights statistics (attune/diary/stats.py): the t quantile, mean intervals, the small-sample rule and counting."""

from __future__ import annotations

import datetime
import math

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from attune.diary import stats

# Student's t, 97.5th percentile, from published tables.
T_975 = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 9: 2.262, 10: 2.228, 20: 2.086, 30: 2.042, 120: 1.980}


@pytest.mark.parametrize(("df", "expected"), sorted(T_975.items()))
def test_t_quantile_matches_the_tables(df: int, expected: float) -> None:
    assert stats.t_quantile(0.975, df) == pytest.approx(expected, abs=5e-4)


def test_t_quantile_tends_to_the_normal_quantile() -> None:
    assert stats.t_quantile(0.975, 1_000_000) == pytest.approx(1.959964, abs=1e-4)


def test_t_quantile_rejects_impossible_probabilities() -> None:
    for p in (0.0, 1.0, -0.1, 1.5):
        with pytest.raises(ValueError):
            stats.t_quantile(p, 5)
    with pytest.raises(ValueError):
        stats.t_cdf(1.0, 0)


@given(st.floats(min_value=0.501, max_value=0.9995), st.integers(min_value=1, max_value=500))
def test_t_quantile_inverts_the_cdf(p: float, df: int) -> None:
    assert stats.t_cdf(stats.t_quantile(p, df), df) == pytest.approx(p, abs=1e-9)


@given(st.floats(min_value=0.001, max_value=0.999), st.integers(min_value=1, max_value=200))
def test_t_quantile_is_antisymmetric(p: float, df: int) -> None:
    assert stats.t_quantile(p, df) == pytest.approx(-stats.t_quantile(1 - p, df), abs=1e-9)


@given(st.floats(min_value=0.6, max_value=0.999), st.integers(min_value=1, max_value=200))
def test_more_data_gives_a_smaller_quantile(p: float, df: int) -> None:
    assert stats.t_quantile(p, df + 1) < stats.t_quantile(p, df)


@given(st.floats(min_value=-50, max_value=50), st.floats(min_value=-50, max_value=50), st.integers(1, 100))
def test_t_cdf_is_monotone(a: float, b: float, df: int) -> None:
    assume(a < b)
    assert stats.t_cdf(a, df) <= stats.t_cdf(b, df)


def test_the_interval_of_a_known_sample() -> None:
    interval = stats.mean_interval([10, 20, 30])
    assert interval is not None
    # mean 20, sd 10, n 3: 20 +/- 4.303 * 10 / sqrt(3)
    assert interval.mean == 20
    assert interval.half_width == pytest.approx(4.3027 * 10 / math.sqrt(3), abs=1e-3)
    assert interval.n == 3


def test_fewer_than_three_values_is_not_enough() -> None:
    assert stats.MIN_USES == 3
    assert stats.mean_interval([]) is None
    assert stats.mean_interval([5]) is None
    assert stats.mean_interval([5, 9]) is None
    assert stats.mean_interval([5, 9, 7]) is not None


values = st.lists(st.integers(min_value=-100, max_value=100), min_size=3, max_size=60)


@given(values)
def test_the_interval_contains_the_mean(sample: list[int]) -> None:
    interval = stats.mean_interval(sample)
    assert interval is not None
    assert interval.low <= interval.mean <= interval.high
    assert interval.mean == pytest.approx(sum(sample) / len(sample))
    assert min(sample) - 1e-9 <= interval.mean <= max(sample) + 1e-9


@given(values, st.integers(min_value=-50, max_value=50))
def test_shifting_the_data_shifts_the_interval(sample: list[int], shift: int) -> None:
    before, after = stats.mean_interval(sample), stats.mean_interval([v + shift for v in sample])
    assert before is not None and after is not None
    assert after.low == pytest.approx(before.low + shift, abs=1e-6)
    assert after.high == pytest.approx(before.high + shift, abs=1e-6)


@given(st.integers(min_value=-100, max_value=100), st.integers(min_value=3, max_value=30))
def test_identical_values_have_no_uncertainty(value: int, n: int) -> None:
    interval = stats.mean_interval([value] * n)
    assert interval is not None
    assert interval.low == pytest.approx(value) and interval.high == pytest.approx(value)


@settings(max_examples=50)
@given(values)
def test_repeating_the_sample_narrows_the_interval(sample: list[int]) -> None:
    assume(len(set(sample)) > 1)
    once, twice = stats.mean_interval(sample), stats.mean_interval(sample * 2)
    assert once is not None and twice is not None
    assert twice.half_width < once.half_width


def test_skill_effects_rank_the_largest_drop_first_and_small_samples_last() -> None:
    uses = [("breath", 60, 30), ("breath", 50, 25), ("breath", 70, 40)]
    uses += [("senses", 60, 50), ("senses", 50, 45), ("senses", 40, 30), ("senses", 55, 45)]
    uses += [("scan", 90, 10), ("scan", 80, 10)]  # a big drop, but only twice
    effects = stats.skill_effects(uses)
    assert [e.skill for e in effects] == ["breath", "senses", "scan"]
    assert effects[0].uses == 3 and effects[0].interval is not None
    assert effects[0].interval.mean == pytest.approx(85 / 3)
    assert effects[2].uses == 2 and not effects[2].enough


def test_compare_says_whether_the_best_is_clearly_ahead() -> None:
    clear = stats.skill_effects([("a", 50, 20)] * 2 + [("a", 50, 22)] + [("b", 50, 48), ("b", 50, 47), ("b", 50, 49)])
    comparison = stats.compare(clear)
    assert comparison is not None and comparison.best.skill == "a" and comparison.clearly_ahead
    close = stats.skill_effects(
        [("a", 50, 20), ("a", 50, 45), ("a", 50, 30), ("b", 50, 30), ("b", 50, 40), ("b", 50, 25)]
    )
    comparison = stats.compare(close)
    assert comparison is not None and not comparison.clearly_ahead
    assert stats.compare(stats.skill_effects([("a", 50, 20), ("a", 40, 20)])) is None


def test_by_week_counts_each_label_per_week_and_ignores_other_weeks() -> None:
    weeks = stats.week_starts(datetime.date(2026, 3, 18), 3)  # a Wednesday
    assert weeks == [datetime.date(2026, 3, 2), datetime.date(2026, 3, 9), datetime.date(2026, 3, 16)]
    days = [
        (datetime.date(2026, 3, 2), "tone"),
        (datetime.date(2026, 3, 8), "tone"),  # Sunday: still the first week
        (datetime.date(2026, 3, 17), "touch"),
        (datetime.date(2026, 2, 20), "tone"),  # before the window
    ]
    assert stats.by_week(days, weeks) == {"tone": [2, 0, 0], "touch": [0, 0, 1]}


def test_time_of_day_puts_hours_into_four_periods() -> None:
    result = stats.time_of_day([0, 5, 6, 11, 12, 17, 18, 23, 23])
    assert [(code, count) for code, _label, count in result] == [
        ("night", 2),
        ("morning", 2),
        ("afternoon", 2),
        ("evening", 3),
    ]


@given(st.lists(st.integers(min_value=0, max_value=23)))
def test_time_of_day_loses_no_hour(hours: list[int]) -> None:
    assert sum(count for _c, _l, count in stats.time_of_day(hours)) == len(hours)
