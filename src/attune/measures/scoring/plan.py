"""An instrument's scoring section compiled into index arrays, once per instrument, for vectorised scoring."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any

import numpy as np
import numpy.typing as npt

from attune.measures import library

FloatArray = npt.NDArray[np.float64]


Index = slice | list[int]


def as_index(columns: tuple[int, ...]) -> Index:
    """A slice when the columns are consecutive (a view, no copy), else a list for fancy indexing."""
    if columns and list(columns) == list(range(columns[0], columns[-1] + 1)):
        return slice(columns[0], columns[-1] + 1)
    return list(columns)


@dataclass(frozen=True)
class Scale:
    name: str
    columns: tuple[int, ...]
    method: str  # "sum" or "mean"
    max_skipped: int
    decimals: int

    @property
    def index(self) -> Index:
        return as_index(self.columns)


@dataclass(frozen=True)
class CountRule:
    columns: tuple[int, ...]
    item_at_least: FloatArray  # one threshold per column
    min_count: int


@dataclass(frozen=True)
class Flag:
    name: str
    kind: str  # "item", "score" or "counts"
    critical: bool
    of: str = ""
    at_least: float = 0.0
    column: int = -1
    item_id: str = ""
    rules: tuple[CountRule, ...] = ()
    configurable: bool = False


@dataclass(frozen=True)
class Plan:
    code: str
    item_ids: tuple[str, ...]
    allowed: tuple[FloatArray, ...]  # per column, the ordinal values an answer may take
    lowest: FloatArray  # per column, the smallest allowed value
    highest: FloatArray  # per column, the largest allowed value
    whole_ranges: bool  # every column allows exactly the whole numbers lowest..highest
    reversed_columns: tuple[int, ...]
    reverse_sum: FloatArray  # min + max per reversed column
    total: Scale | None
    subscales: tuple[Scale, ...]
    gate_column: int
    gate_closed_value: float
    bands: dict[str, Any]
    flags: tuple[Flag, ...]
    headline_columns: tuple[int, ...] = field(default=())

    @property
    def headline(self) -> tuple[Scale, ...]:
        """The scales that must be scored for the instrument to count as scored."""
        return (self.total,) if self.total else self.subscales


@cache
def plan_for(code: str) -> Plan:
    return compile_plan(library.load(code))


def compile_plan(instrument: library.Instrument) -> Plan:
    spec = instrument.scoring
    index = {link_id: i for i, link_id in enumerate(instrument.item_ids)}
    allowed = tuple(np.array(sorted(instrument.allowed_values(i)), dtype=np.float64) for i in instrument.item_ids)
    reversed_columns = tuple(index[i] for i in spec.get("reversed", []))
    reverse_sum = np.array([allowed[c].min() + allowed[c].max() for c in reversed_columns], dtype=np.float64)
    total = _scale("total", spec["total"], index) if spec.get("total") else None
    subscales = tuple(_scale(name, s, index) for name, s in spec.get("subscales", {}).items())
    gate = spec.get("gate") or {}
    plan = Plan(
        code=instrument.code,
        item_ids=instrument.item_ids,
        allowed=allowed,
        lowest=np.array([a.min() for a in allowed]),
        highest=np.array([a.max() for a in allowed]),
        whole_ranges=all(np.array_equal(a, np.arange(a.min(), a.max() + 1)) for a in allowed),
        reversed_columns=reversed_columns,
        reverse_sum=reverse_sum,
        total=total,
        subscales=subscales,
        gate_column=index[gate["item"]] if gate else -1,
        gate_closed_value=float(gate.get("closed_when", 0)),
        bands=spec.get("bands") or {},
        flags=tuple(_flag(name, f, index) for name, f in spec.get("flags", {}).items()),
    )
    headline = sorted({c for scale in plan.headline for c in scale.columns})
    return replace(plan, headline_columns=tuple(headline))


def _scale(name: str, spec: dict[str, Any], index: dict[str, int]) -> Scale:
    items = spec.get("items") or list(index)
    return Scale(
        name=name,
        columns=tuple(index[i] for i in items),
        method=spec["method"],
        max_skipped=int(spec.get("max_skipped", 0)),
        decimals=int(spec.get("decimals", 2 if spec["method"] == "mean" else 0)),
    )


def _flag(name: str, spec: dict[str, Any], index: dict[str, int]) -> Flag:
    common = {"name": name, "kind": spec["kind"], "critical": bool(spec.get("critical", False))}
    if spec["kind"] == "item":
        return Flag(
            **common, column=index[spec["item"]], item_id=spec["item"], at_least=float(spec["at_least"])
        )
    if spec["kind"] == "score":
        return Flag(
            **common,
            of=spec["of"],
            at_least=float(spec["at_least"]),
            configurable=bool(spec.get("configurable", False)),
        )
    rules = tuple(_count_rule(rule, index) for rule in spec["all"])
    return Flag(**common, rules=rules)


def _count_rule(spec: dict[str, Any], index: dict[str, int]) -> CountRule:
    overrides = spec.get("item_at_least_for", {})
    thresholds = [float(overrides.get(i, spec["item_at_least"])) for i in spec["items"]]
    return CountRule(
        columns=tuple(index[i] for i in spec["items"]),
        item_at_least=np.array(thresholds, dtype=np.float64),
        min_count=int(spec["min_count"]),
    )
