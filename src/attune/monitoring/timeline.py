"""Monitoring's lines for the care team's timeline (core/timeline.py): questionnaires completed in the window with
their totals, and alerts raised or resolved in it with what was done. Results the client withholds from this
clinician (the "results" category) and alerts this caller may not read give nothing."""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.utils import timezone

from attune.core import policy
from attune.core.policy import Access
from attune.core.timeline import Item
from attune.measures import library
from attune.monitoring import perms
from attune.monitoring.models import Alert
from attune.questionnaires import perms as questionnaire_perms
from attune.questionnaires.models import Response
from attune.questionnaires.services import ENTITY as RESPONSE


def _day(moment: datetime.datetime) -> str:
    return f"{timezone.localtime(moment):%a %-d %b}"


def _title(code: str) -> str:
    return library.load(code).title if code in library.codes() else code


def results(access: Access, start: datetime.datetime, end: datetime.datetime) -> list[Item]:
    if not access.can(questionnaire_perms.VIEW):
        return []
    rows = list(
        policy.scoped(access, Response.objects.all())
        .filter(status=Response.Status.COMPLETED, submitted__gte=start, submitted__lt=end)
        .order_by("submitted")
        .only("id", "client_id", "instrument", "submitted", "total", "scored")
    )
    items = []
    for response in rows:
        assert response.submitted is not None  # completed responses are submitted
        score = f"total {response.total:g}" if response.scored and response.total is not None else "not scored"
        items.append(
            Item(
                response.submitted,
                "Questionnaires",
                f"{_day(response.submitted)}: {_title(response.instrument)}, {score}",
            )
        )
    access.shown(RESPONSE, [r.pk for r in rows], questionnaire_perms.VIEW)
    return items


def alert_line(alert: Alert) -> str:
    """An alert and what became of it, for the care team."""
    what = alert.get_kind_display()
    if alert.kind != Alert.Kind.INTAKE_SAFETY and alert.instrument:
        what += f" ({_title(alert.instrument)}"
        what += f", item {alert.item_number})" if alert.item_number else ")"
    text = f"{_day(alert.raised)}: {what}"
    if alert.status == Alert.Status.RESOLVED and alert.resolved is not None:
        text += f"; resolved {timezone.localtime(alert.resolved):%-d %b}"
        if alert.resolve_note:
            text += f": {alert.resolve_note}"
    elif alert.status == Alert.Status.ACKNOWLEDGED and alert.acknowledged is not None:
        text += f"; acknowledged {timezone.localtime(alert.acknowledged):%-d %b}, not resolved yet"
        if alert.ack_note:
            text += f": {alert.ack_note}"
    else:
        text += "; still open"
    return text


def plain_line(alert: Alert) -> str:
    """The same alert in plain words for the client: that the care team checked in and whether it was followed
    up. No instrument, no item, no notes."""
    text = f"{timezone.localtime(alert.raised):%-d %B}: your care team was asked to check in with you"
    if alert.status == Alert.Status.RESOLVED and alert.resolved is not None:
        return text + f", and followed it up by {timezone.localtime(alert.resolved):%-d %B}."
    return text + ", and is following it up."


def alerts(access: Access, start: datetime.datetime, end: datetime.datetime) -> list[Item]:
    """Alerts raised in the window, or raised before it and resolved in it, audited as read: for the care team
    with what was done; for the client (their own review) in plain words only."""
    if access.can(perms.ALERTS_VIEW):
        perm, full = perms.ALERTS_VIEW, True
    elif access.can(perms.ALERTS_OWN):
        perm, full = perms.ALERTS_OWN, False
    else:
        return []
    rows = list(
        policy.scoped(access, Alert.objects.all())
        .filter(Q(raised__gte=start, raised__lt=end) | Q(resolved__gte=start, resolved__lt=end))
        .order_by("raised")
    )
    access.shown("DetectedIssue", [a.pk for a in rows], perm)
    return [Item(a.raised, "Alerts", alert_line(a) if full else plain_line(a), plain=plain_line(a)) for a in rows]
