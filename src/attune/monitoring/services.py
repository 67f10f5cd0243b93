"""Every write of monitoring: schedules, session dates, what a client may see, alerts and their handling, and
its reactions to what happens elsewhere (an answer given, a questionnaire submitted, a safety concern raised by
the intake), subscribed to those events in MonitoringConfig.ready().

Actor-driven writes take the `Access` (or `Located` alert) the view reached through the access policy and record
their audit event inside their transaction. Writes the system makes on its own (alerts raised by an answer,
questionnaires issued by a schedule) are audited with the agent role "system". Questionnaire responses belong
to the questionnaire engine: monitoring asks its services to issue or withdraw one.
"""

from __future__ import annotations

import datetime
import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from attune.accounts.models import Membership, User
from attune.care import hours
from attune.care.models import CareTeamMember, Client, Practice
from attune.core import audit, events, policy
from attune.core.models import AuditEvent
from attune.core.policy import Access, Located
from attune.measures import library
from attune.monitoring import inputs, perms, queries, rules
from attune.monitoring.models import (
    SAFETY_KINDS,
    Alert,
    AlertEvent,
    ChangeEvent,
    MeasureVisibility,
    Schedule,
    SessionRecord,
)
from attune.notify import services as notify
from attune.questionnaires import perms as questionnaire_perms
from attune.questionnaires import queries as questionnaire_queries
from attune.questionnaires import services as questionnaires
from attune.questionnaires.models import Response

ALERT = "DetectedIssue"
SCHEDULE = "ServiceRequest"
SESSION = "Encounter"
VISIBILITY = "Permission"
CHANGE = "Observation"
RESOURCE = "HealthcareService"
RESPONSE = questionnaires.ENTITY


def _system(action: str, entity_type: str, entity_id: object, client_id: uuid.UUID, reason: str) -> None:
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


# --- schedules --------------------------------------------------------------------------------------------


def create_schedule(
    access: Access, code: str, kind: str, every: int = 1, starts: datetime.date | None = None
) -> Schedule:
    """Schedule an instrument for a client. A live schedule of the same instrument is replaced. One due today
    is put in the client's portal at once; later ones by the `attune schedules` command."""
    access.require(perms.CONFIGURE)
    questionnaires.instrument_or_error(code)
    every, starts = _check_timing(kind, every, starts)
    with transaction.atomic():
        for old in Schedule.objects.select_for_update().filter(
            client_id=access.client_id, instrument=code, ended__isnull=True
        ):
            _end(access, old)
        schedule = Schedule.objects.create(
            client_id=access.client_id,
            instrument=code,
            kind=kind,
            every=every,
            starts=starts,
            created_by_id=access.actor_id,
        )
        access.record(AuditEvent.Action.CREATE, SCHEDULE, schedule.pk, perms.CONFIGURE)
        issue_due(access.client_id, portal_user_id=access.client.user_id)
    schedule.refresh_from_db()
    return schedule


def _check_timing(kind: str, every: int, starts: datetime.date | None) -> tuple[int, datetime.date]:
    today = timezone.localdate()
    if kind not in Schedule.Kind.values:
        raise ValidationError({"kind": "Choose how often."})
    if kind in inputs.MAX_EVERY and not 1 <= int(every) <= inputs.MAX_EVERY[kind]:
        raise ValidationError({"every": f"Choose a number from 1 to {inputs.MAX_EVERY[kind]}."})
    starts = starts or today
    if not today - datetime.timedelta(days=365) <= starts <= today + datetime.timedelta(days=365):
        raise ValidationError({"starts": "Choose a start date within a year of today."})
    return (int(every) if kind in inputs.MAX_EVERY else 1), starts


def end_schedule(access: Access, schedule_id: object) -> Schedule:
    with transaction.atomic():
        live = Schedule.objects.select_for_update().filter(ended__isnull=True)
        schedule = policy.row_of(access, live, schedule_id, perms.CONFIGURE, entity=SCHEDULE)
        _end(access, schedule)
    return schedule


def _end(access: Access, schedule: Schedule) -> None:
    schedule.ended = timezone.now()
    schedule.save(update_fields=["ended"])
    # Take back what the schedule put in the portal, if the client has not started it.
    if schedule.issued_id is not None:
        questionnaires.withdraw_untouched([schedule.issued_id])
    access.record(AuditEvent.Action.DELETE, SCHEDULE, schedule.pk, perms.CONFIGURE)


def issue_due(
    client_id: uuid.UUID, today: datetime.date | None = None, *, portal_user_id: int | None = None
) -> list[Response]:
    """Put each due scheduled questionnaire in the client's portal, once: nothing is issued while one of the
    same instrument is still open. Run by the system (the worker's tick, `attune schedules`, a new schedule),
    never by a page being viewed. The client's portal account, if they have one, gets a neutral message."""
    states = queries.due_for([client_id], today).get(client_id, [])
    wanted = [s.schedule for s in states if s.due.actionable]
    if not wanted:
        return []
    issued = []
    with transaction.atomic():
        # Lock the schedules, so that two runs at once issue one questionnaire, not two.
        locked = {s.pk: s for s in Schedule.objects.select_for_update().filter(pk__in=[s.pk for s in wanted])}
        open_now = questionnaire_queries.open_instruments(client_id)
        for schedule in wanted:
            if schedule.instrument in open_now or schedule.pk not in locked:
                continue
            response = questionnaires.issue(
                client_id, schedule.instrument, schedule.created_by_id, reason="measures.schedule"
            )
            Schedule.objects.filter(pk=schedule.pk).update(issued=response)
            open_now.add(schedule.instrument)
            issued.append(response)
        _tell_client(portal_user_id, issued, "issued")
    return issued


# A questionnaire still waiting, untouched, this long after it was put in the portal gets one gentle reminder.
REMIND_AFTER = datetime.timedelta(days=3)


def _tell_client(user_id: int | None, responses: list[Response], why: str) -> None:
    """A neutral message to the client's portal account that something is waiting (their channels, quiet hours
    and label apply); the message says nothing of what, and the link needs sign-in. While a safety alert about
    the client is unresolved, nobody nudges them about questionnaires: the questionnaire waits in the portal, and
    the gentle reminder comes after the care team has been in touch."""
    if user_id is None or not responses:
        return
    if (
        Alert.objects.filter(client_id=responses[0].client_id, kind__in=SAFETY_KINDS)
        .exclude(status=Alert.Status.RESOLVED)
        .exists()
    ):
        return
    for response in responses:
        notify.enqueue(recipient_id=user_id, purpose="reminder", target="/portal/", dedupe_key=f"{why}:{response.pk}")


def remind_waiting(now: datetime.datetime) -> int:
    """For the worker tick: one reminder for each portal questionnaire still waiting, untouched and not set aside,
    REMIND_AFTER after it was put there. Idempotent (one reminder per questionnaire, by its dedupe key)."""
    waiting = (
        Response.objects.filter(
            mode=Response.Mode.PORTAL,
            status=Response.Status.ASSIGNED,
            created__lte=now - REMIND_AFTER,
            client__user__isnull=False,
        )
        .exclude(postponed_until__gt=now.date())
        .select_related("client")
        .only("pk", "client_id", "client__user_id")
    )
    count = 0
    for response in waiting.iterator():
        with transaction.atomic():
            _tell_client(response.client.user_id, [response], "reminder")
        count += 1
    return count


def issue_all_due(today: datetime.date | None = None) -> int:
    """For the worker tick: issue what is due for every client with a live schedule."""
    count = 0
    live = Client.objects.filter(schedules__ended__isnull=True).distinct().values_list("pk", "user_id")
    for client_id, user_id in live:
        count += len(issue_due(client_id, today, portal_user_id=user_id))
    return count


# --- sessions and visibility ------------------------------------------------------------------------------


def record_session(access: Access, date: datetime.date) -> SessionRecord:
    access.require(perms.CONFIGURE)
    today = timezone.localdate()
    if not today - datetime.timedelta(days=730) <= date <= today + datetime.timedelta(days=365):
        raise ValidationError({"date": "Choose a date within two years before or one year after today."})
    with transaction.atomic():
        record, created = SessionRecord.objects.get_or_create(
            client_id=access.client_id, date=date, appointment_id=None, defaults={"clinician_id": access.actor_id}
        )
        if created:
            access.record(AuditEvent.Action.CREATE, SESSION, record.pk, perms.CONFIGURE)
    return record


def remove_session(access: Access, session_id: object) -> None:
    with transaction.atomic():
        record = policy.row_of(access, SessionRecord.objects.all(), session_id, perms.CONFIGURE, entity=SESSION)
        if record.booked:
            raise ValidationError("This session comes from the appointment book: cancel the appointment there.")
        pk = record.pk
        record.delete()
        access.record(AuditEvent.Action.DELETE, SESSION, pk, perms.CONFIGURE)


def on_appointment_booked(event: events.AppointmentBooked | events.AppointmentRescheduled) -> SessionRecord:
    """A session booked (or moved) in the clinical record: its date is a session date here, so that "before each
    session" questionnaires fall due in the days before it. One row per appointment, moved with it."""
    record = SessionRecord.objects.filter(appointment_id=event.appointment_id).first()
    if record is None:
        record = SessionRecord.objects.create(
            client_id=event.client_id,
            date=event.date,
            clinician_id=event.clinician_id,
            appointment_id=event.appointment_id,
        )
        _system(AuditEvent.Action.CREATE, SESSION, record.pk, event.client_id, "session:booked")
    elif record.date != event.date:
        record.date = event.date
        record.save(update_fields=["date"])
        _system(AuditEvent.Action.UPDATE, SESSION, record.pk, event.client_id, "session:moved")
    return record


def on_appointment_cancelled(event: events.AppointmentCancelled) -> None:
    """A cancelled session is no longer a session date: nothing falls due before it."""
    for record in SessionRecord.objects.filter(appointment_id=event.appointment_id):
        pk = record.pk
        record.delete()
        _system(AuditEvent.Action.DELETE, SESSION, pk, event.client_id, "session:cancelled")


def set_visibility(access: Access, code: str, visible: bool) -> MeasureVisibility:
    """Whether the client may see their own results of this instrument, in their portal."""
    access.require(perms.CONFIGURE)
    if code not in library.codes():
        raise ValidationError({"instrument": "There is no such questionnaire."})
    with transaction.atomic():
        row, _ = MeasureVisibility.objects.update_or_create(
            client_id=access.client_id,
            instrument=code,
            defaults={"visible": visible, "changed_by_id": access.actor_id, "changed": timezone.now()},
        )
        access.record(AuditEvent.Action.UPDATE, VISIBILITY, row.pk, perms.CONFIGURE)
    return row


# --- alerts -----------------------------------------------------------------------------------------------


def check_alert_reader(user: User) -> None:
    """The alerts inbox is for clinicians and supervisors; anyone else is refused, and the refusal audited."""
    roles = set(Membership.objects.filter(user_id=user.pk, active=True).values_list("role", flat=True))
    if not roles & {Membership.Role.CLINICIAN, Membership.Role.SUPERVISOR}:
        policy.deny(user, ALERT, "", perms.ALERTS_VIEW)
        raise PermissionDenied("Alerts are for clinicians and supervisors")


def record_alert_list(user: User, alerts: list[Alert], acting: set[uuid.UUID]) -> None:
    """One read event per alert listed, in one insert (the inbox spans clients, so no single Access shows it)."""
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


def acknowledge(located: Located[Alert], note: str) -> Alert:
    access = located.access
    with transaction.atomic():
        alert = Alert.objects.select_for_update().get(pk=located.row.pk)
        if alert.status != Alert.Status.OPEN:
            raise ValidationError(f"This alert was already {alert.get_status_display().lower()}.")
        alert.status = Alert.Status.ACKNOWLEDGED
        alert.acknowledged, alert.acknowledged_by_id = timezone.now(), access.actor_id
        alert.ack_note = note.strip()
        alert.save(update_fields=["status", "acknowledged", "acknowledged_by", "ack_note"])
        _event(alert, AlertEvent.Kind.ACKNOWLEDGED, at=alert.acknowledged, actor_id=access.actor_id)
        access.record(AuditEvent.Action.UPDATE, ALERT, alert.pk, perms.ALERTS_ACT)
    return alert


def log_contact(located: Located[Alert], outcome: str, note: str = "") -> AlertEvent:
    """A contact attempt the clinician made (called, left a message, reached, could not reach), with an
    outcome note only the care team reads. Reaching out answers the alert: an open one is acknowledged, so it
    escalates no further."""
    access = located.access
    if outcome not in AlertEvent.Outcome.values:
        raise ValidationError({"outcome": "Choose what happened."})
    with transaction.atomic():
        alert = Alert.objects.select_for_update().get(pk=located.row.pk)
        if alert.status == Alert.Status.RESOLVED:
            raise ValidationError("This alert was already resolved.")
        now = timezone.now()
        if alert.status == Alert.Status.OPEN:
            alert.status = Alert.Status.ACKNOWLEDGED
            alert.acknowledged, alert.acknowledged_by_id = now, access.actor_id
            alert.save(update_fields=["status", "acknowledged", "acknowledged_by"])
            _event(alert, AlertEvent.Kind.ACKNOWLEDGED, at=now, actor_id=access.actor_id)
        event = _event(alert, AlertEvent.Kind.CONTACT, at=now, actor_id=access.actor_id, outcome=outcome)
        event.note = note.strip()
        event.save(update_fields=["note"])
        access.record(AuditEvent.Action.CREATE, "Communication", event.pk, perms.ALERTS_ACT)
    return event


def resolve(located: Located[Alert], note: str = "") -> Alert:
    access = located.access
    with transaction.atomic():
        alert = Alert.objects.select_for_update().get(pk=located.row.pk)
        if alert.status == Alert.Status.RESOLVED:
            raise ValidationError("This alert was already resolved.")
        now = timezone.now()
        if alert.status == Alert.Status.OPEN:
            # Resolving without a separate acknowledgement acknowledges it too.
            alert.acknowledged, alert.acknowledged_by_id = now, access.actor_id
        alert.status, alert.resolved, alert.resolved_by_id = Alert.Status.RESOLVED, now, access.actor_id
        alert.resolve_note = note.strip()
        alert.save(
            update_fields=["status", "acknowledged", "acknowledged_by", "resolved", "resolved_by", "resolve_note"]
        )
        if alert.acknowledged == now:
            _event(alert, AlertEvent.Kind.ACKNOWLEDGED, at=now, actor_id=access.actor_id)
        _event(alert, AlertEvent.Kind.RESOLVED, at=now, actor_id=access.actor_id)
        access.record(AuditEvent.Action.UPDATE, ALERT, alert.pk, perms.ALERTS_ACT)
    return alert


# --- reactions to other apps' events (subscribed in MonitoringConfig.ready) ---------------------------------


def on_answered(event: events.ResponseAnswered) -> Alert | None:
    """A critical answer raises one alert per response and item, however often it is saved (autosave, then
    Next). The engine decided whether it is critical. A critical item skipped is not known, never "no risk":
    it asks the clinician to check in."""
    if event.critical_item and event.skipped:
        return _check_in(event.client_id, event.response_id, event.instrument, event.link_id)
    if not event.critical:
        return None
    # The client answered in the portal: whatever page they go to next shows them support first.
    by_client = Response.objects.filter(pk=event.response_id, mode=Response.Mode.PORTAL).exists()
    return _critical_alert(event.client_id, event.response_id, event.instrument, event.link_id, by_client)


def _critical_alert(
    client_id: uuid.UUID, response_id: uuid.UUID, instrument: str, link_id: str, by_client: bool = False
) -> Alert:
    alert, created = Alert.objects.get_or_create(
        response_id=response_id,
        kind=Alert.Kind.CRITICAL,
        item=link_id,
        defaults={"client_id": client_id, "instrument": instrument, "support_pending": by_client},
    )
    if created:
        _system(AuditEvent.Action.CREATE, ALERT, alert.pk, client_id, "alert:critical")
        raise_safety(alert)
    return alert


def _check_in(client_id: uuid.UUID, response_id: uuid.UUID, instrument: str, link_id: str) -> Alert:
    alert, created = Alert.objects.get_or_create(
        response_id=response_id,
        kind=Alert.Kind.CHECK_IN,
        item=link_id,
        defaults={"client_id": client_id, "instrument": instrument},
    )
    if created:
        _system(AuditEvent.Action.CREATE, ALERT, alert.pk, client_id, "alert:check_in")
        _event(alert, AlertEvent.Kind.RAISED, at=alert.raised)
    return alert


def on_safety_concern(event: events.SafetyConcern) -> Alert:
    """An answer outside the questionnaires (the intake's safety questions) suggests the client may not be
    safe: one alert per client and question since `event.since`, however often it is saved."""
    alert = Alert.objects.filter(
        client_id=event.client_id, kind=Alert.Kind.INTAKE_SAFETY, item=event.item, raised__gte=event.since
    ).first()
    if alert is None:
        alert = Alert.objects.create(
            client_id=event.client_id, kind=Alert.Kind.INTAKE_SAFETY, instrument=event.source, item=event.item
        )
        _system(AuditEvent.Action.CREATE, ALERT, alert.pk, event.client_id, "alert:intake_safety")
        raise_safety(alert)
    return alert


# --- telling the care team, and escalating -----------------------------------------------------------------

# Step 0 tells the primary clinician, step 1 the rest of the care team, step 2 the primary clinician's
# supervisors. A step that reaches nobody (no such people, or their notifications are all off) is followed at
# once by the next: a safety alert must reach someone.
LAST_STEP = 2


def _event(alert: Alert, kind: str, *, at: datetime.datetime | None = None, **fields: object) -> AlertEvent:
    return AlertEvent.objects.create(
        alert=alert, client_id=alert.client_id, kind=kind, at=at or timezone.now(), **fields
    )


def raise_safety(alert: Alert) -> None:
    """A safety alert was raised: its timeline starts, and the primary clinician is told at once, in the
    transaction that raised it (a rolled-back answer tells nobody)."""
    _event(alert, AlertEvent.Kind.RAISED, at=alert.raised)
    _take_step(alert, 0, timezone.now())


def _team(client_id: uuid.UUID) -> tuple[list[int], list[int]]:
    """(primary clinician, the rest of the care team) as user ids."""
    rows = list(CareTeamMember.objects.filter(client_id=client_id).values_list("clinician_id", "role"))
    primary = [pk for pk, role in rows if role == CareTeamMember.Role.PRIMARY]
    return primary, [pk for pk, role in rows if role != CareTeamMember.Role.PRIMARY]


def _recipients(alert: Alert, step: int) -> list[int]:
    primary, others = _team(alert.client_id)
    if step == 0:
        return primary
    if step == 1:
        return others
    # The supervisors of the primary clinician (of the whole team when there is no primary).
    practice = Client.objects.filter(pk=alert.client_id).values("practice_id")
    supervised = primary or others
    return sorted(
        set(
            Membership.objects.filter(
                user_id__in=supervised, practice_id__in=practice, active=True, supervisor__isnull=False
            ).values_list("supervisor_id", flat=True)
        )
    )


def _take_step(alert: Alert, step: int, now: datetime.datetime) -> None:
    alert.escalation_step, alert.stepped = step, now
    Alert.objects.filter(pk=alert.pk).update(escalation_step=step, stepped=now)
    if step > 0:
        _event(alert, AlertEvent.Kind.ESCALATED, at=now, step=step)
        _system(AuditEvent.Action.UPDATE, ALERT, alert.pk, alert.client_id, f"alert:escalate:{step}")
    reached = False
    for user_id in _recipients(alert, step):
        rows = notify.enqueue(
            recipient_id=user_id,
            purpose="alert" if step == 0 else "escalation",
            target=reverse("monitoring:alert", args=[alert.pk]),
            dedupe_key=f"alert:{alert.pk}:primary" if step == 0 else f"alert:{alert.pk}:step{step}:{user_id}",
            urgent=True,
        )
        for row in rows:
            _event(alert, AlertEvent.Kind.NOTIFIED, at=now, step=step, recipient_id=user_id, notification=row)
        if not rows:
            # Their notifications are off: the timeline says so, and the next step follows at once.
            _event(alert, AlertEvent.Kind.NOTIFIED, at=now, step=step, recipient_id=user_id)
        reached = reached or bool(rows)
    if not reached and step < LAST_STEP:
        _take_step(alert, step + 1, now)


def escalation_due(alert: Alert, practice: Practice) -> datetime.datetime:
    """When an unacknowledged alert takes its next step: the practice's escalation time, in working time,
    after the last step."""
    return hours.after_working_minutes(practice, alert.stepped or alert.raised, practice.escalation_minutes)


def escalate_due(now: datetime.datetime) -> int:
    """The tick: every open safety alert whose escalation time has passed takes its next step, once."""
    taken = 0
    candidates = Alert.objects.filter(
        kind__in=SAFETY_KINDS, status=Alert.Status.OPEN, escalation_step__lt=LAST_STEP
    ).select_related("client__practice")
    for candidate in candidates:
        if now < escalation_due(candidate, candidate.client.practice):
            continue
        with transaction.atomic():
            alert = Alert.objects.select_for_update().filter(pk=candidate.pk).first()
            # Another worker (or the clinician) got there first: nothing to do.
            if alert is None or alert.status != Alert.Status.OPEN or alert.escalation_step != candidate.escalation_step:
                continue
            _take_step(alert, alert.escalation_step + 1, now)
            taken += 1
    return taken


# --- the client's support page ----------------------------------------------------------------------------


def saw_support(located: Located[Response]) -> int:
    """The client says they have seen the support page: it stops coming first on their portal pages."""
    access = located.access
    now = timezone.now()
    with transaction.atomic():
        pending = list(Alert.objects.select_for_update().filter(client_id=access.client_id, support_pending=True))
        for alert in pending:
            Alert.objects.filter(pk=alert.pk).update(support_pending=False, client_saw_support_at=now)
            access.record(AuditEvent.Action.UPDATE, ALERT, alert.pk, questionnaire_perms.ANSWER)
    return len(pending)


def on_submitted(event: events.ResponseSubmitted) -> None:
    """A questionnaire was completed and scored: alerts and changes for reviews, in the submitter's transaction."""
    for link_id in event.critical_items:
        # Also covers answers that reached the engine some other way (a FHIR import).
        _critical_alert(event.client_id, event.response_id, event.instrument, link_id)
    for link_id in queries.skipped_critical(event.response_id, event.instrument):
        _check_in(event.client_id, event.response_id, event.instrument, link_id)
    # The client has just completed this instrument (perhaps in session): a scheduled copy still waiting,
    # untouched, in the portal is no longer needed.
    issued = Schedule.objects.filter(client_id=event.client_id, instrument=event.instrument).values_list(
        "issued", flat=True
    )
    questionnaires.withdraw_untouched(pk for pk in issued if pk is not None and pk != event.response_id)
    response = Response.objects.get(pk=event.response_id)
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
