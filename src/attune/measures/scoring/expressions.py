"""An instrument's scoring plan as polars expressions, so that a large CSV file is read, scored and written in
polars' streaming engine, with no round trip through NumPy and Python for each batch.

    score_frame(plan, frame, answers, thresholds=None, invalid="invalid") -> frame

`frame` is a polars DataFrame or LazyFrame and `answers` names one column of it per item, in the plan's item
order, holding the answer as a number (null when skipped): an integer column (the usual case, exact integer
arithmetic) or a float one. The result is `frame` with the output columns after its own, named and in the order
of `csvfile.output_columns` and already as they are written: sums as whole numbers, means rounded to their
decimals, null where not scored, bands and missing-item rules as text, flags as booleans, `answered` as a
count; then a boolean column `invalid`, true on a row with an answer its item does not allow. The expressions
never decide an error message: the caller finds the row and names it.

The rules are those of `engine.run`, the reference that the worked examples and the properties test;
`tests/measures/test_expressions.py` checks that both give the same on random answers with skipped items, for
every instrument.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from attune.measures.scoring.engine import NO_EXPOSURE, NOT_SCORED, check_thresholds, describe_skipped
from attune.measures.scoring.plan import Flag, Index, Plan, Scale

if TYPE_CHECKING:
    import polars as pl
    from polars._typing import PolarsDataType

Frame = TypeVar("Frame", "pl.DataFrame", "pl.LazyFrame")


def output_columns(plan: Plan) -> list[str]:
    return [
        "total",
        *(s.name for s in plan.subscales),
        "band",
        *(f.name for f in plan.flags),
        "answered",
        "missing_rule",
    ]


def score_frame(
    plan: Plan,
    frame: Frame,
    answers: Sequence[str],
    thresholds: Mapping[str, float] | None = None,
    invalid: str = "invalid",
) -> Frame:
    """`frame` with the output columns and then `invalid` added after its own columns (module docstring).

    The work runs in stages that keep their results in hidden columns (dropped at the end), so that a sum that
    several outputs read is computed once.
    """
    import polars as pl

    if len(answers) != len(plan.item_ids):
        raise ValueError(f"{plan.code} needs {len(plan.item_ids)} answer columns, got {len(answers)}")
    thresholds = thresholds or {}
    check_thresholds(plan, thresholds)
    schema = frame.collect_schema()
    inputs: list[str] = schema.names()
    clashing = [name for name in (*output_columns(plan), invalid) if name in inputs]
    if clashing:
        raise ValueError(f"the frame already has a column {clashing[0]!r}")
    hidden = _Hidden(longer_than=[*inputs, invalid])
    whole = all(schema[a].is_integer() for a in answers)

    # 1. Answers checked; reversed items turned round; items behind a closed gate (the exposure question) blanked.
    # Whole answers stay integers (exact, and several times faster than floats with nulls); an item neither
    # reversed nor gated is read where it is.
    values = [pl.col(a) if whole else pl.col(a).cast(pl.Float64) for a in answers]
    keyed = list(values)
    for k, column in enumerate(plan.reversed_columns):
        turn = int(plan.reverse_sum[k]) if whole else float(plan.reverse_sum[k])
        keyed[column] = turn - (values[column].cast(pl.Int32) if whole else values[column])
    gate_closed: pl.Expr = pl.lit(False)
    if plan.gate_column >= 0:
        closed_value = plan.gate_closed_value
        closed = int(closed_value) if whole and closed_value.is_integer() else closed_value
        gate_closed = (values[plan.gate_column] == closed).fill_null(False)
        keyed = [
            k if c == plan.gate_column else pl.when(gate_closed).then(None).otherwise(k) for c, k in enumerate(keyed)
        ]
    moved = [c for c, k in enumerate(keyed) if k is not values[c]]
    packing = _packing(plan) if whole else None
    frame = frame.with_columns(
        *(keyed[c].alias(hidden("key", c)) for c in moved),
        *(_pack(k, *packing).alias(hidden("packed", c)) for c, k in enumerate(keyed)) if packing else (),
        gate_closed.alias(hidden("gate")),
        _invalid(plan, values, whole, [schema[a] for a in answers]).alias(invalid),
    )
    keyed = [pl.col(hidden("key", c)) if c in moved else k for c, k in enumerate(keyed)]
    gate_closed = pl.col(hidden("gate"))

    # 2. Per set of items (each scale's, the headline scales', all), the sum of the answered ones and how many
    # were answered. Packed answers give both from one sum.
    sets = {tuple(s.columns) for s in plan.scales} | {plan.headline_columns, tuple(range(len(keyed)))}
    if packing:
        frame = frame.with_columns(
            pl.sum_horizontal([pl.col(hidden("packed", c)) for c in columns]).alias(hidden("packed", columns))
            for columns in sets
        )
        _, shift = packing
        sums = {columns: pl.col(hidden("packed", columns)) & ((1 << shift) - 1) for columns in sets}
        counts = {columns: pl.col(hidden("packed", columns)) // (1 << shift) for columns in sets}
    else:
        frame = frame.with_columns(
            *(_sum([keyed[c] for c in columns]).alias(hidden("sum", columns)) for columns in sets),
            *(_count([keyed[c] for c in columns]).alias(hidden("count", columns)) for columns in sets),
        )
        sums = {columns: pl.col(hidden("sum", columns)) for columns in sets}
        counts = {columns: pl.col(hidden("count", columns)) for columns in sets}

    # 3. Per scale, its value under the missing-item rule (null when not scored), as it is written.
    scales = {s.name: _scale(s, sums[s.columns], counts[s.columns], whole) for s in plan.scales}
    if plan.total is not None:
        scales["total"] = pl.when(gate_closed).then(0).otherwise(scales["total"])
    floors = {s.name: sums[s.columns] for s in plan.scales if s.method == "sum"}
    frame = frame.with_columns(
        *(value.alias(hidden("scale", name)) for name, value in scales.items()),
        *(floor.alias(hidden("floor", name)) for name, floor in floors.items()),
        counts[plan.headline_columns].alias(hidden("headline")),
        counts[tuple(range(len(keyed)))].alias(hidden("answered")),
    )
    scales = {name: pl.col(hidden("scale", name)) for name in scales}
    # A threshold flag on a response that is not scored compares the sum of the answered items (engine._flags).
    floors = {name: pl.col(hidden("floor", name)) for name in floors}

    # 4. The output columns.
    scored = pl.all_horizontal([scales[s.name].is_not_null() for s in plan.headline]) | gate_closed
    skipped = len(plan.headline_columns) - pl.col(hidden("headline")).cast(pl.Int64)
    frame = frame.with_columns(
        scales.get("total", pl.lit(None, pl.Int64)).alias("total"),
        *(scales[s.name].alias(s.name) for s in plan.subscales),
        _band(plan, scales).alias("band"),
        *(_flag(flag, keyed, scales, floors, thresholds, whole).alias(flag.name) for flag in plan.flags),
        pl.col(hidden("answered")).cast(pl.Int64).alias("answered"),
        _missing_rule(plan, skipped, scored, gate_closed).alias("missing_rule"),
    )
    return frame.select(*inputs, *output_columns(plan), invalid)


def _packing(plan: Plan) -> tuple[PolarsDataType, int] | None:
    """How to pack whole answers so that one sum gives both the sum of the answered items and their number.

    An answered item becomes its value plus 2**shift, a skipped one 0; with every value from 0 to below
    2**shift and no sum of them reaching it, a sum of packed items holds the sum of the answered ones in its
    low `shift` bits and how many were answered above them. The type is the smallest that holds any sum."""
    import polars as pl

    if float(min(plan.lowest)) < 0:
        return None
    most = int(sum(plan.highest))  # no sum of items can exceed the sum of every item's highest answer
    shift = max(most.bit_length(), 1)
    limit = (len(plan.item_ids) << shift) + most
    for dtype, bits in ((pl.UInt16, 16), (pl.UInt32, 32), (pl.UInt64, 64)):
        if limit < 1 << bits:
            return dtype, shift
    return None


def _pack(keyed: pl.Expr, dtype: PolarsDataType, shift: int) -> pl.Expr:
    return (keyed.cast(dtype) + (1 << shift)).fill_null(0)


class _Hidden:
    """Names for the stages' own columns, each starting with more underscores than any name in use is long."""

    def __init__(self, longer_than: Sequence[str]) -> None:
        self.prefix = "_" * (max(map(len, longer_than)) + 1)

    def __call__(self, *parts: object) -> str:
        return self.prefix + ":".join(map(str, parts))


def _invalid(plan: Plan, values: list[pl.Expr], whole: bool, dtypes: list[pl.DataType]) -> pl.Expr:
    """True where an answer is neither blank nor one of its item's ordinal values (engine.validate)."""
    import polars as pl

    checks = []
    for column, value in enumerate(values):
        if plan.whole_ranges:
            lowest, highest = float(plan.lowest[column]), float(plan.highest[column])
            if whole:  # whole numbers already: the range is the whole check
                if not (lowest <= 0 and dtypes[column].is_unsigned_integer()):
                    checks.append(value < int(lowest))
                checks.append(value > int(highest))
            else:
                checks.append((value < lowest) | (value > highest) | (value != value.floor()))
        else:
            checks.append(~value.is_in([float(v) for v in plan.allowed[column]]))
    return pl.any_horizontal(checks).fill_null(False)


def _pick(keyed: list[pl.Expr], index: Index) -> list[pl.Expr]:
    return keyed[index] if isinstance(index, slice) else [keyed[c] for c in index]


def _sum(items: Sequence[pl.Expr]) -> pl.Expr:
    """The sum of the answered items (0 when none is)."""
    import polars as pl

    return pl.sum_horizontal([i.fill_null(0) for i in items])


def _count(items: Sequence[pl.Expr]) -> pl.Expr:
    """How many of the items are answered."""
    import polars as pl

    return pl.sum_horizontal([i.is_not_null() for i in items])


def _scale(scale: Scale, total: pl.Expr, count: pl.Expr, whole: bool) -> pl.Expr:
    """The scale under its missing-item rule, null when not scored (engine._scale), as csvfile writes it: a sum
    as a whole number (prorated: round(sum x items / answered), half up), a mean rounded half up to its
    decimals. (csvfile rounds the engine's value once more to its decimals, which changes nothing: the value is
    already a whole number of hundredths.)"""
    import polars as pl

    size = len(scale.columns)
    if scale.method == "sum":
        value = (total.cast(pl.Float64) * size / count + 0.5).floor().cast(pl.Int64)
        if not whole:  # a whole sum of every item gives itself back exactly: sum x size / size + 0.5, floored
            value = pl.when(count == size).then(total.cast(pl.Int64)).otherwise(value)
    else:
        factor = 10.0**scale.decimals
        value = ((total.cast(pl.Float64) / count) * factor + 0.5 + 1e-9).floor() / factor  # engine.round_half_up
    too_many = (count < size - scale.max_skipped) | (count == 0)
    return pl.when(too_many).then(None).otherwise(value)


def _labels(texts: Sequence[str], index: pl.Expr) -> pl.Expr:
    """texts[index], null where the index is: picking from a short list is cheaper than a chain of texts."""
    import polars as pl

    return pl.lit(pl.Series(values=list(texts), dtype=pl.String)).gather(index.cast(pl.UInt32))


def _band(plan: Plan, scales: dict[str, pl.Expr]) -> pl.Expr:
    import polars as pl

    spec = plan.bands
    if spec.get("ranges"):
        value = scales[spec["of"]]
        chain: Any = pl
        for n, band in enumerate(spec["ranges"]):
            hit = (value < band["below"]) if "below" in band else (value <= band["max"])
            chain = chain.when(hit).then(n)
        return _labels([band["label"] for band in spec["ranges"]], chain.otherwise(None))
    if spec.get("dimensions"):
        # Each dimension below (0), at (1) or above (2) its midpoint; the label of the combination.
        index: pl.Expr = pl.lit(0)
        labels = [""]
        for dim in spec["dimensions"]:
            value, midpoint = scales[dim["of"]], dim["midpoint"]
            part = pl.when(value < midpoint).then(0).when(value > midpoint).then(2).when(value.is_not_null()).then(1)
            index = index * 3 + part  # null if the dimension is not scored
            words = (dim["below"], dim["at"], dim["above"])
            labels = [f"{done}{spec.get('join', ', ') if done else ''}{word}" for done in labels for word in words]
        return _labels(labels, index)
    return pl.lit(None, pl.String)


def _flag(
    flag: Flag,
    keyed: list[pl.Expr],
    scales: dict[str, pl.Expr],
    floors: dict[str, pl.Expr],
    thresholds: Mapping[str, float],
    whole: bool,
) -> pl.Expr:
    """As engine._flags: the answered items decide, whatever the missing-item rule."""
    import polars as pl

    at_least = thresholds.get(flag.name, flag.at_least)
    if flag.kind == "item":
        return (keyed[flag.column] >= at_least).fill_null(False)
    if flag.kind == "score":
        value = scales[flag.of]
        if flag.of in floors:
            value = pl.coalesce(value, floors[flag.of])
        return (value >= at_least).fill_null(False)
    met = []
    for rule in flag.rules:
        items = _pick(keyed, rule.index)
        # An item compared with its threshold is null when skipped, and a horizontal sum counts it as 0.
        cuts = [math.ceil(t) if whole else float(t) for t in rule.thresholds]  # v >= 1.5 is v >= 2 for whole v
        met.append(pl.sum_horizontal([item >= cut for item, cut in zip(items, cuts, strict=True)]) >= rule.min_count)
    return pl.all_horizontal(met)


def _missing_rule(plan: Plan, skipped: pl.Expr, scored: pl.Expr, gate_closed: pl.Expr) -> pl.Expr:
    """engine._missing_rule: "complete", "prorated: 1 item skipped", ..., or why the response is not scored."""
    import polars as pl

    most = sum(s.max_skipped for s in plan.headline)  # a scored response skips no more than this
    texts = [describe_skipped(k) for k in range(most + 1)] + [NOT_SCORED, NO_EXPOSURE]
    index = pl.when(gate_closed).then(most + 2).when(~scored).then(most + 1).otherwise(skipped)
    return _labels(texts, index)
