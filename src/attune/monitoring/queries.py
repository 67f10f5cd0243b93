"""Read helpers for monitoring, scoped through the access policy. List helpers cost a fixed number of queries
whatever the number of clients, schedules or responses."""

from __future__ import annotations

import datetime
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, Min, Q, QuerySet
from django.utils import timezone

from attune.care.models import SafeContact
from attune.core import policy
from attune.core.models import AuditEvent
from attune.core.policy import Relation
from attune.measures import library
from attune.monitoring import perms, rules
from attune.monitoring.models import Alert, AlertEvent, ChangeEvent, MeasureVisibility, Schedule, SessionRecord
from attune.questionnaires import perms as questionnaire_perms
from attune.questionnaires.models import Answer, Response


@dataclass(frozen=True)
class ScheduleState:
    schedule: Schedule
    due: rules.Due


def _local_date(moment: datetime.datetime | None) -> datetime.date | None:
    return timezone.localdate(moment) if moment is not None else None


def due_for(client_ids: Iterable[Any], today: datetime.date | None = None) -> dict[Any, list[ScheduleState]]:
    """Every live schedule of these clients with its state today. Three queries, whatever the numbers."""
    ids = list(client_ids)
    today = today or timezone.localdate()
    if not ids:
        return {}
    schedules = list(Schedule.objects.filter(client_id__in=ids, ended__isnull=True).order_by("created"))
    last = {
        (row["client_id"], row["instrument"]): _local_date(row["last"])
        for row in Response.objects.filter(client_id__in=ids, status=Response.Status.COMPLETED)
        .values("client_id", "instrument")
        .annotate(last=Max("submitted"))
    }
    sessions = {
        row["client_id"]: [d for d in (row["previous"], row["next"]) if d is not None]
        for row in SessionRecord.objects.filter(client_id__in=ids)
        .values("client_id")
        .annotate(previous=Max("date", filter=Q(date__lt=today)), next=Min("date", filter=Q(date__gte=today)))
    }
    states: dict[Any, list[ScheduleState]] = defaultdict(list)
    for schedule in schedules:
        completed = last.get((schedule.client_id, schedule.instrument))
        if completed is not None and completed < schedule.starts:
            completed = None  # the schedule starts afresh: its start date is its first due date
        state = rules.due(
            schedule.kind,
            schedule.interval_days,
            schedule.starts,
            completed,
            sessions.get(schedule.client_id, []),
            today,
        )
        states[schedule.client_id].append(ScheduleState(schedule, state))
    return states


@dataclass
class Summary:
    due: int = 0
    overdue: int = 0
    alerts: int = 0
    new_alerts: int = 0


def caseload_summary(user: Any, clients: Iterable[Any]) -> dict[Any, Summary]:
    """Due, overdue and unresolved alerts per client of a caseload page, for the clients whose measures (and
    alerts) this user may see. A fixed number of queries for the whole page."""
    clients = list(clients)
    measured = [c.pk for c in clients if policy.relation_of(c) in questionnaire_perms.VIEW.holders]
    alerted = [c.pk for c in clients if policy.relation_of(c) in perms.ALERTS_VIEW.holders]
    summaries: dict[Any, Summary] = {pk: Summary() for pk in set(measured) | set(alerted)}
    for client_id, states in due_for(measured).items():
        summaries[client_id].due = sum(1 for s in states if s.due.state == "due")
        summaries[client_id].overdue = sum(1 for s in states if s.due.state == "overdue")
    if alerted:
        counts = (
            Alert.objects.filter(client_id__in=alerted)
            .exclude(status=Alert.Status.RESOLVED)
            .values("client_id")
            .annotate(n=Count("id"), new=Count("id", filter=Q(status=Alert.Status.OPEN)))
        )
        for row in counts:
            summaries[row["client_id"]].alerts = row["n"]
            summaries[row["client_id"]].new_alerts = row["new"]
    return summaries


# --- alerts -----------------------------------------------------------------------------------------------

STATUS_FILTERS = {
    "unresolved": Q(status__in=[Alert.Status.OPEN, Alert.Status.ACKNOWLEDGED]),
    "open": Q(status=Alert.Status.OPEN),
    "acknowledged": Q(status=Alert.Status.ACKNOWLEDGED),
    "resolved": Q(status=Alert.Status.RESOLVED),
    "all": Q(),
}


def alert_clients(user: Any) -> QuerySet[Any]:
    """Clients whose alerts this user may see: their own care team's, and a supervisor's team's."""
    return policy.visible_to(user, relations=[Relation.CARE_TEAM, Relation.SUPERVISOR])


def alerts_for(user: Any, *, kind: str = "", client_id: uuid.UUID | None = None, status: str = "") -> QuerySet[Alert]:
    qs = Alert.objects.filter(client__in=alert_clients(user)).filter(
        STATUS_FILTERS.get(status, STATUS_FILTERS["unresolved"])
    )
    if kind in Alert.Kind.values:
        qs = qs.filter(kind=kind)
    if client_id is not None:
        qs = qs.filter(client_id=client_id)
    return qs.select_related("client", "acknowledged_by", "resolved_by").order_by("-raised", "id")


def acting_on(user: Any) -> set[Any]:
    """Ids of the clients on whose alerts this user may act (their own care team's)."""
    return set(policy.visible_to(user, relations=[Relation.CARE_TEAM]).values_list("pk", flat=True))


def unresolved_alerts(client: Any) -> list[Alert]:
    return list(Alert.objects.filter(client=client).exclude(status=Alert.Status.RESOLVED).order_by("-raised")[:10])


# --- progress ---------------------------------------------------------------------------------------------


def completed(client: Any, code: str | None = None) -> QuerySet[Response]:
    qs = Response.objects.filter(client=client, status=Response.Status.COMPLETED)
    if code is not None:
        qs = qs.filter(instrument=code)
    return qs.order_by("submitted", "id")


def exported_scores(access: policy.Access) -> QuerySet[Response]:
    """Every completed score of the client, for the CSV export; the export itself is audited here."""
    access.record(AuditEvent.Action.EXECUTE, "Observation", "scores.csv", questionnaire_perms.VIEW)
    return completed(access.client_id)


def episode_series(client: Any, code: str) -> list[Response]:
    """The completed responses of one instrument in the episode of the latest one, oldest first."""
    responses = list(completed(client, code))
    if not responses:
        return []
    episode = responses[-1].episode_id
    return [r for r in responses if r.episode_id == episode]


def history_before(response: Response) -> list[Response]:
    """The earlier completed responses of the same instrument and episode, oldest first."""
    same_episode = Q(episode__isnull=True) if response.episode_id is None else Q(episode_id=response.episode_id)
    return list(
        completed(response.client_id, response.instrument)
        .filter(same_episode, submitted__lt=response.submitted)
        .exclude(pk=response.pk)
    )


def session_dates(client: Any) -> list[datetime.date]:
    return list(SessionRecord.objects.filter(client=client).order_by("date").values_list("date", flat=True).distinct())


def sessions(client: Any) -> list[SessionRecord]:
    return list(SessionRecord.objects.filter(client=client).select_related("clinician").order_by("-date"))


def change_events(client: Any, code: str | None = None) -> list[ChangeEvent]:
    qs = ChangeEvent.objects.filter(client=client)
    if code is not None:
        qs = qs.filter(instrument=code)
    return list(qs.order_by("recorded"))


def visible_instruments(client: Any) -> set[str]:
    return set(MeasureVisibility.objects.filter(client=client, visible=True).values_list("instrument", flat=True))


def instruments_used(client: Any) -> list[tuple[str, int, Any]]:
    """(instrument, number of completed responses, last submitted) for each instrument the client completed."""
    rows = (
        Response.objects.filter(client=client, status=Response.Status.COMPLETED)
        .values("instrument")
        .annotate(n=Count("id"), last=Max("submitted"))
        .order_by("instrument")
    )
    return [(row["instrument"], row["n"], row["last"]) for row in rows]


# --- critical items: what was answered, what is not known --------------------------------------------------


def critical_items(code: str) -> list[str]:
    """The items of an instrument whose answer can be critical (PHQ-9 item 9)."""
    if code not in library.codes():
        return []
    return sorted(rules.critical_thresholds(library.load(code).scoring))


def skipped_critical(response_id: Any, code: str) -> list[str]:
    """The critical items the client chose not to answer in this response."""
    items = critical_items(code)
    if not items:
        return []
    return sorted(
        Answer.objects.filter(response_id=response_id, link_id__in=items, skipped=True).values_list(
            "link_id", flat=True
        )
    )


def critical_unknown(responses: Iterable[Response]) -> set[Any]:
    """Ids of the responses whose critical item was skipped, so that its answer is not known: never shown as
    "no risk". One query for any number of responses."""
    by_code: dict[str, list[Any]] = defaultdict(list)
    for response in responses:
        by_code[response.instrument].append(response.pk)
    wanted = Q(pk__in=[])
    for code, ids in by_code.items():
        items = critical_items(code)
        if items:
            wanted |= Q(response_id__in=ids, link_id__in=items)
    if wanted == Q(pk__in=[]):
        return set()
    return set(Answer.objects.filter(wanted, skipped=True).values_list("response_id", flat=True))


@dataclass(frozen=True)
class AnswerGiven:
    question: str
    answer: str  # the chosen option's text; "" when not known


def answer_given(alert: Alert) -> AnswerGiven | None:
    """The question and the answer the client chose, from the instrument's definition; None for an alert
    without a questionnaire item (the intake's own page shows its answers)."""
    if alert.response_id is None or not alert.item or alert.instrument not in library.codes():
        return None
    try:
        item = library.load(alert.instrument).item(alert.item)
    except KeyError:
        return None
    answer = Answer.objects.filter(response_id=alert.response_id, link_id=alert.item).first()
    chosen = ""
    if answer is not None and answer.skipped:
        chosen = "Chose not to answer"
    elif answer is not None and answer.value is not None:
        chosen = next((text for value, text, *_ in item.get("options", []) if value == answer.value), "")
    return AnswerGiven(question=item.get("text", ""), answer=chosen)


def timeline(alert: Alert) -> list[AlertEvent]:
    return list(
        AlertEvent.objects.filter(alert=alert).select_related("actor", "recipient", "notification").order_by("at", "id")
    )


def safe_contact(client_id: Any) -> SafeContact | None:
    return SafeContact.objects.filter(client_id=client_id).first()


def pending_support(user: Any) -> Any:
    """The response whose support page the signed-in client has not yet said they saw, or None."""
    if user is None or not user.is_authenticated:
        return None
    return (
        Alert.objects.filter(client__user_id=user.pk, support_pending=True, response__isnull=False)
        .order_by("-raised")
        .values_list("response_id", flat=True)
        .first()
    )
