"""API tokens end (SECURITY 34): no later than a session, both idle and absolute, and are listed with their last
use and when they stop working."""

from __future__ import annotations

import time_machine
from django.test import Client
from django.urls import reverse

from attune.accounts.services import create_api_token


def _me(raw: str) -> int:
    return Client().get(reverse("api:me"), HTTP_AUTHORIZATION=f"Bearer {raw}").status_code


def test_a_token_idles_out_like_a_session(cast) -> None:
    with time_machine.travel("2026-11-21 08:00", tick=False) as clock:
        _, staff = create_api_token(cast.alice, "staff")
        _, client = create_api_token(cast.dana, "client")
        clock.shift(14 * 60)
        assert _me(staff) == 200 and _me(client) == 200
        clock.shift(16 * 60)  # staff idle 15 minutes, clients 30
        assert _me(staff) == 401
        assert _me(client) == 200


def test_a_token_in_use_ends_after_a_sessions_absolute_limit(cast) -> None:
    with time_machine.travel("2026-11-21 08:00", tick=False) as clock:
        _, raw = create_api_token(cast.dana, "phone")
        for _ in range(11 * 6):  # used every ten minutes for eleven hours
            clock.shift(10 * 60)
            assert _me(raw) == 200
        clock.shift(61 * 60 - 10 * 60 + 10 * 60)
        assert _me(raw) == 401


def test_tokens_are_listed_with_last_use_and_end(cast, api_for) -> None:
    browser = api_for(cast.dana)
    rows = browser.get(reverse("api:list_tokens")).json()
    assert rows and {"last_used", "expires", "idle_expires"} <= set(rows[0])
    assert rows[0]["last_used"] is not None  # the listing itself used it
