"""Change between two scores (Jacobson & Truax 1991) and Goal Attainment Scaling (Kiresuk & Sherman 1968).

Jacobson, N. S., & Truax, P. (1991). Clinical significance: a statistical approach to defining meaningful change
in psychotherapy research. Journal of Consulting and Clinical Psychology, 59(1), 12-19.

The standard error of the difference carries sqrt(2): two scores each with measurement error are compared.
Some published calculators forget it, which makes "reliable" change about 1.4 times too easy to reach.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

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
    before: float, after: float, threshold: float, cutoff: float | None = None, lower_is_better: bool = True
) -> str:
    """Describe the change between two scores (never the person).

    "clinically significant improvement" means reliable improvement that also crossed the cut-off from the
    clinical to the functional side (Jacobson & Truax's "recovered"), when a cut-off is given.
    """
    improvement = (before - after) if lower_is_better else (after - before)
    if abs(improvement) < threshold:
        return "no reliable change"
    if improvement < 0:
        return "reliable deterioration"
    if (
        cutoff is not None
        and _functional(after, cutoff, lower_is_better)
        and not _functional(before, cutoff, lower_is_better)
    ):
        return "clinically significant improvement"
    return "reliable improvement"


def _functional(score: float, cutoff: float, lower_is_better: bool) -> bool:
    return score < cutoff if lower_is_better else score > cutoff


@dataclass(frozen=True)
class ChangeResult:
    difference: float
    category: str
    threshold: float
    cutoff: float | None
    source: str


def published_change(instrument_or_code: library.Instrument | str, before: float, after: float) -> ChangeResult:
    """Change between two totals judged by the instrument's published reliable-change threshold and cut-off.

    Raises ValueError for an instrument with no published threshold: compute one from your own sample with
    reliable_change_threshold(sd, r).
    """
    instrument = library.load(instrument_or_code) if isinstance(instrument_or_code, str) else instrument_or_code
    spec = instrument.scoring.get("change", {})
    published = spec.get("reliable_change")
    if not published or "points" not in published:
        raise ValueError(f"{instrument.code} has no published reliable-change threshold")
    cutoff = spec.get("clinical_cutoff", {}).get("value")
    lower_is_better = spec.get("direction", "lower_is_better") == "lower_is_better"
    threshold = float(published["points"])
    return ChangeResult(
        difference=after - before,
        category=change_category(before, after, threshold, cutoff, lower_is_better),
        threshold=threshold,
        cutoff=cutoff,
        source=published["source"],
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
    denominator = math.sqrt((1 - rho) * float(np.sum(w**2)) + rho * float(np.sum(w)) ** 2)
    return 50 + 10 * float(np.sum(w * x)) / denominator
