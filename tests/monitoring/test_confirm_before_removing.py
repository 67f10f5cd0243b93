"""Ending a schedule, removing a session and sending the intake to someone without a portal account are asked
about first: the page's button only opens the question, and the action is a second, explicit button (inside a
`<details>`, so it works without script and under the CSP)."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from attune.care.models import Client
from attune.monitoring.models import Schedule, SessionRecord
from tests.cast import Cast
from tests.monitoring.helpers import browser_for, post

pytestmark = pytest.mark.django_db
CONFIRM = re.compile(r'<details class="confirm[^"]*">.*?</details>', re.S)


def _only_behind_a_question(body: str, action: str, question: str) -> None:
    asked = [block for block in CONFIRM.findall(body) if f'action="{action}"' in block]
    assert asked and all(question in block for block in asked), f"{action} must be behind: {question}"
    assert f'action="{action}"' not in CONFIRM.sub("", body), f"{action} is also one click away"


def test_ending_a_schedule_and_removing_a_session_ask_first(cast: Cast, client_for: Any) -> None:
    dana = cast.client("dana")
    alice = browser_for(client_for, cast.alice)
    post(
        alice,
        reverse("monitoring:schedule_create", args=[dana.pk]),
        {"instrument": "phq9", "kind": "weeks", "every": 1},
    )
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    post(alice, reverse("monitoring:session_add", args=[dana.pk]), {"date": tomorrow})
    schedule, session = Schedule.objects.get(client=dana), SessionRecord.objects.get(client=dana)
    body = client_for(cast.alice).get(reverse("questionnaires:client_measures", args=[dana.pk])).content.decode()
    _only_behind_a_question(body, reverse("monitoring:schedule_end", args=[dana.pk, schedule.pk]), "End this schedule?")
    _only_behind_a_question(
        body, reverse("monitoring:session_remove", args=[dana.pk, session.pk]), "Remove the session"
    )


def test_sending_the_intake_to_someone_without_a_portal_account_asks_first(cast: Cast, client_for: Any) -> None:
    dana = cast.client("dana")
    Client.objects.filter(pk=dana.pk).update(user=None)
    body = client_for(cast.alice).get(reverse("workspace:client", args=[dana.pk])).content.decode()
    _only_behind_a_question(body, reverse("intake:send", args=[dana.pk]), "has no portal account yet")
