"""The monitoring rules, framework-free: which answers are critical, which change is reliable, which score is the
baseline, and when a scheduled questionnaire is due. Plain data in, plain data out; the services apply them.

Decisions made here:
- An answer is critical when the instrument's scoring file has an item flag marked critical and the answer is at
  or above its threshold (PHQ-9 item 9 above "Not at all").
- The baseline is the first scored response of the instrument in the episode of care.
- Reliable change uses the instrument's published threshold when its scoring file gives one (recorded with its
  source); otherwise Jacobson & Truax's threshold 1.96 x sqrt(2) x SD x sqrt(1 - r), from an SD and reliability
  in the scoring file. With neither, no change is called reliable.
- A change of at least the threshold is reliable (as measures.scoring.change_category decides).
- Deterioration raises an alert when it is first reached against the baseline, and whenever the score is
  reliably worse than the previous one; improvement is recorded when first reached against the baseline; a
  cut-off crossing is recorded between the previous score and this one, in either direction.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from attune.measures.scoring.change import change_category, reliable_change_threshold
from attune.questionnaires import engine

GRACE_DAYS = 2  # a due questionnaire becomes overdue this many days after its due date
SESSION_WINDOW_DAYS = 7  # "before each session": due from this many days before a recorded session
SESSION_OVERDUE_DAYS = 2  # ...and overdue when the session is this close with nothing completed
SECONDS_PER_ITEM = 8

# --- critical answers -------------------------------------------------------------------------------------


# The questionnaire engine decides, once, when an answer is given; monitoring reads the same rule.
critical_thresholds = engine.critical_thresholds
is_critical = engine.is_critical


# --- reliable change --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChangeRule:
    threshold: float | None  # points; None when the instrument gives no way to judge change
    method: str  # "published", "jacobson-truax" or "none"
    source: str
    lower_is_better: bool
    cutoff: float | None
    cutoff_source: str = ""
    # Jacobson & Truax's threshold from a published SD, shown beside a published threshold that still decides.
    computed: float | None = None
    computed_source: str = ""


def _number(value: Any) -> float | None:
    """A number from the scoring file: a plain number, the lowest of a published range, or {"value": x}."""
    if isinstance(value, Mapping):
        value = value.get("value")
    if isinstance(value, list | tuple):
        numbers = [float(v) for v in value if isinstance(v, int | float)]
        return min(numbers) if numbers else None
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def reliability_of(spec: Mapping[str, Any]) -> float | None:
    """Internal consistency where published (as Jacobson & Truax used it), else test-retest; the lowest value of
    a published range, which gives the larger (more cautious) threshold."""
    reliability = spec.get("reliability") or {}
    return _number(reliability.get("alpha")) or _number(reliability.get("test_retest"))


def change_rule(scoring: Mapping[str, Any]) -> ChangeRule:
    spec = scoring.get("change") or {}
    # Symptom measures (PHQ-9, GAD-7, PCL-5, PC-PTSD-5) are "higher is worse" unless the file says otherwise.
    lower_is_better = spec.get("direction", "lower_is_better") != "higher_is_better"
    cutoff, cutoff_source = _cutoff(scoring)
    published = spec.get("reliable_change") or {}
    sd, r = _number(spec.get("sd")), reliability_of(spec)
    computed, computed_source = None, ""
    if sd and r is not None and sd > 0 and 0 <= r < 1:
        computed = reliable_change_threshold(sd, r)
        sd_source = spec["sd"].get("source", "") if isinstance(spec.get("sd"), Mapping) else ""
        computed_source = f"Jacobson & Truax (1991): 1.96 x sqrt(2) x SD {sd:g} x sqrt(1 - {r:g})" + (
            f"; SD from {sd_source}" if sd_source else ""
        )
    if _number(published.get("points")) is not None:
        points = _number(published.get("points"))
        return ChangeRule(
            points,
            "published",
            str(published.get("source", "")),
            lower_is_better,
            cutoff,
            cutoff_source,
            computed,
            computed_source,
        )
    if computed is not None:
        return ChangeRule(computed, "jacobson-truax", computed_source, lower_is_better, cutoff, cutoff_source)
    return ChangeRule(None, "none", "", lower_is_better, cutoff, cutoff_source)


def _cutoff(scoring: Mapping[str, Any]) -> tuple[float | None, str]:
    spec = (scoring.get("change") or {}).get("clinical_cutoff") or {}
    if _number(spec) is not None:
        return _number(spec), str(spec.get("source", ""))
    # A screen without a published clinical cut-off: its positive-screen threshold on the total.
    flag = (scoring.get("flags") or {}).get("positive_screen") or {}
    if flag.get("kind") == "score" and flag.get("of") == "total":
        return float(flag["at_least"]), str(flag.get("source", ""))
    return None, ""


def in_clinical_range(score: float, rule: ChangeRule) -> bool:
    """At or beyond the cut-off, on the side where scores are worse."""
    assert rule.cutoff is not None
    return score >= rule.cutoff if rule.lower_is_better else score < rule.cutoff


def category(before: float, after: float, rule: ChangeRule) -> str:
    """ "reliable deterioration", "reliable improvement" or "no reliable change" (never about the person)."""
    if rule.threshold is None:
        return "no reliable change"
    found = change_category(before, after, rule.threshold, None, rule.lower_is_better)
    return "reliable improvement" if found.endswith("improvement") else found


@dataclass(frozen=True)
class Point:
    """One completed response: its id, when it was submitted and its total (None when not scored)."""

    id: str
    when: datetime.datetime
    total: float | None


@dataclass(frozen=True)
class Finding:
    kind: str  # "deterioration", "improvement" or "cutoff"
    against: str  # "baseline" or "previous"
    before: float
    after: float
    threshold: float | None = None
    direction: str = ""  # cutoff: "in" (into the range at or beyond the cut-off) or "out"


def baseline_of(history: Sequence[Point]) -> Point | None:
    """The first scored response of the episode, in the order given (oldest first)."""
    return next((p for p in history if p.total is not None), None)


def evaluate(rule: ChangeRule, history: Sequence[Point], current: Point) -> list[Finding]:
    """What the current response shows against the earlier ones of the same instrument and episode (oldest
    first, the current one not included)."""
    scored = [p for p in history if p.total is not None]
    if current.total is None or not scored:
        return []
    baseline, previous, now = scored[0], scored[-1], current.total
    base, prev = float(baseline.total), float(previous.total)  # type: ignore[arg-type]
    findings: list[Finding] = []
    previous_is_baseline = previous.id == baseline.id
    if category(base, now, rule) == "reliable deterioration" and (
        previous_is_baseline or category(base, prev, rule) != "reliable deterioration"
    ):
        findings.append(Finding("deterioration", "baseline", base, now, rule.threshold))
    if not previous_is_baseline and category(prev, now, rule) == "reliable deterioration":
        findings.append(Finding("deterioration", "previous", prev, now, rule.threshold))
    if category(base, now, rule) == "reliable improvement" and (
        previous_is_baseline or category(base, prev, rule) != "reliable improvement"
    ):
        findings.append(Finding("improvement", "baseline", base, now, rule.threshold))
    if rule.cutoff is not None and in_clinical_range(prev, rule) != in_clinical_range(now, rule):
        direction = "in" if in_clinical_range(now, rule) else "out"
        findings.append(Finding("cutoff", "previous", prev, now, rule.threshold, direction))
    return findings


def band_around(baseline: float, rule: ChangeRule) -> tuple[float, float] | None:
    """Scores within this range of the baseline are not reliably different from it."""
    if rule.threshold is None:
        return None
    return baseline - rule.threshold, baseline + rule.threshold


# --- schedules --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Due:
    state: str  # "done" (nothing more to do), "upcoming", "due" or "overdue"
    on: datetime.date | None = None  # when it is (or was) due

    @property
    def actionable(self) -> bool:
        return self.state in {"due", "overdue"}


def due(
    kind: str,
    every_days: int,
    starts: datetime.date,
    last_completed: datetime.date | None,
    sessions: Sequence[datetime.date],
    today: datetime.date,
) -> Due:
    """The state of one schedule today.

    kind is "once", "days", "weeks" (every_days is then the interval in days) or "session". last_completed is
    the date the instrument was last completed on or after the schedule started; sessions are recorded session
    dates, past and planned.
    """
    if kind == "session":
        return _before_session(starts, last_completed, sessions, today)
    if kind == "once":
        if last_completed is not None:
            return Due("done")
        on = starts
    else:
        on = starts if last_completed is None else max(starts, last_completed + datetime.timedelta(days=every_days))
    return _by_date(on, today)


def _by_date(on: datetime.date, today: datetime.date) -> Due:
    if today < on:
        return Due("upcoming", on)
    if today > on + datetime.timedelta(days=GRACE_DAYS):
        return Due("overdue", on)
    return Due("due", on)


def _before_session(
    starts: datetime.date, last_completed: datetime.date | None, sessions: Sequence[datetime.date], today: datetime.date
) -> Due:
    upcoming = sorted(d for d in sessions if d >= today)
    if not upcoming:
        return Due("done")
    session = upcoming[0]
    past = [d for d in sessions if d < today]
    # Completed since the last session (or since the schedule started): this session is covered.
    since = max([starts - datetime.timedelta(days=1), *past])
    if last_completed is not None and last_completed > since:
        return Due("done", session)
    days_left = (session - today).days
    if days_left <= SESSION_OVERDUE_DAYS:
        return Due("overdue", session)
    if days_left <= SESSION_WINDOW_DAYS:
        return Due("due", session)
    return Due("upcoming", session)


def minutes_for(item_count: int) -> int:
    """An honest estimate of answering time: about 8 seconds a question, rounded up to whole minutes."""
    return max(1, math.ceil(item_count * SECONDS_PER_ITEM / 60))
