"""Reliable change from the scoring files: PCL-5 re-based on PCL-5 evidence, Jacobson & Truax computed wherever a
file carries a published SD and reliability, criterion c from published norms, and the checks on those fields."""

import copy
import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from attune.measures import library
from attune.measures.scoring import (
    change_spec,
    clinical_cutoffs,
    instrument_change,
    reliable_change,
    reliable_change_threshold,
)

NO_SD = "no published sd in the library yet"


def rebuilt(code: str, **change: Any) -> library.Instrument:
    """A library instrument with its change section extended (through the same checks as a practice's file)."""
    instrument = library.load(code)
    scoring = copy.deepcopy(instrument.scoring)
    scoring["change"] = {**scoring.get("change", {}), **change}
    return library.build(code, copy.deepcopy(instrument.questionnaire), scoring)


# --- the check vector ---------------------------------------------------------------------------------------


def test_the_instruments_md_check_vector_through_a_scoring_file() -> None:
    """Dysfunctional mean 1.81, SD 0.53; functional mean 0.72, SD 0.57; reliability 0.89."""
    instrument = rebuilt(
        "ders16",
        sd={"value": 0.53, "source": "check vector"},
        reliability={"alpha": 0.89, "source": "check vector"},
        norms={
            "clinical": {"mean": 1.81, "sd": 0.53, "source": "check vector"},
            "functional": {"mean": 0.72, "sd": 0.57, "source": "check vector"},
        },
    )
    spec = change_spec(instrument)
    assert spec.method == "jacobson-truax"
    assert spec.jacobson_truax is not None and round(spec.jacobson_truax, 4) == 0.4872
    assert spec.cutoffs is not None
    assert (round(spec.cutoffs.a, 2), round(spec.cutoffs.b, 2), round(spec.cutoffs.c, 4)) == (0.75, 1.86, 1.2848)
    # The sqrt(2) is there: without it the threshold would be about 0.345, and 0.40 would count as reliable.
    assert instrument_change(instrument, 1.81, 1.81 + 0.40).category == "no reliable change"
    assert instrument_change(instrument, 1.81, 1.81 + 0.49).category == "reliable deterioration"
    assert instrument_change(instrument, 1.81, 1.81 - 0.49).category == "reliable improvement"
    # From above c to below it, reliably: clinically significant, with c as the criterion.
    result = instrument_change(instrument, 1.81, 1.20)
    assert result.category == "clinically significant improvement"
    assert result.cutoff == pytest.approx(1.2848, abs=5e-5)
    assert "criterion c" in result.cutoff_source


# --- every instrument with SD and reliability gets a threshold -----------------------------------------------


@pytest.mark.parametrize("code", library.codes())
def test_every_instrument_with_sd_and_reliability_gets_a_computed_threshold(code: str) -> None:
    spec = change_spec(code)
    if spec.sd is not None and spec.reliability is not None:
        assert spec.jacobson_truax == pytest.approx(1.96 * math.sqrt(2) * spec.sd * math.sqrt(1 - spec.reliability))
        assert spec.sd_source and spec.reliability_source
    else:
        assert spec.jacobson_truax is None
        # ...and its file says why, rather than leaving a reader to guess.
        assert NO_SD in library.load(code).scoring["change"]["sd_note"].lower()


@pytest.mark.parametrize("code", ["phq9", "pcl5", "brs", "csi16", "mspss", "ders16", "ecr-rs"])
def test_adding_a_published_sd_gives_each_instrument_a_threshold(code: str) -> None:
    spec = change_spec(rebuilt(code, sd={"value": 10, "source": "a test"}))
    assert spec.reliability is not None
    assert spec.jacobson_truax == pytest.approx(reliable_change_threshold(10, spec.reliability))
    # A published threshold still wins over the computed one; without one, the computed one is used.
    assert spec.method == ("published" if code in {"phq9", "pcl5"} else "jacobson-truax")


def test_the_lowest_published_reliability_is_used_and_alpha_before_test_retest() -> None:
    assert change_spec("brs").reliability == 0.8  # alpha .80-.91; test-retest .69/.62 not used
    assert change_spec("ecr-rs").reliability == 0.65  # only test-retest is published
    assert change_spec("gad7").reliability == 0.92


def test_instruments_without_a_threshold_of_any_kind_say_so() -> None:
    with pytest.raises(ValueError, match="no published SD"):
        instrument_change("brs", 2.5, 3.5)


# --- PCL-5 ---------------------------------------------------------------------------------------------------


def test_pcl5_threshold_comes_from_its_cited_pcl5_figure_not_5_points() -> None:
    spec = change_spec("pcl5")
    assert (spec.method, spec.threshold) == ("published", 15.0)
    assert spec.threshold not in (5.0, 10.0)
    assert "Marx et al. (2022)" in spec.source and "PCL-5" in spec.source
    change = library.load("pcl5").scoring["change"]
    assert change["reliable_change"]["range"] == [15, 18]
    assert change["reliable_change"]["evidence"] == "PCL-5"
    assert "why" in change["reliable_change"]
    assert any("Marx" in source and "2022" in source for source in library.load("pcl5").scoring["sources"])
    # The National Center for PTSD's figures are kept only to say why they are not used.
    assert "National Center for PTSD" not in spec.source
    assert "DSM-IV PCL" in change["not_used"][0]["why_not"]


def test_pcl5_clinically_significant_change_is_28_or_below() -> None:
    assert change_spec("pcl5").criterion()[:2] == (28.0, True)
    assert instrument_change("pcl5", 45, 28).category == "clinically significant improvement"
    assert instrument_change("pcl5", 45, 29).category == "reliable improvement"  # 16 points, but above 28
    assert instrument_change("pcl5", 28, 13).category == "reliable improvement"  # already at 28: no crossing
    assert instrument_change("pcl5", 30, 44).category == "no reliable change"
    assert instrument_change("pcl5", 30, 45).category == "reliable deterioration"
    # The screening cut-off for "probable PTSD" is unchanged.
    assert change_spec("pcl5").clinical_cutoff == 33


# --- property tests ------------------------------------------------------------------------------------------

scores = st.floats(-1000, 1000, allow_nan=False)
sds = st.floats(0.01, 100)
reliabilities = st.floats(0, 0.99)


@given(scores, scores, sds, reliabilities)
def test_rc_is_antisymmetric(x1: float, x2: float, sd: float, r: float) -> None:
    assert float(reliable_change(x1, x2, sd, r)) == pytest.approx(-float(reliable_change(x2, x1, sd, r)), abs=1e-9)


@given(scores, scores, sds, reliabilities, st.floats(0.01, 100))
def test_rc_scales_inversely_with_sd_and_the_threshold_with_sd(
    x1: float, x2: float, sd: float, r: float, k: float
) -> None:
    # Scaling the SD by k divides RC by k and multiplies the reliable-change threshold by k.
    assert float(reliable_change(x1, x2, k * sd, r)) == pytest.approx(float(reliable_change(x1, x2, sd, r)) / k)
    assert reliable_change_threshold(k * sd, r) == pytest.approx(k * reliable_change_threshold(sd, r))
    # Scaling the scores and the SD together leaves RC unchanged (it is unit-free).
    assert float(reliable_change(k * x1, k * x2, k * sd, r)) == pytest.approx(
        float(reliable_change(x1, x2, sd, r)), abs=1e-6
    )


@given(sds, reliabilities, sds, sds)
def test_criterion_c_lies_between_the_two_means(m0: float, r: float, s0: float, s1: float) -> None:
    del r
    m1 = m0 + 5
    c = clinical_cutoffs(m1, s1, m0, s0).c
    assert m0 <= c <= m1


# --- the loader refuses bad values ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"sd": 0}, "change.sd must be greater than 0"),
        ({"sd": -3.5}, "change.sd must be greater than 0"),
        ({"sd": "14"}, "change.sd must be a number"),
        ({"sd": {"value": 14}}, "change.sd needs a source"),
        ({"sd": {"value": float("nan"), "source": "x"}}, "change.sd must be a number"),
        ({"reliability": {"alpha": 1.0, "source": "x"}}, r"reliability.alpha must be a reliability in \[0, 1\)"),
        ({"reliability": {"test_retest": [0.8, 1.2], "source": "x"}}, "reliability.test_retest must be"),
        ({"reliability": {"alpha": True}}, "reliability.alpha must be a number"),
        ({"reliable_change": {"points": 0, "source": "x"}}, "reliable_change.points must be greater than 0"),
        ({"reliable_change": {"points": 15}}, "reliable_change needs a source"),
        ({"reliable_change": {"points": []}}, "must not be an empty list"),
        ({"clinical_cutoff": {"value": None}}, "clinical_cutoff.value must be a number"),
        ({"direction": "up"}, "change.direction must be one of"),
        (
            {"clinically_significant": {"functional_at_or_above": 28, "source": "x"}},
            "needs functional_at_or_below",
        ),
        ({"norms": {"clinical": {"mean": 1.81, "sd": 0.53, "source": "x"}}}, "needs both clinical and functional"),
        (
            {
                "norms": {
                    "clinical": {"mean": 1.81, "sd": 0.53, "source": "x"},
                    "functional": {"mean": 0.72, "sd": 0, "source": "x"},
                }
            },
            "norms.functional.sd must be greater than 0",
        ),
    ],
)
def test_bad_change_values_are_refused_with_a_clear_error(change: dict[str, Any], message: str) -> None:
    with pytest.raises(library.DefinitionError, match=message) as refused:
        rebuilt("pcl5", **change)
    assert "instrument 'pcl5'" in str(refused.value)


def test_older_files_without_the_new_fields_still_load() -> None:
    instrument = library.load("pcl5")
    scoring = copy.deepcopy(instrument.scoring)
    scoring["change"] = {"reliable_change": {"points": 5, "source": "an older file"}, "sd": 14}
    built = library.build("pcl5", copy.deepcopy(instrument.questionnaire), scoring)
    assert change_spec(built).threshold == 5
    del scoring["change"]
    assert change_spec(library.build("pcl5", copy.deepcopy(instrument.questionnaire), scoring)).method == "none"
