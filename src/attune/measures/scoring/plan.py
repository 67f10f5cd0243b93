"""An instrument's scoring section compiled once into arrays, so a batch is scored with a few matrix operations.

A scale's items become a slice where they are consecutive (a view: no copy) and a list of columns otherwise.
Plain column sums beat a matrix product here: BLAS spends more CPU starting threads than the product costs.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import numpy.typing as npt

from attune.measures import library

FloatArray = npt.NDArray[np.float64]


Index = slice | list[int]


def as_index(columns: tuple[int, ...]) -> Index:
    if columns and list(columns) == list(range(columns[0], columns[-1] + 1)):
        return slice(columns[0], columns[-1] + 1)
    return list(columns)


@dataclass(frozen=True)
class Scale:
    name: str
    columns: tuple[int, ...]
    index: Index
    method: str  # "sum" or "mean"
    max_skipped: int
    decimals: int


@dataclass(frozen=True)
class CountRule:
    """At least `min_count` of the items at or above their own thresholds."""

    index: Index
    thresholds: FloatArray
    min_count: int


@dataclass(frozen=True)
class Flag:
    name: str
    kind: str  # "item", "score" or "counts"
    critical: bool
    of: str = ""  # "score": the scale read
    at_least: float = 0.0  # "item" and "score": the threshold
    column: int = -1  # "item": the column read
    item_id: str = ""
    rules: tuple[CountRule, ...] = ()  # "counts": all must be met
    configurable: bool = False


@dataclass(frozen=True)
class Plan:
    code: str
    item_ids: tuple[str, ...]
    allowed: tuple[FloatArray, ...]  # per column, the ordinal values an answer may take
    lowest: FloatArray  # per column
    highest: FloatArray  # per column
    whole_ranges: bool  # every column allows exactly the whole numbers lowest..highest
    reversed_columns: tuple[int, ...]
    reverse_sum: FloatArray  # min + max per reversed column
    scales: tuple[Scale, ...]  # the total first (if any), then the subscales
    has_total: bool
    gate_column: int
    gate_closed_value: float
    bands: dict[str, Any]
    flags: tuple[Flag, ...]
    headline_columns: tuple[int, ...]  # the items of the scales that decide whether the response is scored

    @property
    def total(self) -> Scale | None:
        return self.scales[0] if self.has_total else None

    @property
    def subscales(self) -> tuple[Scale, ...]:
        return self.scales[1:] if self.has_total else self.scales

    @property
    def headline(self) -> tuple[Scale, ...]:
        """The scales that must be scored for the response to count as scored: the total, else every subscale."""
        return (self.scales[0],) if self.has_total else self.scales


@cache
def plan_for(code: str) -> Plan:
    return compile_plan(library.load(code))


def compile_plan(instrument: library.Instrument) -> Plan:
    spec = instrument.scoring
    index = {link_id: i for i, link_id in enumerate(instrument.item_ids)}
    allowed = tuple(np.array(sorted(instrument.allowed_values(i)), dtype=np.float64) for i in instrument.item_ids)
    reversed_columns = tuple(index[i] for i in spec.get("reversed", []))
    scales = ([_scale("total", spec["total"], index)] if spec.get("total") else []) + [
        _scale(name, s, index) for name, s in spec.get("subscales", {}).items()
    ]
    gate = spec.get("gate") or {}
    headline = scales[:1] if spec.get("total") else scales
    return Plan(
        code=instrument.code,
        item_ids=instrument.item_ids,
        allowed=allowed,
        lowest=np.array([a.min() for a in allowed]),
        highest=np.array([a.max() for a in allowed]),
        whole_ranges=all(np.array_equal(a, np.arange(a.min(), a.max() + 1)) for a in allowed),
        reversed_columns=reversed_columns,
        reverse_sum=np.array([allowed[c].min() + allowed[c].max() for c in reversed_columns]),
        scales=tuple(scales),
        has_total=bool(spec.get("total")),
        gate_column=index[gate["item"]] if gate else -1,
        gate_closed_value=float(gate.get("closed_when", 0)),
        bands=spec.get("bands") or {},
        flags=tuple(_flag(name, flag, index) for name, flag in spec.get("flags", {}).items()),
        headline_columns=tuple(sorted({c for s in headline for c in s.columns})),
    )


def _scale(name: str, spec: dict[str, Any], index: dict[str, int]) -> Scale:
    items = spec.get("items") or list(index)
    columns = tuple(index[i] for i in items)
    return Scale(
        name=name,
        columns=columns,
        index=as_index(columns),
        method=spec["method"],
        max_skipped=int(spec.get("max_skipped", 0)),
        decimals=int(spec.get("decimals", 2 if spec["method"] == "mean" else 0)),
    )


def _flag(name: str, spec: dict[str, Any], index: dict[str, int]) -> Flag:
    common: dict[str, Any] = {"name": name, "kind": spec["kind"], "critical": bool(spec.get("critical"))}
    if spec["kind"] == "item":
        return Flag(**common, column=index[spec["item"]], item_id=spec["item"], at_least=spec["at_least"])
    if spec["kind"] == "score":
        return Flag(**common, of=spec["of"], at_least=spec["at_least"], configurable=bool(spec.get("configurable")))
    return Flag(**common, rules=tuple(_count_rule(rule, index) for rule in spec["all"]))


def _count_rule(spec: dict[str, Any], index: dict[str, int]) -> CountRule:
    overrides = spec.get("item_at_least_for", {})
    return CountRule(
        index=as_index(tuple(index[i] for i in spec["items"])),
        thresholds=np.array([float(overrides.get(i, spec["item_at_least"])) for i in spec["items"]]),
        min_count=int(spec["min_count"]),
    )
