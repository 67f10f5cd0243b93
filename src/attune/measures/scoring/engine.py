"""Vectorised scoring of a matrix of answers (one row per response, one column per scored item, NaN = skipped)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import numpy.typing as npt

from attune.measures.scoring.plan import FloatArray, Plan, Scale

Columns = dict[str, npt.NDArray[np.generic]]
NOT_SCORED = "not scored: too many items skipped"
NO_EXPOSURE = "complete: no exposure reported"


class InvalidAnswer(ValueError):
    """An answer that is not one of the item's ordinal values; `row` and `column` are 0-based."""

    def __init__(self, row: int, column: int, item_id: str, value: float, allowed: FloatArray) -> None:
        self.row, self.column, self.item_id, self.value = row, column, item_id, value
        self.allowed = tuple(_plain(v) for v in allowed)
        shown = ", ".join(str(v) for v in self.allowed)
        super().__init__(f"{_plain(value)} is not an answer to item {item_id} (allowed: {shown}, or blank)")


def run(plan: Plan, matrix: npt.ArrayLike, thresholds: Mapping[str, float] | None = None) -> Columns:
    answers = np.asarray(matrix, dtype=np.float64)
    if answers.ndim != 2 or answers.shape[1] != len(plan.item_ids):
        raise ValueError(f"{plan.code} needs {len(plan.item_ids)} answers per row, got shape {answers.shape}")
    validate(plan, answers)
    # Column-major: a row's sum over a few items becomes a few vector additions, several times faster than
    # reducing short rows one by one.
    keyed, gate_closed = _keyed(plan, np.asfortranarray(answers))
    answered = ~np.isnan(keyed)
    filled = np.where(answered, keyed, 0.0)
    scales: dict[str, FloatArray] = {}
    floors: dict[str, FloatArray] = {}
    for scale in plan.scales:
        total, count = filled[:, scale.index].sum(axis=1), answered[:, scale.index].sum(axis=1)
        scales[scale.name], floors[scale.name] = _scale(scale, total, count)
    if plan.total is not None:
        scales["total"][gate_closed] = 0.0
    scored = np.logical_and.reduce([~np.isnan(scales[s.name]) for s in plan.headline]) | gate_closed
    columns: Columns = {"total": scales.get("total", np.full(len(answers), np.nan))}
    columns.update({s.name: scales[s.name] for s in plan.subscales})
    columns["band"] = _bands(plan, scales, len(answers))
    columns.update(_flags(plan, keyed, scales, floors, thresholds or {}))
    columns["answered"] = answered.sum(axis=1)
    columns["missing_rule"] = _missing_rule(plan, answered, scored, gate_closed)
    columns["scored"] = scored
    return columns


def validate(plan: Plan, answers: FloatArray) -> None:
    """Raise InvalidAnswer for the first cell (in row order) that is neither blank nor an allowed ordinal."""
    with np.errstate(invalid="ignore"):
        if plan.whole_ranges:  # the usual case: a few operations on the whole matrix, no loop
            bad = (answers < plan.lowest) | (answers > plan.highest) | (answers != np.floor(answers))
            bad &= ~np.isnan(answers)
        else:
            bad = np.zeros(answers.shape, dtype=bool)
            for column, allowed in enumerate(plan.allowed):
                values = answers[:, column]
                bad[:, column] = ~(np.isnan(values) | np.isin(values, allowed))
    if bad.any():
        row, column = (int(i) for i in np.argwhere(bad)[0])
        raise InvalidAnswer(row, column, plan.item_ids[column], float(answers[row, column]), plan.allowed[column])


def _keyed(plan: Plan, answers: FloatArray) -> tuple[FloatArray, npt.NDArray[np.bool_]]:
    """Answers with reversed items turned round, and items behind a closed gate blanked."""
    keyed = answers.copy(order="F")
    if plan.reversed_columns:
        columns = list(plan.reversed_columns)
        keyed[:, columns] = plan.reverse_sum - keyed[:, columns]
    gate_closed = np.zeros(len(answers), dtype=bool)
    if plan.gate_column >= 0:
        # Answers to questions the exposure question switched off are not part of the response (FHIR enableWhen).
        gate_closed = answers[:, plan.gate_column] == plan.gate_closed_value
        others = [c for c in range(answers.shape[1]) if c != plan.gate_column]
        keyed[np.ix_(gate_closed, others)] = np.nan
    return keyed, gate_closed


def _scale(scale: Scale, total: FloatArray, count: npt.NDArray[np.integer]) -> tuple[FloatArray, FloatArray]:
    """The scale's value under its missing-item rule, and the plain sum of the answered items (a floor).

    `total` is the sum of the answered keyed items and `count` how many were answered, per row.
    """
    size = len(scale.columns)
    with np.errstate(invalid="ignore", divide="ignore"):
        if scale.method == "sum":
            value = np.where(count == size, total, np.floor(total * size / count + 0.5))
            floor = total
        else:
            value = round_half_up(total / count, scale.decimals)
            floor = np.full(len(total), np.nan)
    value[(size - count > scale.max_skipped) | (count == 0)] = np.nan
    return value, floor


def round_half_up(values: FloatArray, decimals: int) -> FloatArray:
    """Round as people do on paper (2.125 -> 2.13), not to even; the tiny nudge absorbs binary error."""
    factor = 10.0**decimals
    return np.floor(values * factor + 0.5 + 1e-9) / factor


def _bands(plan: Plan, scales: dict[str, FloatArray], n: int) -> npt.NDArray[np.object_]:
    labels = np.full(n, "", dtype=object)
    spec = plan.bands
    if "ranges" in spec:
        values = scales[spec["of"]]
        assigned = np.isnan(values)
        for band in spec["ranges"]:
            hit = (values < band["below"]) if "below" in band else (values <= band["max"])
            hit &= ~assigned
            labels[hit] = band["label"]
            assigned |= hit
    elif "dimensions" in spec:
        parts = []
        missing = np.zeros(n, dtype=bool)
        for dim in spec["dimensions"]:
            values = scales[dim["of"]]
            missing |= np.isnan(values)
            middle = np.where(values > dim["midpoint"], dim["above"], dim["at"])
            parts.append(np.where(values < dim["midpoint"], dim["below"], middle).astype(object))
        joined = parts[0]
        for part in parts[1:]:
            joined = joined + spec.get("join", ", ") + part
        labels = np.where(missing, "", joined).astype(object)
    return labels


def _flags(
    plan: Plan,
    keyed: FloatArray,
    scales: dict[str, FloatArray],
    floors: dict[str, FloatArray],
    thresholds: Mapping[str, float],
) -> dict[str, npt.NDArray[np.bool_]]:
    """Flags read the answered items whatever the missing-item rule: a skipped item never hides a flag."""
    check_thresholds(plan, thresholds)
    with np.errstate(invalid="ignore"):
        flags: dict[str, npt.NDArray[np.bool_]] = {}
        for flag in plan.flags:
            at_least = thresholds.get(flag.name, flag.at_least)
            if flag.kind == "item":
                flags[flag.name] = np.asarray(keyed[:, flag.column] >= at_least)
            elif flag.kind == "score":
                # Not scored: the sum of the answered items is a floor (skipped items can only add), so a
                # threshold the answered items already reach still raises the flag.
                value = scales[flag.of]
                flags[flag.name] = np.asarray(np.where(np.isnan(value), floors[flag.of], value) >= at_least)
            else:
                met = [(keyed[:, r.index] >= r.thresholds).sum(axis=1) >= r.min_count for r in flag.rules]
                flags[flag.name] = np.logical_and.reduce(met)
    return flags


def check_thresholds(plan: Plan, thresholds: Mapping[str, float]) -> None:
    configurable = {f.name for f in plan.flags if f.configurable}
    for name in thresholds:
        if name not in configurable:
            allowed = ", ".join(sorted(configurable)) or "none"
            raise ValueError(f"{plan.code}: flag {name!r} has no configurable threshold (configurable: {allowed})")


def _missing_rule(
    plan: Plan,
    answered: npt.NDArray[np.bool_],
    scored: npt.NDArray[np.bool_],
    gate_closed: npt.NDArray[np.bool_],
) -> npt.NDArray[np.object_]:
    size = len(plan.headline_columns)
    skipped = size - answered[:, list(plan.headline_columns)].sum(axis=1)
    table = [describe_skipped(k) for k in range(size + 1)] + [NOT_SCORED, NO_EXPOSURE]
    index = np.where(gate_closed, size + 2, np.where(scored, skipped, size + 1))
    return np.array(table, dtype=object)[index]


def describe_skipped(skipped: int) -> str:
    if skipped == 0:
        return "complete"
    return f"prorated: {skipped} item{'s' if skipped > 1 else ''} skipped"


def _plain(value: float) -> float | int:
    return int(value) if float(value).is_integer() else float(value)
