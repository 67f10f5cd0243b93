"""What the privacy centre reads: the client's access log in words, who can see what, and the two questions the
policy asks on every check (what a client withholds from a person; whether break-glass is in force).

The access log is built from the audit trail through its public rows (core.models.AuditEvent), ids only: the
words come from the describers each app registers (core.disclosure), called once per entity type per page, so a
page of the log costs the same few queries however long the log is.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.paginator import Page, Paginator
from django.db.models import Count, Max, Min, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from attune.accounts.models import User
from attune.care.models import CareTeamMember, PartnerLink
from attune.core import disclosure
from attune.core.disclosure import Decision
from attune.core.models import AuditEvent
from attune.core.policy import Access, Relation
from attune.privacy.models import BreakGlass, Category, Withholding
from attune.questionnaires.models import Response

PAGE_SIZE = 25


# --- the policy's questions -------------------------------------------------------------------------------


def withheld_from(client_id: uuid.UUID, user: AbstractBaseUser) -> set[str]:
    return set(
        Withholding.objects.in_force().filter(client_id=client_id, person_id=user.pk).values_list("category", flat=True)
    )


def break_glass_in_force(client_id: uuid.UUID, user: AbstractBaseUser) -> bool:
    return BreakGlass.objects.filter(
        client_id=client_id, user_id=user.pk, ended__isnull=True, expires__gt=timezone.now()
    ).exists()


# --- words ------------------------------------------------------------------------------------------------

ROLE_WORDS = {
    Relation.CARE_TEAM: "clinician in your care team",
    Relation.SUPERVISOR: "clinical supervisor",
    Relation.ADMIN: "practice administrator",
    Relation.PARTNER: "your partner",
}

# What a read of the record itself showed, by the permission that allowed it.
RECORD_WORDS = {
    "client.view": "your name and pronouns",
    "client.view_clinical": "what brings you here",
    "client.list": "your name in their list of clients",
    "client.update": "your details",
    "careteam.view": "who is in your care team",
    "episode.view": "the dates of your care",
    "measures.view": "your questionnaire results",
    "measures.view_answers": "your answers to questionnaires",
    "measures.view_own_results": "your questionnaire results",
    "diary.view": "your diary",
    "intake.view": "your answers to the first questionnaire",
    "intake.status": "whether you have a first questionnaire",
    "alerts.view": "the times your care team was asked to check in with you",
    "contact.view": "the ways it is safe to contact you",
    "shared.view": "what you share with your partner",
}

WHY_WORDS = {
    Relation.CARE_TEAM: "For your care",
    Relation.SUPERVISOR: "To oversee your care team's work",
    Relation.ADMIN: "To run the practice",
    Relation.PARTNER: "Because you chose to share it",
}

ENTITY_WORDS = {
    "DiaryEntry": "a diary entry",
    "SkillPractice": "a practice record",
    "GroundingPhrase": "a grounding phrase",
    "RelationshipScript": "a relationship script",
    "NewResponse": "a new response you are practising",
    "ResponsePractice": "a practice of a new response",
    "SkillRecommendation": "a skill your clinician suggested",
    "QuestionnaireResponse": "a questionnaire",
    "Insights": "your diary insights",
    "Consent": "what you share",
    "CareTeam": "your care team",
    "EpisodeOfCare": "your episode of care",
    "Communication": "a message",
    "DiaryPreferences": "your diary sharing choice",
    "Observation": "your questionnaire results",
    "Intake": "your first questionnaire",
    "Bundle": "your data",
    "BreakGlass": "emergency access",
    "Withholding": "who can see what",
}

ACTION_WORDS = {
    AuditEvent.Action.READ: "looked at",
    AuditEvent.Action.CREATE: "added",
    AuditEvent.Action.UPDATE: "changed",
    AuditEvent.Action.DELETE: "removed",
    AuditEvent.Action.EXECUTE: "used",
}

OUTSIDER_WHO, OUTSIDER_DID = "Someone outside your care team", "tried to open your record, and was not let in"


def _questionnaire_words(access: Access, ids: list[str]) -> dict[str, str]:
    ids_ok = [i for i in ids if _is_uuid(i)]
    rows = Response.objects.filter(client_id=access.client_id, pk__in=ids_ok).values_list("pk", "submitted", "created")
    return {
        str(pk): f"your questionnaire of {timezone.localtime(submitted or created):%-d %B}"
        for pk, submitted, created in rows
    }


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def register_describers() -> None:
    disclosure.describes("QuestionnaireResponse", _questionnaire_words)


# --- the access log ---------------------------------------------------------------------------------------


class Kind:
    ALL, LOOKED, CHANGED, REFUSED, EMERGENCY = "", "looked", "changed", "refused", "emergency"
    CHOICES = [
        (ALL, "Everything"),
        (LOOKED, "Looked at"),
        (CHANGED, "Added or changed"),
        (REFUSED, "Not let in"),
        (EMERGENCY, "Emergency access"),
    ]


@dataclass(frozen=True)
class LogFilter:
    person: int | None = None  # a user id, or OUTSIDE for people outside the care team
    kind: str = Kind.ALL
    since: datetime.date | None = None
    until: datetime.date | None = None


OUTSIDE = 0


@dataclass(frozen=True)
class LogLine:
    when: datetime.datetime
    who: str
    role: str
    sentence: str
    why: str
    refused: bool
    emergency: bool


def _events(access: Access, wanted: LogFilter) -> QuerySet[AuditEvent]:
    """The client's events by other people (their own use of their record is not "who looked")."""
    own_user = getattr(access.client, "user_id", None)
    events = AuditEvent.objects.filter(client_id=access.client_id)
    if own_user is not None:
        events = events.exclude(agent_id=own_user)
    events = events.exclude(agent_id__isnull=True)
    if wanted.person == OUTSIDE:
        events = events.filter(agent_role=Relation.NONE)
    elif wanted.person is not None:
        events = events.filter(agent_id=wanted.person).exclude(agent_role=Relation.NONE)
    if wanted.kind == Kind.LOOKED:
        events = events.filter(action=AuditEvent.Action.READ, outcome=AuditEvent.Outcome.SUCCESS)
    elif wanted.kind == Kind.CHANGED:
        events = events.exclude(action=AuditEvent.Action.READ).filter(outcome=AuditEvent.Outcome.SUCCESS)
    elif wanted.kind == Kind.REFUSED:
        events = events.filter(outcome=AuditEvent.Outcome.DENIED)
    elif wanted.kind == Kind.EMERGENCY:
        events = events.filter(Q(purpose="BTG") | Q(entity_type="BreakGlass"))
    zone = timezone.get_current_timezone()
    if wanted.since is not None:
        events = events.filter(recorded__gte=datetime.datetime.combine(wanted.since, datetime.time.min, zone))
    if wanted.until is not None:
        after = wanted.until + datetime.timedelta(days=1)
        events = events.filter(recorded__lt=datetime.datetime.combine(after, datetime.time.min, zone))
    return events


def access_log(access: Access, wanted: LogFilter, page_number: int | str | None) -> tuple[Page[Any], list[LogLine]]:
    """One page of the client's access log, newest first. Events written by one request about one kind of row
    (a page listing twelve diary entries) are one line. Queries: the count, the page, the people on it, one per
    kind of row on it and the break-glass reasons on it: never one per line."""
    groups = (
        _events(access, wanted)
        .values("recorded", "agent_id", "agent_role", "action", "outcome", "entity_type", "reason", "purpose")
        .annotate(n=Count("id"), last=Max("id"), one=Min("entity_id"))
        .order_by("-last")
    )
    page = Paginator(groups, PAGE_SIZE).get_page(page_number)
    rows = list(page.object_list)
    people = {u.pk: u.display_name for u in User.objects.filter(pk__in={r["agent_id"] for r in rows})}
    words: dict[tuple[str, str], str] = {}
    by_type: dict[str, list[str]] = {}
    for r in rows:
        if r["n"] == 1 and r["entity_type"] != "Patient":
            by_type.setdefault(r["entity_type"], []).append(r["one"])
    describers = disclosure.describers()
    for entity_type, ids in by_type.items():
        describer = describers.get(entity_type)
        if describer is not None:
            for entity_id, text in describer(access, ids).items():
                words[(entity_type, entity_id)] = text
    reasons = _break_glass_reasons(access, rows)
    return page, [_line(r, people, words, reasons) for r in rows]


@dataclass(frozen=True)
class _Glass:
    user_id: int
    started: datetime.datetime
    expires: datetime.datetime
    reason: str


def _break_glass_reasons(access: Access, rows: list[dict[str, Any]]) -> list[_Glass]:
    """The break-glass accesses of the people on this page who used one (one query)."""
    agents = {r["agent_id"] for r in rows if r["purpose"] == "BTG" or r["entity_type"] == "BreakGlass"}
    if not agents:
        return []
    glasses = BreakGlass.objects.filter(client_id=access.client_id, user_id__in=agents)
    return [_Glass(g.user_id, g.started, g.ended or g.expires, g.reason) for g in glasses]


def _reason_for(glasses: list[_Glass], agent_id: int, when: datetime.datetime) -> str:
    for glass in glasses:
        # A second either side: the audit event's time is taken a moment after the row's.
        slack = datetime.timedelta(seconds=1)
        if glass.user_id == agent_id and glass.started - slack <= when <= glass.expires + slack:
            return glass.reason
    return ""


def _what(r: dict[str, Any], words: dict[tuple[str, str], str]) -> str:
    if r["entity_type"] == "Patient":
        # A refusal's reason is "not-permitted:<permission>": the permission names what they tried to open.
        return RECORD_WORDS.get(r["reason"].rpartition(":")[2], "your record")
    if r["entity_type"] == "BreakGlass":
        return "emergency access to your record"
    if r["n"] > 1:
        return f"{ENTITY_WORDS.get(r['entity_type'], 'your record')} and {r['n'] - 1} more"
    return words.get((r["entity_type"], r["one"])) or ENTITY_WORDS.get(r["entity_type"], "your record")


def _line(
    r: dict[str, Any], people: dict[int, str], words: dict[tuple[str, str], str], reasons: list[_Glass]
) -> LogLine:
    when = r["recorded"]
    refused = r["outcome"] == AuditEvent.Outcome.DENIED
    outsider = r["agent_role"] == Relation.NONE
    emergency = r["purpose"] == "BTG" or r["entity_type"] == "BreakGlass"
    if outsider:
        return LogLine(when, OUTSIDER_WHO, "", OUTSIDER_DID, "", True, False)
    who = people.get(r["agent_id"], "A former member of staff")
    role = ROLE_WORDS.get(r["agent_role"], "")
    what = _what(r, words)
    if refused:
        sentence = f"tried to open {what}, and was not allowed"
    elif r["entity_type"] == "BreakGlass":
        sentence = "opened emergency access to your record" if r["action"] == "C" else "ended emergency access"
    else:
        sentence = f"{ACTION_WORDS.get(r['action'], 'used')} {what}"
    if emergency:
        reason = _reason_for(reasons, r["agent_id"], when)
        why = f"Emergency access. The reason they gave: “{reason}”" if reason else "Emergency access"
    elif refused:
        why = ""
    else:
        why = WHY_WORDS.get(r["agent_role"], "For your care")
    return LogLine(when, who, role, sentence, why, refused, emergency)


def log_people(access: Access) -> list[tuple[int, str]]:
    """The people who appear in the client's log, for the filter (one query for ids, one for names)."""
    events = _events(access, LogFilter()).exclude(agent_role=Relation.NONE)
    ids = set(events.order_by().values_list("agent_id", flat=True).distinct())
    return [(u.pk, u.display_name) for u in User.objects.filter(pk__in=ids).order_by("display_name")]


# --- who can see what -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    user_id: int
    name: str
    role: str
    primary: bool = False


def care_team(access: Access) -> list[Person]:
    members = CareTeamMember.objects.filter(client_id=access.client_id).select_related("clinician")
    return [
        Person(m.clinician_id, m.clinician.display_name, "Clinician", m.is_primary)
        for m in members
        if m.clinician.is_active
    ]


def partners(access: Access) -> list[Person]:
    links = PartnerLink.objects.filter(client_id=access.client_id, ended__isnull=True).select_related("partner")
    return [Person(link.partner_id, link.partner.display_name, "Partner") for link in links]


def withheld(access: Access) -> set[tuple[int, str]]:
    return set(Withholding.objects.in_force().filter(client_id=access.client_id).values_list("person_id", "category"))


def switches_decision(access: Access) -> Decision:
    """The client's switches in one sentence for a progress review (core.disclosure.decides): whom in the care
    team they keep what from, in their own words, or that everyone in the care team sees what they share."""
    rows = list(
        Withholding.objects.in_force()
        .filter(client_id=access.client_id)
        .select_related("person")
        .order_by("person__display_name", "category")
    )
    labels = dict(Category.choices)
    if not rows:
        words = "Everyone in your care team sees what you share with them."
    else:
        kept: dict[str, list[str]] = {}
        for row in rows:
            kept.setdefault(row.person.display_name, []).append(labels.get(row.category, row.category).lower())
        parts = [f"{', '.join(what)} from {who}" for who, what in kept.items()]
        words = "You keep " + "; ".join(parts) + ". The rest of your care team sees what you share with them."
    return Decision("Who in your care team sees what", words, reverse("privacy:sharing"))


def history(access: Access) -> list[Withholding]:
    return list(Withholding.objects.filter(client_id=access.client_id).select_related("person")[:50])


CATEGORIES = Category.choices
CATEGORY_CODES = frozenset(Category.values)
