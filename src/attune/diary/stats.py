"""Statistics for personal insights: pure functions, no Django, plain data in and out.

The interval around a mean change is the usual t interval, mean +/- t(0.975, n-1) * sd / sqrt(n). Student's t
quantile is computed here from the regularised incomplete beta function (a continued fraction, as in Numerical
Recipes) so that no statistics library is needed. Below MIN_USES the honest answer is "not enough entries yet".
"""

from __future__ import annotations

import datetime
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

MIN_USES = 3
LEVEL = 0.95


# --- Student's t -----------------------------------------------------------------------------------------------


def _beta_continued_fraction(a: float, b: float, x: float) -> float:
    tiny, eps = 1e-300, 3e-16
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 400):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < eps:
            break
    return h


def regularized_beta(a: float, b: float, x: float) -> float:
    """I_x(a, b), the regularised incomplete beta function, for a, b > 0 and 0 <= x <= 1."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    log_front = math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    front = math.exp(log_front)
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _beta_continued_fraction(a, b, x) / a
    return 1.0 - front * _beta_continued_fraction(b, a, 1.0 - x) / b


def t_cdf(t: float, df: float) -> float:
    """P(T <= t) for Student's t with df degrees of freedom."""
    if df <= 0:
        raise ValueError("degrees of freedom must be positive")
    tail = 0.5 * regularized_beta(df / 2.0, 0.5, df / (df + t * t))
    return 1.0 - tail if t >= 0 else tail


def t_quantile(p: float, df: float) -> float:
    """The t with P(T <= t) = p, found by bisection on t_cdf (monotone, so bisection always converges)."""
    if not 0.0 < p < 1.0:
        raise ValueError("p must be strictly between 0 and 1")
    if p == 0.5:
        return 0.0
    if p < 0.5:
        return -t_quantile(1.0 - p, df)
    low, high = 0.0, 1.0
    while t_cdf(high, df) < p:
        low, high = high, high * 2.0
    for _ in range(200):
        mid = (low + high) / 2.0
        if t_cdf(mid, df) < p:
            low = mid
        else:
            high = mid
        if high - low < 1e-12 * max(1.0, high):
            break
    return (low + high) / 2.0


# --- means with intervals ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Interval:
    n: int
    mean: float
    low: float
    high: float

    @property
    def half_width(self) -> float:
        return (self.high - self.low) / 2.0


def mean_interval(values: Sequence[float], level: float = LEVEL) -> Interval | None:
    """Mean with a t interval, or None when there are fewer than MIN_USES values."""
    n = len(values)
    if n < MIN_USES:
        return None
    mean = math.fsum(values) / n
    variance = math.fsum((v - mean) ** 2 for v in values) / (n - 1)
    half = t_quantile(0.5 + level / 2.0, n - 1) * math.sqrt(variance / n)
    return Interval(n=n, mean=mean, low=mean - half, high=mean + half)


@dataclass(frozen=True)
class SkillEffect:
    """How far distress came down (before minus after) when a skill was used."""

    skill: str
    uses: int
    interval: Interval | None

    @property
    def enough(self) -> bool:
        return self.interval is not None


def skill_effects(uses: Iterable[tuple[str, int, int]]) -> list[SkillEffect]:
    """(skill, distress before, distress after) triples -> one effect per skill, the largest drop first and
    skills with too few uses last."""
    changes: dict[str, list[float]] = defaultdict(list)
    for skill, before, after in uses:
        changes[skill].append(float(before - after))
    effects = [SkillEffect(skill, len(values), mean_interval(values)) for skill, values in changes.items()]
    return sorted(effects, key=lambda e: (not e.enough, -(e.interval.mean if e.interval else e.uses), e.skill))


@dataclass(frozen=True)
class Comparison:
    best: SkillEffect
    runner_up: SkillEffect | None
    clearly_ahead: bool  # the best one's interval lies wholly above the runner-up's


def compare(effects: Sequence[SkillEffect]) -> Comparison | None:
    """Which skill has gone with the largest drop so far, and whether the data can tell it from the next one."""
    ranked = [e for e in effects if e.interval is not None]
    if not ranked:
        return None
    best = ranked[0]
    runner = ranked[1] if len(ranked) > 1 else None
    ahead = bool(runner and best.interval and runner.interval and best.interval.low > runner.interval.high)
    return Comparison(best, runner, ahead)


# --- counting over time -----------------------------------------------------------------------------------------


def week_start(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def week_starts(last_day: datetime.date, count: int) -> list[datetime.date]:
    """The Mondays of the `count` weeks ending with the week of `last_day`, oldest first."""
    end = week_start(last_day)
    return [end - datetime.timedelta(weeks=count - 1 - i) for i in range(count)]


def by_week(items: Iterable[tuple[datetime.date, str]], weeks: Sequence[datetime.date]) -> dict[str, list[int]]:
    """(day, label) pairs -> per label, a count for each week in `weeks`; days outside the weeks are ignored."""
    index = {start: i for i, start in enumerate(weeks)}
    counts: dict[str, list[int]] = {}
    for day, label in items:
        position = index.get(week_start(day))
        if position is None:
            continue
        counts.setdefault(label, [0] * len(weeks))[position] += 1
    return counts


PERIODS = (
    ("night", "Night (midnight to 6am)", 0),
    ("morning", "Morning (6am to noon)", 6),
    ("afternoon", "Afternoon (noon to 6pm)", 12),
    ("evening", "Evening (6pm to midnight)", 18),
)


def time_of_day(hours: Iterable[int]) -> list[tuple[str, str, int]]:
    """Local hours of the day -> (code, label, count) for night, morning, afternoon and evening."""
    counts = Counter(h // 6 for h in hours if 0 <= h < 24)
    return [(code, label, counts.get(start // 6, 0)) for code, label, start in PERIODS]


def in_window(day: datetime.date, today: datetime.date, days: int) -> bool:
    """Whether `day` is within the last `days` days, today included."""
    return today - datetime.timedelta(days=days - 1) <= day <= today
