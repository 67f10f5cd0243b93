"""The pure monitoring rules: critical answers, reliable change (with sqrt(2)), the baseline, the comparison with
the previous score, cut-off crossings and when a schedule is due."""

from __future__ import annotations

import datetime
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from attune.measures import library
from attune.monitoring import rules

T0 = datetime.datetime(2025, 3, 1, 10, 0, tzinfo=datetime.UTC)


def points(*totals: float | None) -> list[rules.Point]:
    return [rules.Point(f"r{i}", T0 + datetime.timedelta(days=14 * i), t) for i, t in enumerate(totals)]


def phq9() -> rules.ChangeRule:
    return rules.change_rule(library.load("phq9").scoring)


# --- critical answers -------------------------------------------------------------------------------------


def test_phq9_item_9_above_not_at_all_is_critical() -> None:
    scoring = library.load("phq9").scoring
    assert rules.critical_thresholds(scoring) == {"phq9-9": 1.0}
    assert not rules.is_critical(scoring, "phq9-9", 0)
    assert all(rules.is_critical(scoring, "phq9-9", v) for v in (1, 2, 3))
    assert not rules.is_critical(scoring, "phq9-9", None)  # "prefer not to answer" is not an answer
    assert not rules.is_critical(scoring, "phq9-8", 3)


def test_any_item_an_instrument_marks_critical_counts() -> None:
    scoring = {"flags": {"harm": {"kind": "item", "item": "x-3", "at_least": 2, "critical": True}}}
    assert rules.is_critical(scoring, "x-3", 2) and not rules.is_critical(scoring, "x-3", 1)
    # An item flag that is not marked critical raises nothing.
    assert not rules.is_critical({"flags": {"f": {"kind": "item", "item": "x-3", "at_least": 1}}}, "x-3", 3)


def test_instruments_without_critical_items_have_none() -> None:
    for code in ("gad7", "pcl5", "brs", "ecr-rs"):
        assert rules.critical_thresholds(library.load(code).scoring) == {}


# --- reliable change --------------------------------------------------------------------------------------


def test_jacobson_truax_threshold_reproduces_the_check_vector() -> None:
    """INSTRUMENTS.md: SD 0.53, reliability 0.89 give a reliable-change threshold of 0.4872 points."""
    scoring = {"change": {"sd": 0.53, "reliability": {"alpha": 0.89}}}
    rule = rules.change_rule(scoring)
    assert rule.method == "jacobson-truax"
    assert rule.threshold == pytest.approx(0.4872, abs=5e-5)
    assert rule.threshold == pytest.approx(1.96 * math.sqrt(2) * 0.53 * math.sqrt(1 - 0.89))
    # Without the sqrt(2) the threshold would be about 0.345: a change of 0.40 must not count as reliable.
    assert rules.category(1.81, 1.81 + 0.40, rule) == "no reliable change"
    assert rules.category(1.81, 1.81 + 0.49, rule) == "reliable deterioration"
    assert rules.category(1.81, 1.81 - 0.49, rule) == "reliable improvement"


def test_the_lowest_of_a_published_reliability_range_is_used() -> None:
    rule = rules.change_rule({"change": {"sd": {"value": 10}, "reliability": {"alpha": [0.8, 0.91]}}})
    assert rule.threshold == pytest.approx(1.96 * math.sqrt(2) * 10 * math.sqrt(0.2))


def test_a_published_threshold_wins_and_is_recorded_with_its_source() -> None:
    rule = rules.change_rule(library.load("pcl5").scoring)
    # PCL-5 evidence (Marx et al. 2022), not the DSM-IV PCL's 5 points.
    assert (rule.method, rule.threshold, rule.cutoff) == ("published", 15.0, 33.0)
    assert "Marx et al. (2022)" in rule.source
    assert phq9().threshold == 6 and phq9().cutoff == 10


def test_a_published_sd_beside_a_published_threshold_is_computed_for_comparison_but_does_not_decide() -> None:
    rule = phq9()
    # Kocalevent et al. (2013): SD 3.5 in the general population; Kroenke et al. (2001): alpha 0.89.
    assert rule.computed == pytest.approx(1.96 * math.sqrt(2) * 3.5 * math.sqrt(1 - 0.89))
    assert rule.computed == pytest.approx(3.2175, abs=5e-4)
    assert "Kocalevent" in rule.computed_source
    # The published 6 points still decide: a fall of 4 is not reliable although it exceeds the computed 3.2.
    assert rules.category(14, 10, rule) == "no reliable change"
    assert rules.category(14, 8, rule) == "reliable improvement"


def test_without_threshold_or_sd_nothing_is_called_reliable() -> None:
    rule = rules.change_rule(library.load("ders16").scoring)  # reliability but no SD, no published threshold
    assert rule.method == "none" and rule.threshold is None
    assert rules.category(20, 70, rule) == "no reliable change"
    assert rules.evaluate(rule, points(20), points(20, 70)[1]) == []


def test_direction_comes_from_the_scoring_file() -> None:
    assert phq9().lower_is_better
    assert not rules.change_rule(library.load("brs").scoring).lower_is_better
    # PC-PTSD-5 says nothing: higher is worse, as for every symptom measure.
    assert rules.change_rule(library.load("pcptsd5").scoring).lower_is_better
    csi = rules.change_rule(library.load("csi16").scoring)
    assert rules.in_clinical_range(40, csi) and not rules.in_clinical_range(60, csi)


def test_a_change_of_exactly_the_threshold_is_reliable() -> None:
    assert rules.category(10, 16, phq9()) == "reliable deterioration"
    assert rules.category(10, 15, phq9()) == "no reliable change"


# --- baseline and comparisons -----------------------------------------------------------------------------


def test_the_baseline_is_the_first_scored_response() -> None:
    history = points(None, 12, 20)
    assert rules.baseline_of(history) == history[1]
    assert rules.baseline_of(points(None, None)) is None


def test_deterioration_against_the_baseline() -> None:
    history, now = points(8), points(8, 14)[1]
    (finding, cut) = rules.evaluate(phq9(), history, now)
    assert (finding.kind, finding.against, finding.before, finding.after) == ("deterioration", "baseline", 8, 14)
    assert (cut.kind, cut.direction) == ("cutoff", "in")


def test_an_unscored_first_response_is_not_the_baseline() -> None:
    *history, now = points(None, 5, 9)
    assert rules.evaluate(phq9(), history, now) == []  # 5 -> 9: within the threshold of the real baseline


def test_deterioration_against_the_previous_score_only() -> None:
    # Baseline 12; previous 6 (an improvement); now 13: within 6 of the baseline, but 7 worse than last time.
    *history, now = points(12, 6, 13)
    kinds = {(f.kind, f.against) for f in rules.evaluate(phq9(), history, now)}
    assert ("deterioration", "previous") in kinds
    assert ("deterioration", "baseline") not in kinds


def test_deterioration_against_both() -> None:
    *history, now = points(4, 5, 12)
    found = {(f.kind, f.against) for f in rules.evaluate(phq9(), history, now)}
    assert {("deterioration", "baseline"), ("deterioration", "previous")} <= found


def test_a_persisting_deterioration_against_the_baseline_is_raised_once() -> None:
    *history, now = points(4, 11, 12)  # already 7 worse last time; only 1 worse than that now
    assert not [f for f in rules.evaluate(phq9(), history, now) if f.kind == "deterioration"]


def test_improvement_is_recorded_when_first_reached() -> None:
    *history, now = points(20, 17, 13)
    assert [(f.kind, f.against, f.before, f.after) for f in rules.evaluate(phq9(), history, now)] == [
        ("improvement", "baseline", 20, 13)
    ]
    *history, now = points(20, 13, 12)
    assert not [f for f in rules.evaluate(phq9(), history, now) if f.kind == "improvement"]


def test_crossing_the_cutoff_either_way_is_recorded() -> None:
    *history, now = points(12, 9)
    assert [(f.kind, f.direction) for f in rules.evaluate(phq9(), history, now)] == [("cutoff", "out")]
    *history, now = points(12, 9, 10)
    assert [(f.kind, f.direction) for f in rules.evaluate(phq9(), history, now)] == [("cutoff", "in")]


def test_the_first_response_is_only_a_baseline() -> None:
    assert rules.evaluate(phq9(), [], points(25)[0]) == []


@given(st.lists(st.integers(0, 27), min_size=1, max_size=6), st.integers(0, 27))
def test_deterioration_is_never_raised_for_a_change_below_the_threshold(earlier: list[int], now: int) -> None:
    history = points(*earlier)
    current = rules.Point("now", T0 + datetime.timedelta(days=400), now)
    for finding in rules.evaluate(phq9(), history, current):
        if finding.kind in {"deterioration", "improvement"}:
            assert abs(finding.after - finding.before) >= 6
        if finding.kind == "deterioration":
            assert finding.after > finding.before


def test_the_band_is_the_threshold_either_side_of_the_baseline() -> None:
    assert rules.band_around(40, rules.change_rule(library.load("pcl5").scoring)) == (25, 55)
    assert rules.band_around(20, rules.change_rule(library.load("ders16").scoring)) is None


# --- schedules --------------------------------------------------------------------------------------------

D = datetime.date(2025, 5, 12)


def days(n: int) -> datetime.date:
    return D + datetime.timedelta(days=n)


@pytest.mark.parametrize(
    ("today", "state"),
    [(days(-1), "upcoming"), (days(0), "due"), (days(2), "due"), (days(3), "overdue")],
)
def test_every_n_days_from_the_start_then_overdue_after_a_grace_of_two_days(today: datetime.date, state: str) -> None:
    assert rules.due("weeks", 7, D, None, [], today) == rules.Due(state, D)


def test_the_next_due_date_follows_the_last_completion() -> None:
    assert rules.due("weeks", 14, D, days(3), [], days(10)) == rules.Due("upcoming", days(17))
    assert rules.due("days", 3, D, days(3), [], days(6)) == rules.Due("due", days(6))


def test_once_is_done_after_one_completion() -> None:
    assert rules.due("once", 1, D, None, [], days(5)) == rules.Due("overdue", D)
    assert rules.due("once", 1, D, days(1), [], days(5)) == rules.Due("done")


def test_before_each_session() -> None:
    sessions = [days(-7), days(10)]
    assert rules.due("session", 1, days(-30), None, sessions, D) == rules.Due("upcoming", days(10))
    assert rules.due("session", 1, days(-30), None, sessions, days(4)) == rules.Due("due", days(10))
    assert rules.due("session", 1, days(-30), None, sessions, days(8)) == rules.Due("overdue", days(10))
    # Completed since the last session: this one is covered.
    assert rules.due("session", 1, days(-30), days(-2), sessions, days(8)).state == "done"
    # Completed on the day of the last session: that was for the last one.
    assert rules.due("session", 1, days(-30), days(-7), sessions, days(8)).state == "overdue"
    # No session ahead: nothing to do.
    assert rules.due("session", 1, days(-30), None, [days(-7)], D).state == "done"


def test_time_estimates_round_up_to_whole_minutes() -> None:
    assert rules.minutes_for(len(library.load("phq9").items)) == 2
    assert rules.minutes_for(len(library.load("pcl5").items)) == 3
    assert rules.minutes_for(1) == 1
