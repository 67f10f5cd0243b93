"""Every write of monitoring: schedules, session dates, what a client may see, alerts and their handling,
postponing, and the hooks the questionnaire engine calls when an answer is given or a
questionnaire is sent.

Actor-driven writes fetch through the access policy first (so a refusal is audited) and record their audit
event inside their transaction. Writes the system makes on its own (alerts raised by an answer, questionnaires
issued by a schedule) are audited with the agent role "system".
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from attune.care.models import Episode
from attune.core import audit, policy
from attune.core.models import AuditEvent
from attune.measures import library
from attune.monitoring import perms, queries, rules
from attune.monitoring.models import Alert, ChangeEvent, MeasureVisibility, Schedule, SessionRecord
from attune.questionnaires import perms as questionnaire_perms
from attune.questionnaires.models import Response

ALERT = "DetectedIssue"
SCHEDULE = "ServiceRequest"
SESSION = "Encounter"
VISIBILITY = "Permission"
CHANGE = "Observation"
RESOURCE = "HealthcareService"
RESPONSE = "QuestionnaireResponse"

MAX_EVERY: dict[str, int] = {Schedule.Kind.DAYS: 90, Schedule.Kind.WEEKS: 26}
POSTPONE_DAYS = (1, 3, 7)


def _parse(value: Any) -> uuid.UUID | None:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except (TypeError, ValueError):
        return None


def _system(action: str, entity_type: str, entity_id: Any, client_id: Any, reason: str) -> None:
    audit.record(
        audit.Entry(
            action=action,
            outcome=AuditEvent.Outcome.SUCCESS,
            agent_id=None,
            agent_role="system",
            entity_type=entity_type,
            entity_id=str(entity_id),
            client_id=client_id,
            purpose="TREAT",
            reason=reason,
        )
    )


def _current_episode(client: Any) -> Episode | None:
    return Episode.objects.filter(client=client, closed__isnull=True).first()


# --- schedules --------------------------------------------------------------------------------------------


def create_schedule(
    actor: Any, client_id: Any, code: str, kind: str, every: int = 1, starts: datetime.date | None = None
) -> Schedule:
    """Schedule an instrument for a client. A live schedule of the same instrument is replaced."""
    from attune.questionnaires.services import instrument_or_error

    access = policy.get_client_for(actor, client_id, perms.CONFIGURE)
    instrument_or_error(code)
    every, starts = _check_timing(kind, every, starts)
    with transaction.atomic():
        for old in Schedule.objects.select_for_update().filter(
            client_id=access.client_id, instrument=code, ended__isnull=True
        ):
            _end(actor, access, old)
        schedule = Schedule.objects.create(
            client_id=access.client_id, instrument=code, kind=kind, every=every, starts=starts, created_by=actor
        )
        policy.record_access(actor, access, AuditEvent.Action.CREATE, SCHEDULE, str(schedule.pk), perms.CONFIGURE)
    return schedule


def _check_timing(kind: str, every: int, starts: datetime.date | None) -> tuple[int, datetime.date]:
    today = timezone.localdate()
    if kind not in Schedule.Kind.values:
        raise ValidationError({"kind": "Choose how often."})
    if kind in MAX_EVERY and not 1 <= int(every) <= MAX_EVERY[kind]:
        raise ValidationError({"every": f"Choose a number from 1 to {MAX_EVERY[kind]}."})
    starts = starts or today
    if not today - datetime.timedelta(days=365) <= starts <= today + datetime.timedelta(days=365):
        raise ValidationError({"starts": "Choose a start date within a year of today."})
    return (int(every) if kind in MAX_EVERY else 1), starts


def end_schedule(actor: Any, client_id: Any, schedule_id: Any) -> Schedule:
    access = policy.get_client_for(actor, client_id, perms.CONFIGURE)
    pk = _parse(schedule_id)
    with transaction.atomic():
        schedule = (
            Schedule.objects.select_for_update().filter(pk=pk, client_id=access.client_id, ended__isnull=True).first()
            if pk
            else None
        )
        if schedule is None:
            raise Http404("No such schedule")
        _end(actor, access, schedule)
    return schedule


def _end(actor: Any, access: policy.Access, schedule: Schedule) -> None:
    schedule.ended = timezone.now()
    schedule.save(update_fields=["ended"])
    # Take back what the schedule put in the portal, if the client has not started it.
    if schedule.issued_id is not None:
        _withdraw_untouched(Response.objects.filter(pk=schedule.issued_id))
    policy.record_access(actor, access, AuditEvent.Action.DELETE, SCHEDULE, str(schedule.pk), perms.CONFIGURE)


def _withdraw_untouched(responses: Any) -> int:
    return int(
        responses.filter(status=Response.Status.ASSIGNED, answers__isnull=True).update(
            status=Response.Status.WITHDRAWN, updated=timezone.now()
        )
    )


def issue_due(client: Any, today: datetime.date | None = None) -> list[Response]:
    """Put each due scheduled questionnaire in the client's portal, once: nothing is issued while one of the
    same instrument is still open. Callers have fetched the client through the policy (or run as the system)."""
    states = queries.due_for([client.pk], today).get(client.pk, [])
    wanted = [s.schedule for s in states if s.due.actionable]
    if not wanted:
        return []
    issued = []
    with transaction.atomic():
        # Lock the schedules, so that two page loads at once issue one questionnaire, not two.
        locked = {s.pk: s for s in Schedule.objects.select_for_update().filter(pk__in=[s.pk for s in wanted])}
        open_now = set(
            Response.objects.filter(
                client=client, status__in=[Response.Status.ASSIGNED, Response.Status.IN_PROGRESS]
            ).values_list("instrument", flat=True)
        )
        episode = _current_episode(client)
        for schedule in wanted:
            if schedule.instrument in open_now or schedule.pk not in locked:
                continue
            response = Response.objects.create(
                client=client, episode=episode, instrument=schedule.instrument, created_by=schedule.created_by
            )
            Schedule.objects.filter(pk=schedule.pk).update(issued=response)
            _system(AuditEvent.Action.CREATE, RESPONSE, response.pk, client.pk, "measures.schedule")
            open_now.add(schedule.instrument)
            issued.append(response)
    return issued


def issue_all_due(today: datetime.date | None = None) -> int:
    """For cron: issue what is due for every client with a live schedule."""
    from attune.care.models import Client

    count = 0
    for client in Client.objects.filter(schedules__ended__isnull=True).distinct():
        count += len(issue_due(client, today))
    return count


# --- sessions and visibility ------------------------------------------------------------------------------


def record_session(actor: Any, client_id: Any, date: datetime.date) -> SessionRecord:
    access = policy.get_client_for(actor, client_id, perms.CONFIGURE)
    today = timezone.localdate()
    if not today - datetime.timedelta(days=730) <= date <= today + datetime.timedelta(days=365):
        raise ValidationError({"date": "Choose a date within two years before or one year after today."})
    with transaction.atomic():
        record, created = SessionRecord.objects.get_or_create(
            client_id=access.client_id, date=date, defaults={"clinician": actor}
        )
        if created:
            policy.record_access(actor, access, AuditEvent.Action.CREATE, SESSION, str(record.pk), perms.CONFIGURE)
    return record


def remove_session(actor: Any, client_id: Any, session_id: Any) -> None:
    access = policy.get_client_for(actor, client_id, perms.CONFIGURE)
    pk = _parse(session_id)
    with transaction.atomic():
        deleted, _ = SessionRecord.objects.filter(pk=pk, client_id=access.client_id).delete() if pk else (0, {})
        if not deleted:
            raise Http404("No such session")
        policy.record_access(actor, access, AuditEvent.Action.DELETE, SESSION, str(pk), perms.CONFIGURE)


def set_visibility(actor: Any, client_id: Any, code: str, visible: bool) -> MeasureVisibility:
    """Whether the client may see their own results of this instrument, in their portal."""
    access = policy.get_client_for(actor, client_id, perms.CONFIGURE)
    if code not in library.codes():
        raise ValidationError({"instrument": "There is no such questionnaire."})
    with transaction.atomic():
        row, _ = MeasureVisibility.objects.update_or_create(
            client_id=access.client_id,
            instrument=code,
            defaults={"visible": visible, "changed_by": actor, "changed": timezone.now()},
        )
        policy.record_access(actor, access, AuditEvent.Action.UPDATE, VISIBILITY, str(row.pk), perms.CONFIGURE)
    return row


# --- postponing -------------------------------------------------------------------------------------------


def postpone(actor: Any, response_id: Any, days: int) -> Response:
    """The client sets a waiting questionnaire aside: the portal shows it again after `days` days."""
    from attune.questionnaires.services import locate

    located = locate(actor, response_id, questionnaire_perms.ANSWER)
    if days not in POSTPONE_DAYS:
        raise ValidationError({"days": "Choose when to be reminded."})
    if not located.response.is_open:
        raise ValidationError("This questionnaire was already sent. Thank you.")
    until = timezone.localdate() + datetime.timedelta(days=days)
    with transaction.atomic():
        Response.objects.filter(pk=located.response.pk).update(postponed_until=until, updated=timezone.now())
        policy.record_access(
            actor,
            located.access,
            AuditEvent.Action.UPDATE,
            RESPONSE,
            str(located.response.pk),
            questionnaire_perms.ANSWER,
        )
    located.response.refresh_from_db()
    return located.response


# --- alerts -----------------------------------------------------------------------------------------------


def check_alert_reader(user: Any) -> None:
    """The alerts inbox is for clinicians and supervisors; anyone else is refused, and the refusal audited."""
    from attune.accounts.models import Membership

    roles = set(Membership.objects.filter(user_id=user.pk, active=True).values_list("role", flat=True))
    if not roles & {Membership.Role.CLINICIAN, Membership.Role.SUPERVISOR}:
        policy.deny_legacy(user, ALERT, "", perms.ALERTS_VIEW)
        raise PermissionDenied("Alerts are for clinicians and supervisors")


def record_alert_list(user: Any, alerts: Any, acting: set[Any]) -> None:
    """One read event per alert listed, in one insert."""
    audit.record(
        *[
            audit.Entry(
                action=AuditEvent.Action.READ,
                outcome=AuditEvent.Outcome.SUCCESS,
                agent_id=user.pk,
                agent_role=policy.Relation.CARE_TEAM if alert.client_id in acting else policy.Relation.SUPERVISOR,
                entity_type=ALERT,
                entity_id=str(alert.pk),
                client_id=alert.client_id,
                purpose="TREAT",
                reason="alerts.list",
            )
            for alert in alerts
        ]
    )


def locate_alert(user: Any, alert_id: Any, perm: policy.Perm) -> tuple[policy.Access, Alert]:
    """An alert through the policy: 404 unless its client is visible to the user, 403 without the permission."""
    pk = _parse(alert_id)
    row = (
        Alert.objects.filter(pk=pk, client__in=policy.visible_to(user)).only("id", "client_id").first() if pk else None
    )
    if row is None:
        policy.deny_legacy(user, ALERT, str(alert_id)[:64], perm)
        raise Http404("No such alert")
    access = policy.get_client_for(user, row.client_id, perm)
    alert = Alert.objects.select_related("acknowledged_by", "resolved_by").get(pk=row.pk)
    return access, alert


def acknowledge(actor: Any, alert_id: Any, note: str) -> Alert:
    access, alert = locate_alert(actor, alert_id, perms.ALERTS_ACT)
    with transaction.atomic():
        alert = Alert.objects.select_for_update().get(pk=alert.pk)
        if alert.status != Alert.Status.OPEN:
            raise ValidationError(f"This alert was already {alert.get_status_display().lower()}.")
        alert.status = Alert.Status.ACKNOWLEDGED
        alert.acknowledged, alert.acknowledged_by = timezone.now(), actor
        alert.ack_note = note.strip()
        alert.save(update_fields=["status", "acknowledged", "acknowledged_by", "ack_note"])
        policy.record_access(actor, access, AuditEvent.Action.UPDATE, ALERT, str(alert.pk), perms.ALERTS_ACT)
    return alert


def resolve(actor: Any, alert_id: Any, note: str = "") -> Alert:
    access, alert = locate_alert(actor, alert_id, perms.ALERTS_ACT)
    with transaction.atomic():
        alert = Alert.objects.select_for_update().get(pk=alert.pk)
        if alert.status == Alert.Status.RESOLVED:
            raise ValidationError("This alert was already resolved.")
        now = timezone.now()
        if alert.status == Alert.Status.OPEN:
            # Resolving without a separate acknowledgement acknowledges it too.
            alert.acknowledged, alert.acknowledged_by = now, actor
        alert.status, alert.resolved, alert.resolved_by = Alert.Status.RESOLVED, now, actor
        alert.resolve_note = note.strip()
        alert.save(
            update_fields=["status", "acknowledged", "acknowledged_by", "resolved", "resolved_by", "resolve_note"]
        )
        policy.record_access(actor, access, AuditEvent.Action.UPDATE, ALERT, str(alert.pk), perms.ALERTS_ACT)
    return alert


# --- hooks from the questionnaire engine ------------------------------------------------------------------


def on_answer(response: Response, link_id: str, value: float | None) -> Alert | None:
    """Called by questionnaires.services.answer inside its transaction. A critical answer raises one alert per
    response and item, however often it is saved (autosave, then Next)."""
    scoring = library.load(response.instrument).scoring
    if not rules.is_critical(scoring, link_id, value):
        return None
    return _critical_alert(response, link_id)


def _critical_alert(response: Response, link_id: str) -> Alert:
    alert, created = Alert.objects.get_or_create(
        response=response,
        kind=Alert.Kind.CRITICAL,
        item=link_id,
        defaults={"client_id": response.client_id, "instrument": response.instrument},
    )
    if created:
        _system(AuditEvent.Action.CREATE, ALERT, alert.pk, response.client_id, "alert:critical")
    return alert


def on_intake_concern(intake: Any, link_id: str) -> Alert:
    """Called by intake.services.answer inside its transaction, holding the intake's row lock, when an answer
    suggests the client may not be safe. One alert per intake and question, however often it is saved."""
    alert = Alert.objects.filter(
        client_id=intake.client_id, kind=Alert.Kind.INTAKE_SAFETY, item=link_id, raised__gte=intake.created
    ).first()
    if alert is None:
        alert = Alert.objects.create(
            client_id=intake.client_id, kind=Alert.Kind.INTAKE_SAFETY, instrument="intake", item=link_id
        )
        _system(AuditEvent.Action.CREATE, ALERT, alert.pk, intake.client_id, "alert:intake_safety")
    return alert


def on_submit(response: Response) -> None:
    """Called by questionnaires.services.submit inside its transaction, once the response is scored."""
    for link_id in response.critical_items:
        _critical_alert(response, link_id)  # also covers answers that reached the engine some other way
    # The client has just completed this instrument (perhaps in session): a scheduled copy still waiting,
    # untouched, in the portal is no longer needed.
    issued = Schedule.objects.filter(client_id=response.client_id, instrument=response.instrument).values("issued")
    _withdraw_untouched(Response.objects.filter(pk__in=issued).exclude(pk=response.pk))
    if response.total is None or response.submitted is None:
        return
    rule = rules.change_rule(library.load(response.instrument).scoring)
    history = [rules.Point(str(r.pk), r.submitted, r.total) for r in queries.history_before(response)]  # type: ignore[arg-type]
    current = rules.Point(str(response.pk), response.submitted, response.total)
    findings = rules.evaluate(rule, history, current)
    deteriorations = [f for f in findings if f.kind == "deterioration"]
    if deteriorations:
        _deterioration_alert(response, deteriorations)
    for finding in findings:
        if finding.kind in {"improvement", "cutoff"}:
            _change_event(response, finding, rule)


def _deterioration_alert(response: Response, findings: list[rules.Finding]) -> None:
    by = {f.against: f for f in findings}
    alert, created = Alert.objects.get_or_create(
        response=response,
        kind=Alert.Kind.DETERIORATION,
        item="",
        defaults={
            "client_id": response.client_id,
            "instrument": response.instrument,
            "against": ",".join(sorted(by)),
            "score": response.total,
            "baseline_score": by["baseline"].before if "baseline" in by else None,
            "previous_score": by["previous"].before if "previous" in by else None,
            "threshold": findings[0].threshold,
        },
    )
    if created:
        _system(AuditEvent.Action.CREATE, ALERT, alert.pk, response.client_id, "alert:deterioration")


def _change_event(response: Response, finding: rules.Finding, rule: rules.ChangeRule) -> None:
    event, created = ChangeEvent.objects.get_or_create(
        response=response,
        kind=ChangeEvent.Kind.IMPROVEMENT if finding.kind == "improvement" else ChangeEvent.Kind.CUTOFF,
        defaults={
            "client_id": response.client_id,
            "instrument": response.instrument,
            "before": finding.before,
            "after": finding.after,
            "threshold": finding.threshold,
            "cutoff": rule.cutoff,
            "direction": finding.direction,
        },
    )
    if created:
        _system(AuditEvent.Action.CREATE, CHANGE, event.pk, response.client_id, f"change:{event.kind}")
