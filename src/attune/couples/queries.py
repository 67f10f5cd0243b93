"""What the couples pages and the API show, always starting from the rows the caller may see (policy.scoped:
the models' `for_access`), and auditing what they show (`access.shown`).

Each helper makes a fixed number of queries however many agreements, versions or answers a couple has.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet

from attune.accounts.models import User
from attune.care.models import PartnerLink
from attune.core import policy, sessions
from attune.core.policy import Access, Relation
from attune.couples import perms, services
from attune.couples.models import (
    RELATIONSHIP_INSTRUMENT,
    SCALED,
    Agreement,
    AgreementNote,
    AgreementVersion,
    CheckInAnswer,
    Consent,
    CoupleNote,
    PartnerInvite,
    Question,
    Rehearsal,
    RelationshipQuestions,
    Rhythm,
)
from attune.measures import library
from attune.measures.scoring import change
from attune.questionnaires import engine


@dataclass
class Couple:
    """A link as the caller sees it: who the two people are, and which of them the caller is."""

    link: PartnerLink
    client_user: User | None
    partner: User
    me: int

    @property
    def other(self) -> User | None:
        return self.partner if self.me != self.partner.pk else self.client_user

    def name_of(self, person_id: int | None) -> str:
        if person_id == self.me:
            return "You"
        if person_id == self.partner.pk:
            return self.partner.display_name
        if self.client_user is not None and person_id == self.client_user.pk:
            return self.client_user.display_name
        return "Your clinician" if person_id is not None else "Someone"

    @property
    def people(self) -> set[int]:
        return {p for p in (self.client_user.pk if self.client_user else None, self.partner.pk) if p is not None}


def couple(access: Access, link: PartnerLink) -> Couple:
    client_user = User.objects.filter(client_record__pk=access.client_id).first()
    return Couple(link, client_user, link.partner, access.actor_id)


def links(access: Access) -> QuerySet[PartnerLink]:
    return policy.scoped(access, PartnerLink.objects.select_related("partner").order_by("-created"))


@dataclass
class AgreementView:
    agreement: Agreement
    versions: list[AgreementVersion]
    state: services.State

    @property
    def title(self) -> str:
        return (self.state.in_force or self.state.latest).title


def _with_versions(rows: QuerySet[Agreement]) -> QuerySet[Agreement]:
    return rows.select_related("link").prefetch_related(
        Prefetch("versions", queryset=AgreementVersion.objects.order_by("number").prefetch_related("consents"))
    )


def agreements(access: Access, link: PartnerLink, people: set[int]) -> list[AgreementView]:
    rows = list(_with_versions(policy.scoped(access, Agreement.objects.filter(link_id=link.pk))))
    access.shown("Agreement", [a.pk for a in rows], perms.VIEW)
    return [view_of(a, people) for a in rows]


def view_of(agreement: Agreement, people: set[int]) -> AgreementView:
    versions = list(agreement.versions.all())
    return AgreementView(agreement, versions, services.state_of(agreement, versions, people))


def agreement(access: Access, row: Agreement, people: set[int]) -> AgreementView:
    fresh = _with_versions(policy.scoped(access, Agreement.objects.filter(pk=row.pk))).get()
    return view_of(fresh, people)


@dataclass
class HistoryLine:
    when: datetime.datetime
    who: int | None
    what: str
    version: int


def history(view: AgreementView) -> list[HistoryLine]:
    """Every draft, consent and withdrawal of the agreement, newest first. Nothing is left out."""
    lines = []
    for version in view.versions:
        lines.append(HistoryLine(version.created, version.drafted_by_id, "drafted", version.number))
        for c in version.consents.all():
            lines.append(HistoryLine(c.given, c.person_id, "agreed", version.number))
            if c.withdrawn is not None:
                lines.append(HistoryLine(c.withdrawn, c.person_id, "withdrew", version.number))
    return sorted(lines, key=lambda line: line.when, reverse=True)


def notes(access: Access, row: Agreement) -> list[AgreementNote]:
    found = list(policy.scoped(access, AgreementNote.objects.filter(agreement_id=row.pk))[:50])
    access.shown("AgreementNote", [n.pk for n in found], perms.VIEW)
    return found


def answers(access: Access, link: PartnerLink) -> QuerySet[CheckInAnswer]:
    return policy.scoped(access, CheckInAnswer.objects.filter(link_id=link.pk))


def my_rounds(access: Access, link: PartnerLink, limit: int = 10) -> list[list[CheckInAnswer]]:
    """The caller's own check-ins, newest first, each with its answers."""
    mine = list(answers(access, link).filter(author_id=access.actor_id)[: limit * len(Question.values)])
    access.shown("CheckInAnswer", [a.pk for a in mine], perms.VIEW)
    rounds: dict[Any, list[CheckInAnswer]] = {}
    for answer in mine:
        rounds.setdefault(answer.round, []).append(answer)
    return list(rounds.values())[:limit]


def shown_to_me(access: Access, link: PartnerLink, limit: int = 30) -> list[CheckInAnswer]:
    """Answers the other partner chose to show the caller (a clinician: what each chose to show them)."""
    rows = answers(access, link).exclude(author_id=access.actor_id).select_related("author")[:limit]
    found = list(rows)
    access.shown("CheckInAnswer", [a.pk for a in found], perms.VIEW)
    return found


@dataclass
class Trend:
    """One partner's shown answers to a scaled question over time (for the clinician), oldest first."""

    author: User
    question: str
    points: list[tuple[datetime.date, int]] = field(default_factory=list)


def trends(access: Access, link: PartnerLink) -> list[Trend]:
    rows = list(
        answers(access, link)
        .filter(question__in=SCALED, value__isnull=False)
        .select_related("author")
        .order_by("answered")[:400]
    )
    access.shown("CheckInAnswer", [a.pk for a in rows], perms.VIEW)
    grouped: dict[tuple[int, str], Trend] = {}
    for a in rows:
        trend = grouped.setdefault((a.author_id, a.question), Trend(a.author, a.question))
        trend.points.append((a.answered.date(), int(a.value or 0)))
    return sorted(grouped.values(), key=lambda t: (t.author.display_name, t.question))


def last_check_in(access: Access, link: PartnerLink) -> datetime.datetime | None:
    return answers(access, link).filter(author_id=access.actor_id).values_list("answered", flat=True).first()


def rhythm(access: Access, link: PartnerLink) -> Rhythm | None:
    return policy.scoped(access, Rhythm.objects.filter(link_id=link.pk)).first()


def rehearsals(access: Access, link: PartnerLink, limit: int = 20) -> list[Rehearsal]:
    found = list(policy.scoped(access, Rehearsal.objects.filter(link_id=link.pk))[:limit])
    access.shown("Rehearsal", [r.pk for r in found], perms.VIEW)
    return found


def couple_notes(access: Access, link: PartnerLink) -> list[CoupleNote]:
    access.require(perms.VIEW_NOTES)
    found = list(policy.scoped(access, CoupleNote.objects.filter(link_id=link.pk).select_related("author"))[:50])
    access.shown("CoupleNote", [n.pk for n in found], perms.VIEW_NOTES)
    return found


def invites(access: Access) -> list[PartnerInvite]:
    found = list(policy.scoped(access, PartnerInvite.objects.select_related("proposed_by"))[:20])
    access.shown("PartnerInvite", [i.pk for i in found], perms.VIEW)
    return found


def consents_by_version(view: AgreementView) -> dict[int, dict[int, Consent]]:
    out: dict[int, dict[int, Consent]] = defaultdict(dict)
    for version in view.versions:
        for c in version.consents.all():
            out[version.number][c.person_id] = c
    return out


def turns(access: Access, link: PartnerLink) -> list[RelationshipQuestions]:
    """Turns at the relationship questions the caller may see, newest first: a partner their own and the totals
    the other chose to show them; the clinician every turn of both. Audited."""
    rows = policy.scoped(access, RelationshipQuestions.objects.filter(link_id=link.pk))
    found = list(rows.select_related("response", "person")[:200])
    access.shown("RelationshipQuestions", [r.pk for r in found], perms.VIEW)
    return found


def is_sent(row: RelationshipQuestions) -> bool:
    return row.response.status == "completed"


@dataclass
class Totals:
    """One person's sent turns, oldest first, with how the total moved from the first to the latest."""

    person: User
    sent: list[RelationshipQuestions]
    waiting: bool
    change: str = ""


@dataclass
class SideBySide:
    """Both partners' totals for the clinician, with the instrument's cut-off and reliable change (if any)."""

    columns: list[Totals]
    title: str
    range: tuple[float, float]
    cutoff: float | None
    cutoff_source: str
    threshold: float | None
    threshold_note: str
    administrable: bool


def _describe(spec: change.ChangeSpec, scored: list[RelationshipQuestions]) -> str:
    totals = [r.response.total for r in scored if r.response.total is not None]
    if len(totals) < 2:
        return ""
    difference = totals[-1] - totals[0]
    words = f"{difference:+g} {'point' if abs(difference) == 1 else 'points'} since the first"
    if spec.threshold is None:
        return words
    result = change.instrument_change(spec.code, totals[0], totals[-1])
    return f"{words} ({result.category.replace('_', ' ')})"


def side_by_side(access: Access, couple: Couple, rows: list[RelationshipQuestions]) -> SideBySide:
    instrument = library.load(RELATIONSHIP_INSTRUMENT)
    spec = change.change_spec(instrument)
    cutoff, _inclusive, cutoff_source = spec.criterion()
    change_section = instrument.scoring.get("change") or {}
    columns = []
    people = [u for u in (couple.client_user, couple.partner) if u is not None]
    for person in people:
        mine = [r for r in rows if r.person_id == person.pk]
        sent = sorted((r for r in mine if is_sent(r)), key=lambda r: r.response.submitted or r.created)
        columns.append(Totals(person, sent, any(not is_sent(r) for r in mine), _describe(spec, sent)))
    low, high = (instrument.scoring.get("total") or {}).get("range", [0, 0])
    return SideBySide(
        columns=columns,
        title=instrument.title,
        range=(float(low), float(high)),
        cutoff=cutoff,
        cutoff_source=cutoff_source,
        threshold=spec.threshold,
        threshold_note=spec.source if spec.threshold is not None else str(change_section.get("sd_note", "")),
        administrable=engine.administrable(instrument),
    )


@dataclass
class Sessions:
    """The couple's sessions (appointments of kind couples, kept by the clinical record), split for the page."""

    upcoming: list[sessions.Session]
    past: list[sessions.Session]  # newest first; cancelled and missed ones marked by their status


def couple_sessions(access: Access, link: PartnerLink) -> Sessions:
    """A partner sees the couple's sessions from the day their link began (never an earlier couple's, never an
    individual session); the client and the clinician see every couples session of the client. The clinical
    record decides and audits what is listed (core/sessions.py)."""
    since = link.created if access.relation == Relation.PARTNER else None
    found = sessions.of_kind(access, "couples", since=since)
    return Sessions([s for s in found if s.upcoming], [s for s in reversed(found) if not s.upcoming])


def reached_as(access: Access) -> str:
    return {Relation.SELF: "client", Relation.PARTNER: "partner", Relation.CARE_TEAM: "clinician"}.get(
        access.relation, ""
    )
