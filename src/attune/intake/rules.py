"""Suggested next steps after an intake, from plain facts about it: pure rules, no Django.

The suggestions are prompts for the clinician's judgement, never decisions: what to make room for in session,
which measure to follow over time, and when couples work should wait (not before the relationship-safety
answers have been talked through, and not while someone is afraid of a partner).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Facts:
    name: str
    submitted: bool
    safety_concern: bool = False  # an answer suggested the client may not be safe
    safety_discussed: bool = False  # the clinician marked the safety section discussed in session
    in_relationship: bool | None = None  # None: not known
    wants_work_with_partner: bool = False
    in_person: tuple[str, ...] = ()  # titles of sections kept for the session and not yet discussed
    screen: str = "not-taken"  # PC-PTSD-5: "positive", "negative", "incomplete" or "not-taken"
    pcl5_baseline: bool = False  # the client added the PCL-5 as a baseline
    pcl5_schedule: bool = False  # a live PCL-5 schedule exists
    no_one_to_turn_to: bool = False


@dataclass(frozen=True)
class NextStep:
    code: str
    text: str
    urgent: bool = False


def _list(titles: tuple[str, ...]) -> str:
    quoted = [f"“{t}”" for t in titles]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


def _safety(f: Facts) -> list[NextStep]:
    if not f.safety_concern or f.safety_discussed:
        return []
    text = (
        f"Talk through the safety answers with {f.name} soon, and make a safety plan together if it fits. "
        "The care team was alerted when they answered."
    )
    return [NextStep("safety-review", text, urgent=True)]


def _in_person(f: Facts) -> list[NextStep]:
    if not f.in_person:
        return []
    text = (
        f"Make room in session for {_list(f.in_person)}: {f.name} would rather talk about "
        f"{'this' if len(f.in_person) == 1 else 'these'} in person. Mark each one discussed here afterwards."
    )
    return [NextStep("in-person", text)]


def _measures(f: Facts) -> list[NextStep]:
    steps = []
    if not f.pcl5_schedule and (f.screen == "positive" or f.pcl5_baseline):
        reason = "The PC-PTSD-5 screen was positive" if f.screen == "positive" else "A PCL-5 baseline was added"
        steps.append(
            NextStep("pcl5-schedule", f"{reason}: consider starting the PCL-5 schedule to follow change over time.")
        )
    if f.screen in {"not-taken", "incomplete"}:
        done = "answered" if f.screen == "not-taken" else "completed"
        steps.append(NextStep("screen-in-session", f"The PC-PTSD-5 was not {done}: offer it in session if it fits."))
    return steps


def _couples(f: Facts) -> list[NextStep]:
    if not (f.in_relationship or f.wants_work_with_partner):
        return []
    if f.safety_concern:
        return [
            NextStep(
                "couples-not-yet",
                "Hold off on couples work: an answer suggested the relationship may not be safe. Couples work is "
                "generally not advised while someone is afraid of a partner.",
            )
        ]
    if not f.safety_discussed:
        return [
            NextStep(
                "couples-after-safety",
                "Consider couples work only after the relationship-safety answers have been reviewed in session.",
            )
        ]
    if f.wants_work_with_partner:
        return [NextStep("couples", f"{f.name} would like to work on things with their partner: couples work could "
                         "be discussed.")]  # fmt: skip
    return []


def _support(f: Facts) -> list[NextStep]:
    if not f.no_one_to_turn_to:
        return []
    return [
        NextStep(
            "support-network",
            f"Explore who could be part of {f.name}'s support network: they have no one to turn to at the moment.",
        )
    ]


def next_steps(f: Facts) -> list[NextStep]:
    """Urgent steps first, then the rest in the order a first session might take them."""
    if not f.submitted:
        waiting = NextStep("wait", f"When {f.name} sends the intake, their answers and suggested next steps show here.")
        return [*_safety(f), waiting]
    steps = [
        *_safety(f),
        *_in_person(f),
        NextStep("goals", f"Agree first goals together, starting from {f.name}'s own words."),
        *_measures(f),
        *_couples(f),
        *_support(f),
    ]
    return sorted(steps, key=lambda s: not s.urgent)
