"""Suggested next steps after an intake: pure rules."""

from __future__ import annotations

from attune.intake.rules import Facts, next_steps


def codes(facts: Facts) -> list[str]:
    return [s.code for s in next_steps(facts)]


def test_before_sending_only_safety_and_waiting() -> None:
    assert codes(Facts("Eli", submitted=False)) == ["wait"]
    assert codes(Facts("Eli", submitted=False, safety_concern=True)) == ["safety-review", "wait"]


def test_safety_comes_first_and_couples_work_waits() -> None:
    steps = next_steps(
        Facts("Eli", submitted=True, safety_concern=True, in_relationship=True, wants_work_with_partner=True)
    )
    assert steps[0].code == "safety-review" and steps[0].urgent
    assert "couples-not-yet" in [s.code for s in steps] and "couples" not in [s.code for s in steps]


def test_couples_work_only_after_the_safety_answers_are_reviewed() -> None:
    before = codes(Facts("Eli", submitted=True, in_relationship=True, wants_work_with_partner=True))
    assert "couples-after-safety" in before and "couples" not in before
    after = codes(
        Facts("Eli", submitted=True, in_relationship=True, wants_work_with_partner=True, safety_discussed=True)
    )
    assert "couples" in after and "couples-after-safety" not in after
    single = codes(Facts("Eli", submitted=True, in_relationship=False))
    assert not [c for c in single if c.startswith("couples")]


def test_sections_kept_for_the_session_are_named() -> None:
    steps = next_steps(Facts("Eli", submitted=True, in_person=("Experiences of pressure or coercion", "Support")))
    text = next(s.text for s in steps if s.code == "in-person")
    assert "“Experiences of pressure or coercion” and “Support”" in text and "these" in text
    assert "in-person" not in codes(Facts("Eli", submitted=True))


def test_the_pcl5_schedule_is_suggested_after_a_positive_screen_unless_it_exists() -> None:
    assert "pcl5-schedule" in codes(Facts("Eli", submitted=True, screen="positive"))
    assert "pcl5-schedule" in codes(Facts("Eli", submitted=True, screen="negative", pcl5_baseline=True))
    assert "pcl5-schedule" not in codes(Facts("Eli", submitted=True, screen="positive", pcl5_schedule=True))
    assert "pcl5-schedule" not in codes(Facts("Eli", submitted=True, screen="negative"))
    assert "screen-in-session" in codes(Facts("Eli", submitted=True, screen="not-taken"))


def test_support_network() -> None:
    assert "support-network" in codes(Facts("Eli", submitted=True, no_one_to_turn_to=True))
    assert codes(Facts("Eli", submitted=True, screen="negative")) == ["goals"]
