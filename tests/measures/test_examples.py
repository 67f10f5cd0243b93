"""Every instrument against worked examples computed by hand from the published rules.

The arithmetic for each example is written out beside it, so a reader can check it without running anything.
"""

import pytest

from attune.measures.scoring import ScoreResult, score

_: None = None  # a skipped question


def check(result: ScoreResult, **expected: object) -> None:
    for field, value in expected.items():
        assert getattr(result, field) == value, field


# PHQ-9: sum of 9 items 0-3; bands 0-4, 5-9, 10-14, 15-19, 20-27; item 9 > 0 is critical.


def test_phq9_complete() -> None:
    # 0+1+2+3+0+1+2+3+1 = 13: moderate, positive screen; item 9 = 1 is critical.
    # Syndrome: needs item 1 or 2 at >= 2; item 1 = 0, item 2 = 1, so no.
    check(
        score("phq9", [0, 1, 2, 3, 0, 1, 2, 3, 1]),
        total=13,
        band="moderate",
        flags={"critical": True, "positive_screen": True, "major_depressive_syndrome": False},
        critical_items=["phq9-9"],
        missing_rule="complete",
        answered=9,
        scored=True,
    )


def test_phq9_major_depressive_syndrome() -> None:
    # Item 1 = 3 (>= 2); items at >= 2: 1, 2, 3, 4, 7 = five. Total 3+2+2+2+0+0+2+0+0 = 11.
    result = score("phq9", [3, 2, 2, 2, 0, 0, 2, 0, 0])
    check(result, total=11, band="moderate", critical_items=[])
    assert result.flags == {"critical": False, "positive_screen": True, "major_depressive_syndrome": True}


def test_phq9_item9_counts_for_the_syndrome_at_several_days() -> None:
    # Items at >= 2: 1, 2, 3, 4 = four; item 9 = 1 counts (it counts at >= 1): five.
    assert score("phq9", [2, 2, 2, 2, 0, 0, 0, 0, 1]).flags["major_depressive_syndrome"] is True
    assert score("phq9", [2, 2, 2, 2, 0, 0, 0, 0, 0]).flags["major_depressive_syndrome"] is False


def test_phq9_prorated_with_one_skipped() -> None:
    # 8 answered, sum 2+2+1+1+1+1+1+1 = 10; 10 x 9 / 8 = 11.25 -> 11. Item 9 skipped: no critical flag.
    check(
        score("phq9", [2, 2, 1, 1, 1, 1, 1, 1, _]),
        total=11,
        band="moderate",
        missing_rule="prorated: 1 item skipped",
        answered=8,
        critical_items=[],
    )


def test_phq9_prorating_rounds_halves_up() -> None:
    # 8 answered, sum 4: 4 x 9 / 8 = 4.5 -> 5 (mild, not minimal).
    check(score("phq9", [1, 1, 1, 1, 0, 0, 0, 0, _]), total=5, band="mild")


def test_phq9_not_scored_but_flags_still_read_the_answers() -> None:
    # Two skipped: no total. The answered items already sum to 3+3+3+3 = 12 >= 10, and item 9 = 2.
    result = score("phq9", [3, 3, 3, 3, _, _, 0, 0, 2])
    check(result, total=None, band=None, scored=False, missing_rule="not scored: too many items skipped")
    assert result.flags["positive_screen"] is True
    assert result.critical_items == ["phq9-9"]
    # Answered items summing to 9 cannot establish a positive screen.
    assert score("phq9", [3, 3, 3, _, _, 0, 0, 0, 0]).flags["positive_screen"] is False


@pytest.mark.parametrize(
    ("total", "band"),
    [(0, "minimal"), (4, "minimal"), (5, "mild"), (9, "mild"), (10, "moderate"), (14, "moderate"),
     (15, "moderately severe"), (19, "moderately severe"), (20, "severe"), (27, "severe")],
)  # fmt: skip
def test_phq9_band_edges(total: int, band: str) -> None:
    answers = [3] * (total // 3) + [total % 3] + [0] * 9
    result = score("phq9", answers[:9])
    assert (result.total, result.band) == (total, band)


# GAD-7: sum of 7 items 0-3; bands 0-4, 5-9, 10-14, 15-21; >= 10 positive screen.


def test_gad7() -> None:
    check(score("gad7", [1, 1, 1, 1, 1, 1, 1]), total=7, band="mild", flags={"positive_screen": False})
    check(score("gad7", [2, 2, 2, 2, 1, 1, 0]), total=10, band="moderate", flags={"positive_screen": True})
    # 6 answered, sum 18: 18 x 7 / 6 = 21.
    check(score("gad7", [3, 3, 3, 3, 3, 3, _]), total=21, band="severe", missing_rule="prorated: 1 item skipped")
    check(score("gad7", [3, 3, 3, 3, 3, _, _]), total=None, flags={"positive_screen": True}, scored=False)


# PCL-5: sum of 20 items 0-4; B 1-5, C 6-7, D 8-14, E 15-20; probable >= 33; provisional B1 C1 D2 E2 at >= 2.

PCL5_EXAMPLE = [1, 2, 0, 3, 1, 2, 0, 0, 1, 1, 2, 0, 0, 1, 3, 1, 2, 0, 0, 1]


def test_pcl5_clusters_and_provisional_rule() -> None:
    # B 1+2+0+3+1 = 7; C 2+0 = 2; D 0+1+1+2+0+0+1 = 5; E 3+1+2+0+0+1 = 7; total 21.
    # Symptoms (>= 2): B items 2, 4; C item 6; D item 11 only (needs 2); E items 15, 17. Not provisional.
    result = score("pcl5", PCL5_EXAMPLE)
    check(result, total=21, subscales={"cluster_b": 7, "cluster_c": 2, "cluster_d": 5, "cluster_e": 7})
    assert result.flags == {"probable_ptsd": False, "provisional_ptsd": False}
    # One more D item at 2 (item 8) meets D >= 2: now every cluster is met.
    met = [*PCL5_EXAMPLE[:7], 2, *PCL5_EXAMPLE[8:]]
    assert score("pcl5", met).flags["provisional_ptsd"] is True


def test_pcl5_probable_cut_off_is_configurable() -> None:
    answers = [2] * 16 + [0] * 4  # total 32
    assert score("pcl5", answers).flags["probable_ptsd"] is False
    assert score("pcl5", answers, thresholds={"probable_ptsd": 31}).flags["probable_ptsd"] is True
    assert score("pcl5", [2] * 16 + [1, 0, 0, 0]).flags["probable_ptsd"] is True  # 33
    with pytest.raises(ValueError, match="provisional_ptsd"):
        score("pcl5", answers, thresholds={"provisional_ptsd": 1})


def test_pcl5_prorated_total_and_clusters() -> None:
    # 18 answered, sum 72: 72 x 20 / 18 = 80. Cluster E lost 2 of 6 items (at most 1 allowed): not scored.
    result = score("pcl5", [4] * 18 + [_, _])
    check(result, total=80, missing_rule="prorated: 2 items skipped", answered=18)
    assert result.subscales == {"cluster_b": 20, "cluster_c": 8, "cluster_d": 28, "cluster_e": None}
    # Cluster D with one skipped: 6 answered at 3 = 18; 18 x 7 / 6 = 21.
    one_gap = [3] * 7 + [_] + [3] * 12
    assert score("pcl5", one_gap).subscales["cluster_d"] == 21
    assert score("pcl5", [4] * 17 + [_, _, _]).missing_rule == "not scored: too many items skipped"


# PC-PTSD-5: exposure, then 5 yes/no; score = number of yes; 0 without exposure; >= 3 positive.


def test_pcptsd5() -> None:
    check(score("pcptsd5", [1, 1, 1, 1, 0, 0]), total=3, flags={"positive_screen": True}, missing_rule="complete")
    check(score("pcptsd5", [1, 1, 1, 0, 0, 0]), total=2, flags={"positive_screen": False})
    check(
        score("pcptsd5", [0, _, _, _, _, _]),
        total=0,
        flags={"positive_screen": False},
        missing_rule="complete: no exposure reported",
        scored=True,
        answered=1,
    )
    # Answers behind a "no" are not part of the response (FHIR enableWhen), whatever they say.
    check(score("pcptsd5", [0, 1, 1, 1, 1, 1]), total=0, flags={"positive_screen": False})
    # The alternative cut-off of 4.
    assert score("pcptsd5", [1, 1, 1, 1, 0, 0], thresholds={"positive_screen": 4}).flags["positive_screen"] is False


def test_pcptsd5_skips() -> None:
    # One skipped after exposure: not scored, but three yes answers already make the screen positive.
    result = score("pcptsd5", [1, 1, 1, 1, _, 0])
    check(result, total=None, scored=False, flags={"positive_screen": True})
    assert score("pcptsd5", [1, 1, _, 0, 0, 0]).flags["positive_screen"] is False


# ECR-RS: avoidance = mean of 1-6 with 1-4 reversed (8 - x); anxiety = mean of 7-9; no total.


def test_ecr_rs_dimensions_and_descriptive_quadrant() -> None:
    # Reversed 2, 3, 1, 2 -> 6, 5, 7, 6; avoidance (6+5+7+6+5+6) / 6 = 35 / 6 = 5.83; anxiety (4+5+6) / 3 = 5.
    result = score("ecr-rs", [2, 3, 1, 2, 5, 6, 4, 5, 6])
    check(result, total=None, subscales={"anxiety": 5.0, "avoidance": 5.83}, band="higher anxiety, higher avoidance")
    # Reversed 7s -> 1s; avoidance (1+1+1+1+1+1) / 6 = 1; anxiety 4 = the midpoint.
    result = score("ecr-rs", [7, 7, 7, 7, 1, 1, 4, 4, 4])
    check(result, subscales={"anxiety": 4.0, "avoidance": 1.0}, band="mid-scale anxiety, lower avoidance")


def test_ecr_rs_missing() -> None:
    # Avoidance may lose one item: (6+5+7+5+6) / 5 = 5.8. Anxiety needs all three.
    check(score("ecr-rs", [2, 3, 1, _, 5, 6, 4, 5, 6]), subscales={"anxiety": 5.0, "avoidance": 5.8}, scored=True)
    result = score("ecr-rs", [2, 3, 1, 2, 5, 6, 4, 5, _])
    check(result, subscales={"anxiety": None, "avoidance": 5.83}, band=None, scored=False)


# CSI-16: sum, item 1 0-6, items 2-16 0-5; < 51.5 in the distress range.


def test_csi16() -> None:
    # 4 + (3+4+5+2+3+4+5+1+2+3+4+5+3+2+4 = 50) = 54.
    rest = [3, 4, 5, 2, 3, 4, 5, 1, 2, 3, 4, 5, 3, 2, 4]
    check(score("csi16", [4, *rest]), total=54, band="above the distress cut-off")
    # 1 + 50 = 51 < 51.5.
    check(score("csi16", [1, *rest]), total=51, band="below the distress cut-off")
    check(score("csi16", [6] + [5] * 15), total=81)
    with pytest.raises(ValueError, match="csi16-2"):
        score("csi16", [6, 6] + [5] * 14)  # only item 1 goes to 6


# BRS: mean of 6 items 1-5 with 2, 4, 6 reversed (6 - x); 1.00-2.99 low, 3.00-4.30 typical, 4.31-5.00 high.


def test_brs() -> None:
    # Keyed 4, 4, 5, 5, 4, 4 = 26 / 6 = 4.33: high.
    check(score("brs", [4, 2, 5, 1, 4, 2]), total=4.33, band="high")
    check(score("brs", [3, 3, 3, 3, 3, 3]), total=3.0, band="typical")
    # Keyed 2 throughout.
    check(score("brs", [2, 4, 2, 4, 2, 4]), total=2.0, band="low")
    # Keyed 4, 3, 4, 5, 5 (one skipped) = 21 / 5 = 4.2.
    check(score("brs", [4, 3, 4, 1, 5, _]), total=4.2, band="typical", missing_rule="prorated: 1 item skipped")


# MSPSS: means; significant other 1, 2, 5, 10; family 3, 4, 8, 11; friends 6, 7, 9, 12; total mean of 12.


def test_mspss() -> None:
    # SO 7+6+6+7 = 26 / 4 = 6.5; family 5+4+5+4 = 18 / 4 = 4.5; friends 3+2+3+2 = 10 / 4 = 2.5;
    # total 54 / 12 = 4.5: moderate.
    result = score("mspss", [7, 6, 5, 4, 6, 3, 2, 5, 3, 7, 4, 2])
    check(
        result,
        total=4.5,
        subscales={"significant_other": 6.5, "family": 4.5, "friends": 2.5},
        band="moderate",
    )


@pytest.mark.parametrize(
    ("points", "total", "band"),
    [(35, 2.92, "low"), (36, 3.0, "moderate"), (60, 5.0, "moderate"), (61, 5.08, "high")],
)
def test_mspss_bands(points: int, total: float, band: str) -> None:
    answers = [points // 12 + (1 if i < points % 12 else 0) for i in range(12)]
    check(score("mspss", answers), total=total, band=band)


def test_mspss_with_a_skip() -> None:
    # Total over 11 answered: 1+1+2+1+2+1+2+1+3+1+2 = 17 / 11 = 1.545 -> 1.55.
    # Friends (6, 7, 12; 9 skipped) 1+2+2 = 5 / 3 = 1.67; significant other (1, 2, 5, 10) 1+1+2+3 = 7 / 4 = 1.75.
    result = score("mspss", [1, 1, 2, 1, 2, 1, 2, 1, _, 3, 1, 2])
    check(result, total=1.55, band="low", missing_rule="prorated: 1 item skipped")
    assert result.subscales == {"significant_other": 1.75, "family": 1.25, "friends": 1.67}


# DERS-16: sum 16-80; clarity 1, 2; goals 3, 7, 15; impulse 4, 8, 11; strategies 5, 6, 12, 14, 16;
# nonacceptance 9, 10, 13.


def test_ders16() -> None:
    answers = [1, 2, 3, 4, 5, 1, 2, 3, 4, 5, 1, 2, 3, 4, 5, 1]
    # clarity 1+2 = 3; goals 3+2+5 = 10; impulse 4+3+1 = 8; strategies 5+1+2+4+1 = 13; nonacceptance 4+5+3 = 12.
    result = score("ders16", answers)
    check(
        result,
        total=46,
        band=None,
        subscales={"clarity": 3, "goals": 10, "impulse": 8, "strategies": 13, "nonacceptance": 12},
    )
    assert score("ders16", [1] * 16).total == 16
    assert score("ders16", [5] * 16).total == 80


def test_answers_by_link_id() -> None:
    by_id: dict[str, int | None] = {f"gad7-{i}": 2 for i in range(1, 8)}
    assert score("gad7", by_id).total == 14
    by_id["gad7-3"] = None
    assert score("gad7", by_id).missing_rule == "prorated: 1 item skipped"
    with pytest.raises(ValueError, match="phq9-1"):
        score("gad7", {"phq9-1": 1})


def test_out_of_range_answer_is_refused() -> None:
    with pytest.raises(ValueError, match="4 is not an answer to item phq9-3"):
        score("phq9", [0, 0, 4, 0, 0, 0, 0, 0, 0])
    with pytest.raises(ValueError, match="needs 9 answers"):
        score("phq9", [0, 0, 0])
