"""Change between two scores (Jacobson & Truax 1991) and Goal Attainment Scaling (Kiresuk & Sherman 1968).

Jacobson, N. S., & Truax, P. (1991). Clinical significance: a statistical approach to defining meaningful change
in psychotherapy research. Journal of Consulting and Clinical Psychology, 59(1), 12-19.

The standard error of the difference carries sqrt(2): two scores each with measurement error are compared.
Some published calculators forget it, which makes "reliable" change about 1.4 times too easy to reach.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from attune.measures import library

Number = float | npt.NDArray[np.float64]
Z_95 = 1.96


def reliable_change(x1: Number, x2: Number, sd: float, r: float) -> Number:
    """The reliable change index RC = (x2 - x1) / S_diff, S_diff = sqrt(2) * SD * sqrt(1 - r).

    `sd` is the standard deviation of the pre-treatment (clinical) population, `r` the measure's reliability.
    |RC| > 1.96 is reliable change. Works elementwise on arrays.
    """
    return (np.asarray(x2, dtype=np.float64) - x1) / _s_diff(sd, r)


def reliable_change_threshold(sd: float, r: float, z: float = Z_95) -> float:
    """The smallest difference in raw points that is reliable change: z * sqrt(2) * SD * sqrt(1 - r)."""
    return z * _s_diff(sd, r)


def _s_diff(sd: float, r: float) -> float:
    if sd <= 0 or not 0 <= r < 1:
        raise ValueError("reliable change needs SD > 0 and a reliability in [0, 1)")
    return math.sqrt(2) * sd * math.sqrt(1 - r)


@dataclass(frozen=True)
class Cutoffs:
    """Jacobson & Truax's three cut-offs between the clinical (1) and functional (0) populations.

    a: two SDs beyond the clinical mean, towards the functional side;
    b: two SDs from the functional mean, towards the clinical side;
    c: the point weighted by both SDs where a score is equally likely to belong to either population.
    """

    a: float
    b: float
    c: float


def clinical_cutoffs(
    clinical_mean: float,
    clinical_sd: float,
    functional_mean: float,
    functional_sd: float,
    lower_is_better: bool = True,
) -> Cutoffs:
    towards_functional = -1.0 if lower_is_better else 1.0
    return Cutoffs(
        a=clinical_mean + towards_functional * 2 * clinical_sd,
        b=functional_mean - towards_functional * 2 * functional_sd,
        c=(functional_sd * clinical_mean + clinical_sd * functional_mean) / (functional_sd + clinical_sd),
    )


def change_category(
    before: float,
    after: float,
    threshold: float,
    cutoff: float | None = None,
    lower_is_better: bool = True,
    cutoff_inclusive: bool = False,
) -> str:
    """Describe the change between two scores (never the person).

    "clinically significant improvement" means reliable improvement that also crossed the cut-off from the
    clinical to the functional side (Jacobson & Truax's "recovered"), when a cut-off is given. The functional side
    is strictly below the cut-off (above when higher is better); with `cutoff_inclusive` the cut-off itself is on
    the functional side too, for a criterion published as "28 or below".
    """
    improvement = (before - after) if lower_is_better else (after - before)
    if abs(improvement) < threshold:
        return "no reliable change"
    if improvement < 0:
        return "reliable deterioration"
    if (
        cutoff is not None
        and _functional(after, cutoff, lower_is_better, cutoff_inclusive)
        and not _functional(before, cutoff, lower_is_better, cutoff_inclusive)
    ):
        return "clinically significant improvement"
    return "reliable improvement"


def _functional(score: float, cutoff: float, lower_is_better: bool, inclusive: bool = False) -> bool:
    if inclusive:
        return score <= cutoff if lower_is_better else score >= cutoff
    return score < cutoff if lower_is_better else score > cutoff


@dataclass(frozen=True)
class ChangeResult:
    difference: float
    category: str
    threshold: float
    cutoff: float | None
    source: str
    method: str = "published"  # "published" or "jacobson-truax"
    cutoff_inclusive: bool = False  # the cut-off itself is on the functional side ("28 or below")
    cutoff_source: str = ""


@dataclass(frozen=True)
class ChangeSpec:
    """What an instrument's scoring file says about change, and the thresholds that follow from it.

    published          the published reliable-change threshold in points (the lowest of a published range)
    jacobson_truax     1.96 x sqrt(2) x SD x sqrt(1 - r), when the file carries a published SD and reliability
    reliability        internal consistency where published (as Jacobson & Truax used it), else test-retest; the
                       lowest of a published range, which gives the larger (more cautious) threshold
    cutoffs            Jacobson & Truax's a, b and c from published clinical and functional norms
    functional_bound   a published criterion for clinically significant change ("28 or below" on the PCL-5):
                       reached when the score is at or beyond it on the functional side
    """

    code: str
    lower_is_better: bool
    published: float | None = None
    published_source: str = ""
    sd: float | None = None
    sd_source: str = ""
    reliability: float | None = None
    reliability_source: str = ""
    jacobson_truax: float | None = None
    cutoffs: Cutoffs | None = None
    norms_source: str = ""
    clinical_cutoff: float | None = None
    clinical_cutoff_source: str = ""
    functional_bound: float | None = None
    functional_bound_source: str = ""

    @property
    def threshold(self) -> float | None:
        """The threshold change is judged by: the published one when there is one, else Jacobson & Truax's."""
        return self.published if self.published is not None else self.jacobson_truax

    @property
    def method(self) -> str:
        if self.published is not None:
            return "published"
        return "jacobson-truax" if self.jacobson_truax is not None else "none"

    @property
    def source(self) -> str:
        if self.published is not None:
            return self.published_source
        if self.jacobson_truax is not None:
            return (
                f"Jacobson & Truax (1991): 1.96 x sqrt(2) x SD {self.sd:g} x sqrt(1 - {self.reliability:g}); "
                f"SD: {self.sd_source}; reliability: {self.reliability_source}"
            )
        return ""

    def criterion(self) -> tuple[float | None, bool, str]:
        """The cut-off for clinically significant change: (value, inclusive, source).

        A published criterion for change first (PCL-5: 28 or below, Marx et al. 2022), then criterion c from
        published norms, then the instrument's clinical cut-off (PHQ-9: 10).
        """
        if self.functional_bound is not None:
            return self.functional_bound, True, self.functional_bound_source
        if self.cutoffs is not None:
            return self.cutoffs.c, False, f"criterion c from the published norms ({self.norms_source})"
        return self.clinical_cutoff, False, self.clinical_cutoff_source


def _value(value: Any) -> float | None:
    """A number from the scoring file: a plain number, the lowest of a published range, or {"value": x}."""
    if isinstance(value, Mapping):
        value = value.get("value")
    if isinstance(value, list | tuple):
        numbers = [float(v) for v in value if isinstance(v, int | float) and not isinstance(v, bool)]
        return min(numbers) if numbers else None
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def change_spec(instrument_or_code: library.Instrument | str) -> ChangeSpec:
    """Read the change section of an instrument's scoring file (checked by the library when it was loaded)."""
    instrument = library.load(instrument_or_code) if isinstance(instrument_or_code, str) else instrument_or_code
    spec = instrument.scoring.get("change") or {}
    direction = spec.get("direction", "lower_is_better")
    published = spec.get("reliable_change") or {}
    sd_spec = spec.get("sd")
    sd = _value(sd_spec)
    reliability_spec = spec.get("reliability") or {}
    alpha, retest = _value(reliability_spec.get("alpha")), _value(reliability_spec.get("test_retest"))
    reliability = alpha if alpha is not None else retest
    jacobson_truax = None
    if sd is not None and reliability is not None:
        jacobson_truax = reliable_change_threshold(sd, reliability)
    norms = spec.get("norms") or {}
    cutoffs = None
    if norms.get("clinical") and norms.get("functional"):
        clinical, functional = norms["clinical"], norms["functional"]
        cutoffs = clinical_cutoffs(
            float(clinical["mean"]),
            float(clinical["sd"]),
            float(functional["mean"]),
            float(functional["sd"]),
            lower_is_better=direction != "higher_is_better",
        )
    clinical_cutoff = spec.get("clinical_cutoff") or {}
    significant = spec.get("clinically_significant") or {}
    bound_key = "functional_at_or_above" if direction == "higher_is_better" else "functional_at_or_below"
    return ChangeSpec(
        code=instrument.code,
        lower_is_better=direction != "higher_is_better",
        published=_value(published.get("points")),
        published_source=str(published.get("source", "")),
        sd=sd,
        sd_source=str(sd_spec.get("source", "")) if isinstance(sd_spec, Mapping) else "",
        reliability=reliability,
        reliability_source=str(reliability_spec.get("source", "")),
        jacobson_truax=jacobson_truax,
        cutoffs=cutoffs,
        norms_source="; ".join(str(norms[p].get("source", "")) for p in ("clinical", "functional") if p in norms),
        clinical_cutoff=_value(clinical_cutoff),
        clinical_cutoff_source=str(clinical_cutoff.get("source", "")),
        functional_bound=_value(significant.get(bound_key)),
        functional_bound_source=str(significant.get("source", "")),
    )


def published_change(instrument_or_code: library.Instrument | str, before: float, after: float) -> ChangeResult:
    """Change between two totals judged by the instrument's published reliable-change threshold and cut-off.

    Raises ValueError for an instrument with no published threshold: see instrument_change, which also uses
    Jacobson & Truax's threshold from a published SD and reliability, or compute one from your own sample with
    reliable_change_threshold(sd, r).
    """
    spec = change_spec(instrument_or_code)
    if spec.published is None:
        raise ValueError(f"{spec.code} has no published reliable-change threshold")
    return _judge(spec, before, after)


def instrument_change(instrument_or_code: library.Instrument | str, before: float, after: float) -> ChangeResult:
    """Change between two totals judged by the instrument's published threshold, or else by Jacobson & Truax's
    threshold from the published SD and reliability in its scoring file. Raises ValueError when it has neither."""
    spec = change_spec(instrument_or_code)
    if spec.threshold is None:
        raise ValueError(f"{spec.code} has no published reliable-change threshold and no published SD and reliability")
    return _judge(spec, before, after)


def _judge(spec: ChangeSpec, before: float, after: float) -> ChangeResult:
    assert spec.threshold is not None
    cutoff, inclusive, cutoff_source = spec.criterion()
    return ChangeResult(
        difference=after - before,
        category=change_category(before, after, spec.threshold, cutoff, spec.lower_is_better, inclusive),
        threshold=spec.threshold,
        cutoff=cutoff,
        source=spec.source,
        method=spec.method,
        cutoff_inclusive=inclusive,
        cutoff_source=cutoff_source,
    )


def gas_t_score(scores: Sequence[float], weights: Sequence[float] | None = None, rho: float = 0.3) -> float:
    """Goal Attainment Scaling T-score (Kiresuk & Sherman 1968).

    T = 50 + 10 * sum(w*x) / sqrt((1 - rho) * sum(w^2) + rho * (sum w)^2), each goal scored -2..+2 (0 = the
    expected outcome), rho the assumed correlation between goals (0.3 by convention). T = 50: goals met as
    expected.
    """
    x = np.asarray(scores, dtype=np.float64)
    w = np.ones_like(x) if weights is None else np.asarray(weights, dtype=np.float64)
    if x.size == 0 or x.shape != w.shape:
        raise ValueError("Goal Attainment Scaling needs one weight per goal and at least one goal")
    if np.any((x < -2) | (x > 2)) or np.any(w <= 0):
        raise ValueError("goal scores run from -2 to +2 and weights must be positive")
    if not 0 <= rho < 1:
        raise ValueError("the correlation between goals must be at least 0 and below 1")
    denominator = math.sqrt((1 - rho) * float(np.sum(w**2)) + rho * float(np.sum(w)) ** 2)
    return 50 + 10 * float(np.sum(w * x)) / denominator
