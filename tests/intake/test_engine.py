"""The intake's walk: enableWhen, sections kept for the session, resuming, and safety answers. Pure functions."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from attune.intake import definition, engine
from attune.intake.definition import Condition
from attune.intake.engine import Given, State

DEFN = definition.load()


def ids(state: State) -> list[str]:
    return [s.link_id for s in engine.sequence(DEFN, state)]


def test_every_section_opens_with_its_notice_and_unanswered_conditions_stay_safe() -> None:
    steps = ids(State())
    assert steps[:4] == ["about", "about-hopes", "about-signs", "about-focus"]
    # Relationship status not known yet: the relationship-safety questions are asked (safety first).
    assert "safety-feel" in steps and "safety-pressure" in steps
    # The coercion details wait for the opening question; the screen waits for the offer.
    assert "coer-who" not in steps and "pcptsd5-exposure" not in steps


def test_not_in_a_relationship_drops_the_relationship_safety_questions() -> None:
    state = State(answers={"rel-status": Given(("not-now",))})
    assert "safety-feel" not in ids(state) and "safety-afraid" in ids(state)


def test_a_skipped_status_counts_as_unknown() -> None:
    assert "safety-feel" in ids(State(answers={"rel-status": Given(skipped=True)}))


def test_coercion_details_follow_yes_or_not_sure_only() -> None:
    for code, shown in [("yes", True), ("not-sure", True), ("no", False)]:
        assert ("coer-kinds" in ids(State(answers={"coer-any": Given((code,))}))) is shown


def test_a_section_kept_for_the_session_drops_out_entirely() -> None:
    steps = ids(State(in_person=frozenset({"coercion"})))
    assert not [s for s in steps if s == "coercion" or s.startswith("coer-")]


def test_the_embedded_screen_follows_its_own_enable_when() -> None:
    offered = {"body-screen": Given(("now",))}
    steps = ids(State(answers=offered))
    assert steps[steps.index("body-screen") : steps.index("body-pcl5") + 1] == [
        "body-screen", "pcptsd5-exposure", "body-pcl5",
    ]  # fmt: skip
    exposed = State(answers=offered, embedded={"pcptsd5": {"pcptsd5-exposure": 1.0}})
    assert [s for s in ids(exposed) if s.startswith("pcptsd5-")] == [
        "pcptsd5-exposure", "pcptsd5-1", "pcptsd5-2", "pcptsd5-3", "pcptsd5-4", "pcptsd5-5",
    ]  # fmt: skip


def test_resume_prefers_the_saved_place_then_the_first_step_not_taken() -> None:
    state = State(answers={"about-hopes": Given(text="x")}, opened=frozenset({"about"}))
    steps = engine.sequence(DEFN, state)
    assert engine.resume_at(steps, state, "rel-status") == "rel-status"
    assert engine.resume_at(steps, state, "about-hopes") == "about-hopes"  # even an answered one: where they were
    assert engine.resume_at(steps, state, "gone") == "about-signs"
    assert engine.resume_at(steps, state) == "about-signs"


def test_resume_is_none_when_every_step_is_taken() -> None:
    answers = {q.link_id: Given(skipped=True) for q in DEFN.questions if q.kind != "embedded"}
    state = State(answers=answers, opened=frozenset(s.link_id for s in DEFN.sections))
    assert engine.resume_at(engine.sequence(DEFN, state), state) is None


def test_after_section_skips_sections_already_kept() -> None:
    state = State(in_person=frozenset({"coercion"}))
    assert engine.after_section(DEFN, "safety", state) == "contact"
    assert engine.after_section(DEFN, "contact", state) == "body"
    assert engine.after_section(DEFN, "support", state) is None


def test_neighbours_and_place() -> None:
    state = State()
    steps = engine.sequence(DEFN, state)
    assert engine.neighbours(steps, "about-signs") == ("about-hopes", "about-focus")
    assert engine.neighbours(steps, "about") == (None, "about-hopes")
    assert engine.neighbours(steps, "nowhere") == (None, None)
    place = engine.place(DEFN, state, engine.find(steps, "about-signs"))  # type: ignore[arg-type]
    assert (place.section_number, place.sections, place.number, place.of) == (1, 7, 2, 3)


def test_concern() -> None:
    afraid = DEFN.question("safety-afraid")
    assert (
        engine.concern(afraid, ["sometimes"]) and not engine.concern(afraid, ["no"]) and not engine.concern(afraid, [])
    )


def test_operators() -> None:
    answers = {"q": Given(("a", "b")), "skipped": Given(skipped=True)}
    assert engine.met(Condition("q", "=", "a"), answers)
    assert engine.met(Condition("q", "!=", "a"), answers)  # "b" differs
    assert not engine.met(Condition("q", "!=", "a"), {"q": Given(("a",))})
    assert engine.met(Condition("skipped", "exists", exists=False), answers)
    assert not engine.met(Condition("skipped", "=", "a"), answers)
    assert engine.met(Condition("nothing", "exists", exists=False), answers)


@given(st.dictionaries(st.sampled_from([q.link_id for q in DEFN.questions if q.options]), st.booleans()))
def test_the_walk_is_deterministic_and_never_repeats_a_step(choices: dict[str, bool]) -> None:
    answers = {
        link_id: Given(skipped=True) if skip else Given((DEFN.question(link_id).options[0].code,))
        for link_id, skip in choices.items()
    }
    state = State(answers=answers)
    steps = ids(state)
    assert steps == ids(state) and len(steps) == len(set(steps))
    known = {s.link_id for s in DEFN.sections} | {q.link_id for q in DEFN.questions}
    assert all(step in known or step.startswith("pcptsd5-") for step in steps)
