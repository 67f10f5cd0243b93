"""Monitoring operations for apps: schedules, alerts, and a client's results."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from attune.accounts.roles import user_of
from attune.care import perms as care_perms
from attune.care.records import record_of
from attune.core import policy
from attune.core.apidoc import one_of
from attune.core.policy import Located, Relation
from attune.measures import library
from attune.monitoring import inputs, perms, progress, queries, services
from attune.monitoring.models import Alert, Schedule
from attune.questionnaires import inputs as questionnaire_inputs
from attune.questionnaires import perms as questionnaire_perms

router = Router(tags=["monitoring"])


class DueOut(Schema):
    state: str = Field(description="done, upcoming, due or overdue")
    on: datetime.date | None


class ScheduleOut(Schema):
    id: uuid.UUID
    client_id: uuid.UUID
    instrument: str
    kind: str
    every: int
    starts: datetime.date
    created: datetime.datetime
    due: DueOut


class ScheduleIn(Schema):
    instrument: str = Field(
        max_length=questionnaire_inputs.INSTRUMENT_MAX_LENGTH, json_schema_extra=one_of(library.codes)
    )
    kind: str = Field(
        description="once, days, weeks or session (before each recorded session)",
        json_schema_extra=one_of(lambda: Schedule.Kind.values),
    )
    every: int = Field(default=1, ge=1, le=inputs.EVERY_MAX, description="N of every N days or weeks")
    starts: datetime.date | None = Field(default=None, description="The first due date; today if left out")


class AlertOut(Schema):
    id: uuid.UUID
    client_id: uuid.UUID
    kind: str
    status: str
    instrument: str
    item: str
    against: str
    score: float | None
    baseline_score: float | None
    previous_score: float | None
    threshold: float | None
    raised: datetime.datetime
    acknowledged: datetime.datetime | None
    resolved: datetime.datetime | None


class AlertFilters(Schema):
    kind: str = ""
    status: str = Field(default="unresolved", description="unresolved, open, acknowledged, resolved or all")
    client_id: uuid.UUID | None = None


class AlertNoteIn(Schema):
    note: str = Field(default="", max_length=inputs.NOTE_MAX_LENGTH, description="Only the care team can read it")


class ResultPoint(Schema):
    date: datetime.date
    total: float | None
    missing_rule: str
    critical: str = Field(
        "",
        description='"yes" (a critical answer), "no", or "unknown" (the critical item was skipped: not known, '
        "never no risk); empty when the questionnaire has no critical item",
    )


class ResultOut(Schema):
    instrument: str
    title: str
    lower_is_better: bool
    reliable_change: float | None
    baseline: float | None
    latest: float | None
    change: str = Field(description="better, worse or same against the baseline; empty with one result")
    reliable: bool
    points: list[ResultPoint]


def _schedule(state: queries.ScheduleState) -> dict[str, Any]:
    s = state.schedule
    return {
        "id": s.pk,
        "client_id": s.client_id,
        "instrument": s.instrument,
        "kind": s.kind,
        "every": s.every,
        "starts": s.starts,
        "created": s.created,
        "due": {"state": state.due.state, "on": state.due.on},
    }


def _alert(alert: Alert) -> dict[str, Any]:
    fields = [f for f in AlertOut.model_fields if f not in {"id", "client_id"}]
    return {"id": alert.pk, "client_id": alert.client_id, **{f: getattr(alert, f) for f in fields}}


@router.get("/clients/{client_id}/schedules", response=list[ScheduleOut], operation_id="list_schedules")
def list_schedules(request: HttpRequest, client_id: str) -> list[dict[str, Any]]:
    access = policy.client(request.user, client_id, questionnaire_perms.VIEW)
    return [_schedule(s) for s in queries.due_for([access.client_id]).get(access.client_id, [])]


@router.post("/clients/{client_id}/schedules", response={201: ScheduleOut}, operation_id="create_schedule")
def create_schedule(request: HttpRequest, client_id: str, payload: ScheduleIn) -> tuple[int, dict[str, Any]]:
    access = policy.client(request.user, client_id, perms.CONFIGURE)
    schedule = services.create_schedule(access, payload.instrument, payload.kind, payload.every, payload.starts)
    state = next(s for s in queries.due_for([schedule.client_id])[schedule.client_id] if s.schedule.pk == schedule.pk)
    return 201, _schedule(state)


@router.delete("/clients/{client_id}/schedules/{schedule_id}", response={204: None}, operation_id="end_schedule")
def end_schedule(request: HttpRequest, client_id: str, schedule_id: str) -> tuple[int, None]:
    services.end_schedule(policy.client(request.user, client_id, perms.CONFIGURE), schedule_id)
    return 204, None


@router.get("/alerts", response=list[AlertOut], operation_id="list_alerts")
def list_alerts(request: HttpRequest, filters: Query[AlertFilters]) -> list[dict[str, Any]]:
    """Alerts about the caller's care-team clients (and, for a supervisor, their team's), newest first."""
    services.check_alert_reader(user_of(request))
    alerts = list(
        queries.alerts_for(request.user, kind=filters.kind, client_id=filters.client_id, status=filters.status)[:200]
    )
    services.record_alert_list(user_of(request), alerts, queries.acting_on(request.user))
    return [_alert(a) for a in alerts]


@router.post("/alerts/{alert_id}/acknowledge", response=AlertOut, operation_id="acknowledge_alert")
def acknowledge_alert(request: HttpRequest, alert_id: str, payload: AlertNoteIn) -> dict[str, Any]:
    return _alert(services.acknowledge(_located(request, alert_id), payload.note))


@router.post("/alerts/{alert_id}/resolve", response=AlertOut, operation_id="resolve_alert")
def resolve_alert(request: HttpRequest, alert_id: str, payload: AlertNoteIn) -> dict[str, Any]:
    return _alert(services.resolve(_located(request, alert_id), payload.note))


def _located(request: HttpRequest, alert_id: str) -> Located[Alert]:
    alerts = Alert.objects.select_related("acknowledged_by", "resolved_by")
    return policy.locate(request.user, alerts, alert_id, perms.ALERTS_ACT, entity=services.ALERT)


@router.get("/clients/{client_id}/results", response=list[ResultOut], operation_id="list_results")
def list_results(request: HttpRequest, client_id: str) -> list[dict[str, Any]]:
    """Results over time, per instrument. A client gets only the instruments their clinician chose to show
    them; the care team and supervisors get all."""
    access = _results_access(request, client_id)
    client = record_of(access)
    codes = [code for code, _n, _last in queries.instruments_used(client)]
    if access.relation is Relation.SELF:
        codes = [c for c in codes if c in queries.visible_instruments(client)]
    results = []
    for code in codes:
        if code not in library.codes():
            continue
        series = queries.episode_series(client, code)
        built = progress.build(library.load(code), series, [], unknown=queries.critical_unknown(series))
        results.append(_result(built))
    return results


def _results_access(request: HttpRequest, client_id: str) -> policy.Access:
    access = policy.client(request.user, client_id, care_perms.VIEW)
    if not access.can(perms.VIEW_OWN_RESULTS):
        access.require(questionnaire_perms.VIEW)  # 403 (audited) for whoever holds neither
    return access


def _critical(built: progress.Progress, row: progress.Row) -> str:
    if not queries.critical_items(built.instrument.code):
        return ""
    if row.response.critical_items:
        return "yes"
    return "unknown" if row.critical_unknown else "no"


def _result(built: progress.Progress) -> dict[str, Any]:
    s = built.summary
    change = "" if s.direction == "" else ("same" if s.direction == "same" else ("better" if s.better else "worse"))
    return {
        "instrument": built.instrument.code,
        "title": built.instrument.title,
        "lower_is_better": built.rule.lower_is_better,
        "reliable_change": built.rule.threshold,
        "baseline": s.baseline.total if s.baseline else None,
        "latest": s.latest.total if s.latest else None,
        "change": change,
        "reliable": s.reliable,
        "points": [
            {"date": r.when, "total": r.total, "missing_rule": r.note, "critical": _critical(built, r)}
            for r in built.rows
        ],
    }
