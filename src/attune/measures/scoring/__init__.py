"""Pure scoring of the instrument library: plain data in, plain data out. Imports nothing from Django.

Public interface:

    score(instrument_or_code, answers, thresholds=None) -> ScoreResult
        One response. `answers` is either a sequence in the order of `Instrument.item_ids` or a mapping
        linkId -> value; a value is the answer's ordinal (as in the Questionnaire's ordinalValue) or None for a
        skipped question. Raises InvalidAnswer (a ValueError) for a value that is not an answer to its item.

        ScoreResult (frozen):
            total           int for sum scales, float with 2 decimals for mean scales; None when not scored
                            and always None for ECR-RS, which is reported on its two dimensions only
            subscales       {name: value or None}, e.g. cluster_b..cluster_e (PCL-5), anxiety/avoidance (ECR-RS)
            band            lower-case label describing the score ("moderate"; for ECR-RS a descriptive
                            quadrant such as "lower anxiety, higher avoidance"), None when there is none
            flags           {name: bool}, e.g. PHQ-9 critical, positive_screen, major_depressive_syndrome
            answered        how many of the scored items were answered
            missing_rule    the missing-item rule as applied, in words (below)
            scored          whether the headline score could be given under the rule
            critical_items  linkIds of answers that need attention now (PHQ-9 item 9 above 0)

    score_batch(instrument_or_code, matrix, thresholds=None) -> dict[str, numpy array]
        Many responses at once: `matrix` has one row per response and one column per scored item, NaN (or
        None) for skipped. Columns returned, each one value per row: "total" (NaN when not scored, and always
        NaN for ECR-RS, which has no total), one per subscale, "band" (str, "" when none), one bool column per
        flag, "answered" (int), "missing_rule" (str), "scored" (bool). InvalidAnswer.row/.column locate the
        first bad cell.

    `thresholds` overrides a configurable flag threshold by flag name, e.g. {"probable_ptsd": 31} for PCL-5.

Every score carries its missing-item rule in words: "complete", "prorated: 1 item skipped", "not scored: too many
items skipped" (PC-PTSD-5 also "complete: no exposure reported"). Sum scales prorate as round(sum of answered x
items / answered), half up; mean scales take the mean of the answered items; each scale allows at most the
number of skipped items its scoring file gives. Flags and critical items always read the answered items, whatever
the rule, so a skipped question never hides an answer that needs attention: a threshold flag on a response
that could not be scored compares the sum of the answered items (a floor, as skipped items can only add).

CSV files: `csvfile.score_csv(code, source, target)` (the `attune score` command). The same rules as polars
expressions, for scoring inside polars' streaming engine: `expressions.score_frame(plan, frame, answers)`.

Change over time and goal attainment (see `change`): reliable_change, reliable_change_threshold,
clinical_cutoffs, change_category, change_spec (what a scoring file says about change: the published threshold,
Jacobson & Truax's threshold from a published SD and reliability, criterion c from published norms),
published_change, instrument_change, gas_t_score.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from attune.measures import library
from attune.measures.scoring.change import (
    ChangeResult,
    ChangeSpec,
    Cutoffs,
    change_category,
    change_spec,
    clinical_cutoffs,
    gas_t_score,
    instrument_change,
    published_change,
    reliable_change,
    reliable_change_threshold,
)
from attune.measures.scoring.engine import Columns, InvalidAnswer, run
from attune.measures.scoring.plan import Plan, compile_plan, plan_for

__all__ = [
    "ChangeResult",
    "ChangeSpec",
    "Columns",
    "Cutoffs",
    "InvalidAnswer",
    "ScoreResult",
    "change_category",
    "change_spec",
    "clinical_cutoffs",
    "gas_t_score",
    "instrument_change",
    "published_change",
    "reliable_change",
    "reliable_change_threshold",
    "score",
    "score_batch",
]

Answer = float | int | None


@dataclass(frozen=True)
class ScoreResult:
    """One scored response. Numbers are ints for sum scales and 2-decimal floats for mean scales."""

    total: float | None
    subscales: dict[str, float | None] = field(default_factory=dict)
    band: str | None = None
    flags: dict[str, bool] = field(default_factory=dict)
    answered: int = 0
    missing_rule: str = ""
    scored: bool = False
    critical_items: list[str] = field(default_factory=list)


def score(
    instrument_or_code: library.Instrument | str,
    answers: Sequence[Answer] | Mapping[str, Answer],
    thresholds: Mapping[str, float] | None = None,
) -> ScoreResult:
    instrument = library.load(instrument_or_code) if isinstance(instrument_or_code, str) else instrument_or_code
    plan = _plan(instrument)
    columns = run(plan, np.array([_row(instrument, answers)], dtype=np.float64), thresholds)
    flags = {flag.name: bool(columns[flag.name][0]) for flag in plan.flags}
    return ScoreResult(
        total=_number(columns["total"][0], plan.total.decimals if plan.total else 2),
        subscales={s.name: _number(columns[s.name][0], s.decimals) for s in plan.subscales},
        band=str(columns["band"][0]) or None,
        flags=flags,
        answered=int(columns["answered"][0]),
        missing_rule=str(columns["missing_rule"][0]),
        scored=bool(columns["scored"][0]),
        critical_items=[f.item_id for f in plan.flags if f.kind == "item" and f.critical and flags[f.name]],
    )


def score_batch(
    instrument_or_code: library.Instrument | str,
    matrix: npt.NDArray[np.float64] | Sequence[Sequence[Answer]],
    thresholds: Mapping[str, float] | None = None,
) -> Columns:
    instrument = library.load(instrument_or_code) if isinstance(instrument_or_code, str) else instrument_or_code
    plan = _plan(instrument)
    if not isinstance(matrix, np.ndarray):
        rows = [[np.nan if v is None else v for v in row] for row in matrix]
        matrix = np.array(rows, dtype=np.float64).reshape(-1, len(plan.item_ids))
    return run(plan, matrix, thresholds)


def _plan(instrument: library.Instrument) -> Plan:
    """The cached plan of a library instrument; one compiled afresh for an instrument a practice built itself."""
    if instrument.code in library.codes() and library.load(instrument.code).scoring is instrument.scoring:
        return plan_for(instrument.code)
    return compile_plan(instrument)


def _row(instrument: library.Instrument, answers: Sequence[Answer] | Mapping[str, Answer]) -> list[float]:
    if isinstance(answers, Mapping):
        known = {item["linkId"] for item in instrument.items}
        unknown = set(answers) - known
        if unknown:
            raise ValueError(f"{instrument.code}: no items {sorted(unknown)}")
        values = [answers.get(link_id) for link_id in instrument.item_ids]
    else:
        values = list(answers)
        if len(values) != len(instrument.item_ids):
            raise ValueError(f"{instrument.code} needs {len(instrument.item_ids)} answers, got {len(values)}")
    return [np.nan if v is None else float(v) for v in values]


def _number(value: float, decimals: int) -> float | None:
    if np.isnan(value):
        return None
    return int(value) if decimals == 0 else round(float(value), decimals)
