"""The scoring plan as polars expressions agrees with the engine (the reference) for every instrument."""

import numpy as np
import polars as pl
import pytest

from attune.measures import library
from attune.measures.scoring import score_batch
from attune.measures.scoring.expressions import output_columns, score_frame
from attune.measures.scoring.plan import plan_for

CODES = library.codes()


def random_answers(code: str, rows: int, seed: int) -> np.ndarray:
    """Allowed answers, with a random share of skipped items per row (from none to all)."""
    plan = plan_for(code)
    rng = np.random.default_rng(seed)
    matrix = np.column_stack([rng.choice(allowed, size=rows) for allowed in plan.allowed]).astype(np.float64)
    skip_share = rng.random(rows)[:, None]
    matrix[rng.random(matrix.shape) < skip_share] = np.nan
    return matrix


def frame_of(matrix: np.ndarray, dtype: pl.DataType) -> pl.DataFrame:
    columns = {f"item{c + 1}": pl.Series(matrix[:, c], nan_to_null=True).cast(dtype) for c in range(matrix.shape[1])}
    return pl.DataFrame({"id": [f"r{n}" for n in range(len(matrix))], **columns})


def expected_columns(code: str, matrix: np.ndarray, thresholds: dict[str, float] | None) -> dict[str, list]:
    """The engine's columns, as the CSV writes them (null where blank)."""
    plan = plan_for(code)
    columns = score_batch(code, matrix, thresholds)
    decimals = {s.name: s.decimals for s in plan.subscales} | {"total": plan.total.decimals if plan.total else 2}
    out: dict[str, list] = {}
    for name in output_columns(plan):
        values = columns[name]
        if name in decimals:
            out[name] = [None if np.isnan(v) else round(float(v), decimals[name]) for v in values]
        elif name in ("band", "missing_rule"):
            out[name] = [str(v) or None for v in values]
        elif name == "answered":
            out[name] = [int(v) for v in values]
        else:
            out[name] = [bool(v) for v in values]
    return out


@pytest.mark.parametrize("dtype", [pl.UInt8, pl.Int64, pl.Float64], ids=["uint8", "int64", "float64"])
@pytest.mark.parametrize("code", CODES)
def test_polars_expressions_agree_with_the_engine(code: str, dtype: pl.DataType) -> None:
    plan = plan_for(code)
    matrix = random_answers(code, 4000, seed=len(code))
    frame = frame_of(matrix, dtype)
    items = [f"item{c + 1}" for c in range(len(plan.item_ids))]
    thresholds = {f.name: f.at_least - 1 for f in plan.flags if f.configurable} or None
    for given in (None, thresholds):
        scored = score_frame(plan, frame.lazy(), items, given).collect()
        assert scored.columns == [*frame.columns, *output_columns(plan), "invalid"]
        assert scored.select(frame.columns).equals(frame)  # the input columns pass through untouched
        assert not scored["invalid"].any()
        expected = expected_columns(code, matrix, given)
        for name, values in expected.items():
            got = scored[name].to_list()
            if name in ("total", *(s.name for s in plan.subscales)):
                got = [None if v is None else round(float(v), 2) for v in got]
            assert got == values, f"{code} {name}"


@pytest.mark.parametrize("code", CODES)
def test_an_answer_out_of_range_is_flagged_on_its_row(code: str) -> None:
    plan = plan_for(code)
    matrix = random_answers(code, 50, seed=3)
    matrix[17, len(plan.item_ids) - 1] = plan.highest[-1] + 1
    matrix[31, 0] = plan.lowest[0] - 1 if plan.lowest[0] > 0 else plan.highest[0] + 2
    items = [f"item{c + 1}" for c in range(len(plan.item_ids))]
    for dtype in (pl.Int64, pl.Float64):
        flagged = score_frame(plan, frame_of(matrix, dtype), items)["invalid"]
        assert flagged.arg_true().to_list() == [17, 31]
    matrix[5, 0] = plan.lowest[0] + 0.5
    flagged = score_frame(plan, frame_of(matrix, pl.Float64), items)["invalid"]
    assert flagged.arg_true().to_list() == [5, 17, 31]


def test_hidden_columns_never_clash_and_output_columns_are_refused() -> None:
    plan = plan_for("gad7")
    items = [f"item{c + 1}" for c in range(7)]
    frame = frame_of(random_answers("gad7", 20, seed=1), pl.Int64).with_columns(
        pl.lit("kept").alias("_" * 30), pl.lit("kept").alias("__________gate")
    )
    scored = score_frame(plan, frame, items)
    assert scored["_" * 30].to_list() == ["kept"] * 20 and scored["__________gate"].to_list() == ["kept"] * 20
    with pytest.raises(ValueError, match="already has a column 'total'"):
        score_frame(plan, frame.with_columns(total=pl.lit(1)), items)
    with pytest.raises(ValueError, match="needs 7 answer columns"):
        score_frame(plan, frame, items[:6])
