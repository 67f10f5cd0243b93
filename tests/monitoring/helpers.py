"""Shared helpers for the monitoring tests: complete questionnaires through the engine, on chosen days."""

from __future__ import annotations

import datetime
import secrets
import uuid
from typing import Any

from django.conf import settings
from django.test import Client as DjangoClient
from django.utils import timezone

from attune.core import policy
from attune.core.policy import Access
from attune.monitoring import perms
from attune.monitoring.models import Alert, ChangeEvent
from attune.questionnaires.models import Response
from tests.questionnaires import acting as questionnaires


def answers_for(total: int, items: int, top: int) -> list[int]:
    """Answers (each 0..top) to `items` questions that add up to `total`."""
    assert 0 <= total <= items * top
    base, extra = divmod(total, items)
    return [base + (1 if i < extra else 0) for i in range(items)]


def complete(
    actor: Any, client: Any, code: str, answers: list[int | None], *, days_ago: int = 0, prefix: str | None = None
) -> Response:
    """Answer and send through the engine (so the monitoring hooks run), then date it `days_ago` days back."""
    response = questionnaires.start(actor, client.pk, code, response_id=uuid.uuid4())
    questionnaires.acknowledge_notice(actor, response.pk)
    for number, value in enumerate(answers, start=1):
        link_id = f"{prefix or code}-{number}"
        if value is None:
            questionnaires.answer(actor, response.pk, link_id, skipped=True)
        else:
            questionnaires.answer(actor, response.pk, link_id, value=value)
    questionnaires.submit(actor, response.pk, uuid.uuid4())
    when = timezone.now() - datetime.timedelta(days=days_ago)
    Response.objects.filter(pk=response.pk).update(created=when, started=when, updated=when, submitted=when)
    Alert.objects.filter(response=response).update(raised=when)
    ChangeEvent.objects.filter(response=response).update(recorded=when)
    response.refresh_from_db()
    return response


def pcl5(actor: Any, client: Any, total: int, *, days_ago: int = 0) -> Response:
    return complete(actor, client, "pcl5", list(answers_for(total, 20, 4)), days_ago=days_ago)


def phq9(actor: Any, client: Any, total: int, *, item9: int = 0, days_ago: int = 0) -> Response:
    others = answers_for(total - item9, 8, 3)
    return complete(actor, client, "phq9", [*others, item9], days_ago=days_ago)


def configuring(user: Any, client: Any) -> Access:
    """The client reached as monitoring's pages reach it to change schedules, sessions and visibility."""
    return policy.client(user, client.pk, perms.CONFIGURE)


def browser_for(client_for: Any, user: Any) -> DjangoClient:
    """A signed-in browser with a CSRF cookie; use post() to send the matching token, as a form would."""
    browser: DjangoClient = client_for(user)
    browser.cookies[settings.CSRF_COOKIE_NAME] = secrets.token_hex(16)
    return browser


def post(browser: DjangoClient, path: str, data: dict[str, Any] | None = None) -> Any:
    token = browser.cookies[settings.CSRF_COOKIE_NAME].value
    return browser.post(path, data or {}, HTTP_X_CSRFTOKEN=token)
