"""Property tests of the scoring engine against a plain-Python reference, and the laws the scores must keep."""

from fractions import Fraction
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from attune.measures import library
from attune.measures.scoring import score, score_batch
from attune.measures.scoring.engine import round_half_up

CODES = library.codes()
Answers = list[float | None]


def answers_for(code: str, skip_rate: float = 0.0) -> st.SearchStrategy[Answers]:
    """Valid answers for every scored item, each skipped with about the given probability."""
    instrument = library.load(code)
    cells = []
    for link_id in instrument.item_ids:
        value = st.sampled_from(instrument.allowed_values(link_id))
        cells.append(st.one_of(st.none(), value) if skip_rate else value)
    return st.tuples(*cells).map(list)


def any_answers(skips: bool) -> st.SearchStrategy[tuple[str, Answers]]:
    return st.sampled_from(CODES).flatmap(lambda c: st.tuples(st.just(c), answers_for(c, 0.3 if skips else 0)))


def half_up(value: Fraction, decimals: int) -> Fraction:
    scaled = value * 10**decimals
    return Fraction(int(scaled + Fraction(1, 2)) if scaled >= 0 else -int(-scaled + Fraction(1, 2)), 10**decimals)


def reference(code: str, answers: Answers) -> dict[str, Any]:
    """The scoring rules written out longhand, one scale at a time, in exact arithmetic."""
    instrument = library.load(code)
    spec = instrument.scoring
    values = dict(zip(instrument.item_ids, answers, strict=True))
    gate = spec.get("gate")
    if gate and values[gate["item"]] == gate["closed_when"]:
        return {"total": 0, "subscales": {}, "gate_closed": True}
    for link_id in spec.get("reversed", []):
        value = values[link_id]
        if value is not None:
            allowed = instrument.allowed_values(link_id)
            values[link_id] = min(allowed) + max(allowed) - value

    def scale(scale_spec: dict[str, Any]) -> float | None:
        items = scale_spec.get("items") or instrument.item_ids
        given_values = [Fraction(v) for v in (values[i] for i in items) if v is not None]
        skipped = len(items) - len(given_values)
        if skipped > scale_spec.get("max_skipped", 0) or not given_values:
            return None
        if scale_spec["method"] == "sum":
            return int(half_up(sum(given_values, Fraction(0)) * len(items) / len(given_values), 0))
        return float(half_up(sum(given_values, Fraction(0)) / len(given_values), 2))

    return {
        "total": scale(spec["total"]) if spec.get("total") else None,
        "subscales": {name: scale(s) for name, s in spec.get("subscales", {}).items()},
        "gate_closed": False,
    }


@settings(max_examples=400)
@given(any_answers(skips=True))
def test_engine_matches_the_longhand_rules(case: tuple[str, Answers]) -> None:
    code, answers = case
    result, expected = score(code, answers), reference(code, answers)
    assert result.total == expected["total"]
    if not expected["gate_closed"]:
        assert result.subscales == expected["subscales"]


@settings(max_examples=300)
@given(any_answers(skips=False))
def test_complete_answers_are_scored_within_bounds(case: tuple[str, Answers]) -> None:
    code, answers = case
    instrument = library.load(code)
    result = score(code, answers)
    assert result.scored
    assert result.missing_rule.startswith("complete")
    if instrument.scoring.get("total"):
        low, high = instrument.scoring["total"]["range"]
        assert result.total is not None and low <= result.total <= high
    for name, value in result.subscales.items():
        subscale = instrument.scoring["subscales"][name]
        allowed = [instrument.allowed_values(i) for i in subscale["items"]]
        if subscale["method"] == "sum":
            assert sum(map(min, allowed)) <= value <= sum(map(max, allowed))  # type: ignore[operator]
        else:
            assert min(map(min, allowed)) <= value <= max(map(max, allowed))  # type: ignore[operator]


@given(answers_for("pcl5"))
def test_pcl5_clusters_sum_to_the_total(answers: Answers) -> None:
    result = score("pcl5", answers)
    assert sum(result.subscales.values()) == result.total  # type: ignore[arg-type]


@given(answers_for("ders16"))
def test_ders16_subscales_sum_to_the_total(answers: Answers) -> None:
    result = score("ders16", answers)
    assert sum(result.subscales.values()) == result.total  # type: ignore[arg-type]


@given(answers_for("mspss"))
def test_mspss_total_is_the_mean_of_its_three_equal_subscales(answers: Answers) -> None:
    result = score("mspss", answers)
    assert result.total == pytest.approx(sum(result.subscales.values()) / 3, abs=0.01)  # type: ignore[arg-type]


@given(answers_for("brs", 0.1))
def test_brs_reversal_symmetry(answers: Answers) -> None:
    # Turning every answer round (x -> 6 - x) turns the keyed score round too: mean -> 6 - mean.
    result = score("brs", answers)
    mirrored = score("brs", [None if a is None else 6 - a for a in answers])
    if result.total is None:
        assert mirrored.total is None
    else:
        assert mirrored.total == pytest.approx(6 - result.total, abs=1e-9)


@given(answers_for("ecr-rs", 0.1))
def test_ecr_rs_reversal_symmetry(answers: Answers) -> None:
    result = score("ecr-rs", answers)
    mirrored = score("ecr-rs", [None if a is None else 8 - a for a in answers])
    for name, value in result.subscales.items():
        other = mirrored.subscales[name]
        assert (value is None and other is None) or other == pytest.approx(8 - value, abs=1e-9)  # type: ignore[operator]


@given(st.integers(1, 5), st.sampled_from([1, 3, 5]))
def test_brs_reversed_items_pull_the_other_way(level: int, forward: int) -> None:
    answers: Answers = [3.0] * 6
    answers[forward] = float(level)  # columns 1, 3, 5 are items 2, 4, 6: reversed
    assert score("brs", answers).total == pytest.approx((15 + 6 - level) / 6, abs=0.005)


@settings(max_examples=300)
@given(any_answers(skips=True))
def test_missing_rule_is_reported_with_every_score(case: tuple[str, Answers]) -> None:
    code, answers = case
    instrument = library.load(code)
    spec = instrument.scoring
    result = score(code, answers)
    if spec.get("gate") and answers[0] == spec["gate"]["closed_when"]:
        # The questions behind a closed gate are not part of the response, answered or not.
        assert (result.scored, result.missing_rule, result.answered) == (True, "complete: no exposure reported", 1)
        return
    assert result.answered == sum(a is not None for a in answers)
    given_answer = dict(zip(instrument.item_ids, answers, strict=True))
    # The headline scales decide: the total, or (ECR-RS, which has none) every subscale.
    headline = [spec["total"]] if spec.get("total") else list(spec["subscales"].values())
    scales = [(s.get("items") or instrument.item_ids, s.get("max_skipped", 0)) for s in headline]
    skipped_per_scale = [sum(given_answer[i] is None for i in items) for items, _ in scales]
    items_read = {i for items, _ in scales for i in items}
    skipped = sum(given_answer[i] is None for i in items_read)
    too_many = any(n > limit or n == len(items) for n, (items, limit) in zip(skipped_per_scale, scales, strict=True))
    if too_many:
        assert (result.scored, result.missing_rule) == (False, "not scored: too many items skipped")
    elif skipped == 0:
        assert (result.scored, result.missing_rule) == (True, "complete")
    else:
        plural = "s" if skipped > 1 else ""
        assert (result.scored, result.missing_rule) == (True, f"prorated: {skipped} item{plural} skipped")


@given(answers_for("phq9", 0.3))
def test_phq9_critical_item_reads_the_answer_whatever_the_rule(answers: Answers) -> None:
    result = score("phq9", answers)
    critical = answers[8] is not None and answers[8] >= 1
    assert result.flags["critical"] is critical
    assert result.critical_items == (["phq9-9"] if critical else [])


@settings(max_examples=200)
@given(any_answers(skips=True), st.data())
def test_count_and_item_flags_never_vanish_when_skipped_items_are_answered(
    case: tuple[str, Answers], data: st.DataObject
) -> None:
    code, answers = case
    instrument = library.load(code)
    if instrument.scoring.get("gate") and answers[0] is None:
        return  # answering the exposure question "no" legitimately closes every question behind it
    filled = [
        a if a is not None else data.draw(st.sampled_from(instrument.allowed_values(i)))
        for a, i in zip(answers, instrument.item_ids, strict=True)
    ]
    before, after = score(code, answers), score(code, filled)
    for name, spec in instrument.scoring["flags"].items():
        steady = spec["kind"] != "score" or not before.scored  # a floor only rises; a prorated total may fall
        if before.flags[name] and steady:
            assert after.flags[name], name


@given(answers_for("phq9", 0.2))
def test_phq9_band_matches_the_total(answers: Answers) -> None:
    result = score("phq9", answers)
    if result.total is None:
        assert result.band is None
    else:
        edges = [(4, "minimal"), (9, "mild"), (14, "moderate"), (19, "moderately severe"), (27, "severe")]
        assert result.band == next(label for top, label in edges if result.total <= top)


@settings(max_examples=50)
@given(st.sampled_from(CODES).flatmap(lambda c: st.tuples(st.just(c), st.lists(answers_for(c, 0.2), max_size=20))))
def test_batch_agrees_with_one_at_a_time(case: tuple[str, list[Answers]]) -> None:
    code, rows = case
    columns = score_batch(code, rows)
    for index, answers in enumerate(rows):
        single = score(code, answers)
        total = columns["total"][index]
        assert (single.total is None and np.isnan(total)) or single.total == pytest.approx(total)
        assert single.flags == {name: bool(columns[name][index]) for name in single.flags}
        assert single.missing_rule == columns["missing_rule"][index]
        assert single.answered == columns["answered"][index]


@given(st.integers(0, 10**6), st.integers(0, 3))
def test_round_half_up(units: int, decimals: int) -> None:
    value = units / 10 ** (decimals + 1)
    expected = half_up(Fraction(units, 10 ** (decimals + 1)), decimals)
    assert round_half_up(np.array([value]), decimals)[0] == pytest.approx(float(expected), abs=1e-12)
