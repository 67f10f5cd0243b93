"""What the care team sees of an intake: structured facts per section, the client's goals in their own words,
safety flags, the screening result, the sections kept for the session, and suggested next steps.

Free text is shown as written only for the items the definition marks "in their own words" (goals and hopes);
everything else is summarised as the answers the client chose, never re-told. The full answers, free text
included, are a separate, deliberate step on the summary page.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils import timezone

from attune.intake import definition as definitions
from attune.intake import engine, rules, services
from attune.intake.models import Intake, IntakeSection
from attune.measures import library
from attune.questionnaires import engine as questionnaire_engine
from attune.questionnaires.models import Response

# Answers the next-step rules read. A practice that adapts the definition and renames these keeps the summary;
# only the matching suggestions go quiet.
RELATIONSHIP_STATUS, NOT_IN_RELATIONSHIP = "rel-status", "not-now"
RELATIONSHIP_GOALS, WORK_TOGETHER = "rel-goals", "together"
SUPPORT, NO_ONE = "support-who", "no-one"
SAFETY_SECTION = "safety"
PCL5 = "pcl5"
# A PCL-5 completed this recently means it is being followed (a monthly schedule, a late answer, a week's grace).
FOLLOWED_WITHIN = datetime.timedelta(weeks=6)


@dataclass(frozen=True)
class Row:
    link_id: str
    label: str  # the short label
    text: str  # the question as the client saw it
    state: str  # "answered", "skipped" or "unanswered"
    answer: str = ""  # the chosen answers, joined
    words: str = ""  # free text, as written
    concern: bool = False
    verbatim: bool = False


@dataclass
class SectionView:
    link_id: str
    title: str
    in_person: bool
    record: IntakeSection | None
    rows: list[Row] = field(default_factory=list)

    @property
    def discussed(self) -> bool:
        return bool(self.record and self.record.discussed)

    @property
    def answered(self) -> int:
        return sum(1 for r in self.rows if r.state == "answered")

    @property
    def skipped(self) -> int:
        return sum(1 for r in self.rows if r.state == "skipped")

    @property
    def unanswered(self) -> int:
        return sum(1 for r in self.rows if r.state == "unanswered")

    @property
    def facts(self) -> list[Row]:
        """What the summary shows of this section: the chosen answers, the client's own words where the definition
        marks them, and for other free text only that there is some."""
        return [r for r in self.rows if r.state == "answered"]


@dataclass
class Screen:
    response: Response
    answered: int
    of: int
    points: float  # the score, or (when a skip left it unscored) the sum of the answers given

    @property
    def result(self) -> str:
        r = self.response
        if r.status != Response.Status.COMPLETED:
            return "incomplete"
        if r.flags.get("positive_screen"):
            return "positive"
        return "negative" if r.scored else "incomplete"


@dataclass
class Summary:
    intake: Intake
    definition: definitions.Definition
    sections: list[SectionView]
    screen: Screen | None
    baseline: Response | None
    steps: list[rules.NextStep]

    @property
    def submitted(self) -> bool:
        return self.intake.status == Intake.Status.SUBMITTED

    @property
    def goals(self) -> list[Row]:
        return [r for s in self.sections for r in s.rows if r.verbatim and r.words]

    @property
    def safety_flags(self) -> list[Row]:
        return [r for s in self.sections for r in s.rows if r.concern]

    @property
    def in_person(self) -> list[SectionView]:
        return [s for s in self.sections if s.in_person]

    @property
    def by_id(self) -> dict[str, SectionView]:
        return {s.link_id: s for s in self.sections}

    def section(self, link_id: str) -> SectionView | None:
        return self.by_id.get(link_id)


def _row(question: definitions.Question, given: engine.Given | None) -> Row:
    def row(state: str, **more: Any) -> Row:
        return Row(question.link_id, question.short, question.text, state, verbatim=question.verbatim, **more)

    if given is None or (given.empty and not given.skipped):
        return row("unanswered")
    if given.skipped:
        return row("skipped")
    answer = "; ".join(question.displays(given.codes))
    return row("answered", answer=answer, words=given.text, concern=engine.concern(question, given.codes))


def _embedded_rows(question: definitions.Question, screen: Response | None) -> list[Row]:
    instrument = library.load(question.instrument)
    answers = {a.link_id: a for a in screen.answers.all()} if screen is not None else {}
    values = {k: (None if a.skipped else a.value) for k, a in answers.items()}
    rows = []
    for link_id in questionnaire_engine.sequence(instrument, values):
        item = instrument.item(link_id)
        given = answers.get(link_id)
        state = "unanswered" if given is None else ("skipped" if given.skipped else "answered")
        shown = next((d for o, d, _c in item["options"] if given is not None and o == given.value), "")
        rows.append(Row(link_id, item["text"] or link_id, item["text"] or link_id, state, answer=shown))
    return rows


def _sections(
    definition: definitions.Definition, state: engine.State, records: dict[str, IntakeSection], screen: Response | None
) -> list[SectionView]:
    views = []
    for section in definition.sections:
        view = SectionView(
            section.link_id, section.title, section.link_id in state.in_person, records.get(section.link_id)
        )
        for question in section.questions:
            if not engine.enabled(question, state.answers):
                continue
            if question.kind == "embedded":
                view.rows += _embedded_rows(question, screen)
            else:
                view.rows.append(_row(question, state.answers.get(question.link_id)))
        views.append(view)
    return views


def _screen(screen: Response | None) -> Screen | None:
    if screen is None:
        return None
    instrument = library.load(screen.instrument)
    values = {a.link_id: (None if a.skipped else a.value) for a in screen.answers.all()}
    asked = questionnaire_engine.sequence(instrument, values)
    scored = (instrument.scoring.get("total") or {}).get("items", instrument.item_ids)
    points = screen.total if screen.total is not None else sum(values.get(k) or 0 for k in scored)
    return Screen(screen, sum(1 for k in asked if values.get(k) is not None), len(asked), points)


def _codes(state: engine.State, link_id: str) -> tuple[str, ...] | None:
    given = state.answers.get(link_id)
    return None if given is None or given.empty else given.codes


def facts(summary: Summary, state: engine.State, name: str, pcl5_schedule: bool) -> rules.Facts:
    status = _codes(state, RELATIONSHIP_STATUS)
    safety = summary.section(SAFETY_SECTION)
    return rules.Facts(
        name=name,
        submitted=summary.submitted,
        safety_concern=bool(summary.safety_flags),
        safety_discussed=bool(safety and safety.discussed),
        in_relationship=None if status is None else NOT_IN_RELATIONSHIP not in status,
        wants_work_with_partner=WORK_TOGETHER in (_codes(state, RELATIONSHIP_GOALS) or ()),
        in_person=tuple(s.title for s in summary.in_person if not s.discussed),
        screen=summary.screen.result if summary.screen else "not-taken",
        pcl5_baseline=summary.baseline is not None,
        pcl5_schedule=pcl5_schedule,
        no_one_to_turn_to=NO_ONE in (_codes(state, SUPPORT) or ()),
    )


def build(
    intake: Intake,
    state: engine.State,
    records: dict[str, IntakeSection],
    *,
    name: str = "",
    pcl5_schedule: bool = False,
    full: bool = True,
) -> Summary:
    """The intake's summary. With full=False (the care team before the client has sent it) the sections hold
    only the answers an alert has already told the care team about."""
    definition = definitions.load(intake.definition)
    screen = (
        Response.objects.filter(pk=intake.screen_id).prefetch_related("answers").first() if intake.screen_id else None
    )
    baseline = Response.objects.filter(pk=intake.baseline_id).first() if intake.baseline_id else None
    summary = Summary(intake, definition, _sections(definition, state, records, screen), _screen(screen), baseline, [])
    if not full:
        for view in summary.sections:
            view.rows = [r for r in view.rows if r.concern]
            view.in_person = False  # the client's choices, like their answers, are theirs until they send
    summary.steps = rules.next_steps(facts(summary, state, name, pcl5_schedule))
    return summary


def pcl5_followed(intake: Intake) -> bool:
    """Whether the PCL-5 is already followed over time, apart from the baseline the intake itself added: one is
    waiting in the client's portal, or one was completed in the last few weeks (a live PCL-5 schedule shows up
    as the copies it issues). The intake reads the questionnaire engine's own responses for this: whether a
    schedule exists is monitoring's to know, and a capability does not ask another."""
    recent = Q(status=Response.Status.COMPLETED, submitted__gte=timezone.now() - FOLLOWED_WITHIN)
    waiting = Q(status__in=[Response.Status.ASSIGNED, Response.Status.IN_PROGRESS])
    pcl5 = Response.objects.filter(client_id=intake.client_id, instrument=PCL5).filter(waiting | recent)
    return pcl5.exclude(pk=intake.baseline_id).exists() if intake.baseline_id else pcl5.exists()


def for_care_team(intake: Intake, name: str) -> Summary:
    """The summary as the care team sees it: everything once sent; before that, only the safety flags. `name`
    is the client's preferred name, for the suggested next steps."""
    records = services.sections_of(intake)
    return build(
        intake,
        services.state_of(intake, sections=records),
        records,
        name=name,
        pcl5_schedule=pcl5_followed(intake),
        full=intake.status == Intake.Status.SUBMITTED,
    )


def status_line(intake: Intake | None) -> dict[str, Any]:
    """What a supervisor may see: that there is an intake, and when it moved."""
    if intake is None:
        return {"exists": False}
    return {
        "exists": True,
        "status": intake.get_status_display(),
        "sent": intake.created,
        "started": intake.started,
        "submitted": intake.submitted,
    }
