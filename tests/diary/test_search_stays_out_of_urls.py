"""Search words stay out of URLs and logs (SECURITY.md 14): a client's words searched in the diary (portal, care
team, API) and a client's name searched in the caseload never reach a URL (what browser history and a server's
access log keep), a link, a redirect or a log line."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from tests.cast import CANARIES
from tests.diary.conftest import World
from tests.diary.support import post, send

pytestmark = pytest.mark.django_db


def _urls_of(response: Any) -> list[str]:
    """Every URL the exchange leaves behind: the request line, a redirect, and every link and form target."""
    body = response.content.decode()
    found = [response.wsgi_request.get_full_path(), response.get("Location", "")]
    found += re.findall(r'(?:href|action|src)="([^"]*)"', body)
    return found


def test_searched_words_and_names_reach_no_url_and_no_log_line(world: World, client_for, captured_logs) -> None:
    dana = world.dana
    words = world.private_entry.note  # a canary: CANARY-diaryentry-note-...
    shared_words = world.shared_entry.trigger_words
    assert words in CANARIES and shared_words in CANARIES
    exchanges = []
    # dana searches her own diary, and turns to the next page of the results.
    portal = client_for(world.cast.dana)
    found = post(portal, reverse("diary:entries"), {"q": words[-20:]})
    assert reverse("diary:entry", args=[world.private_entry.pk]) in found.content.decode()
    exchanges += [found, post(portal, reverse("diary:entries"), {"q": words[-20:], "page": "2"})]
    # alice searches dana's shared entries, on the page and through the API.
    alice = client_for(world.cast.alice)
    staff = post(alice, reverse("diary:client_diary", args=[dana.pk]), {"q": shared_words[-20:]})
    assert reverse("diary:client_entry", args=[dana.pk, world.shared_entry.pk]) in staff.content.decode()
    api = send(alice, "POST", f"/api/v1/clients/{dana.pk}/diary/entries/search", {"q": shared_words[-20:]})
    assert [i["id"] for i in api.json()["items"]] == [str(world.shared_entry.pk)]
    # alice searches her caseload by a client's name.
    caseload = post(alice, reverse("workspace:caseload"), {"q": dana.preferred_name})
    assert dana.preferred_name in caseload.content.decode()
    exchanges += [staff, api, caseload]
    secrets = [*CANARIES, words[-20:], shared_words[-20:], dana.preferred_name]
    for response in exchanges:
        for url in _urls_of(response):
            assert not any(s in url for s in secrets), url
    logged = "\n".join(captured_logs)
    assert not any(s in logged for s in [*CANARIES, words[-20:], shared_words[-20:]])


def test_words_put_in_a_url_are_not_searched(world: World, client_for) -> None:
    """An old bookmark or a hand-made link with ?q= is a plain list: nothing invites putting words there."""
    portal = client_for(world.cast.dana)
    listed = portal.get(reverse("diary:entries"), {"q": world.private_entry.note[-20:]}).content.decode()
    assert reverse("diary:entry", args=[world.shared_entry.pk]) in listed
    assert 'method="post" class="filters" role="search"' in listed
