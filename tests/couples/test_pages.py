"""Every couples page a partner uses is a portal page: quick exit first in the tab order and a neutral title, for
the client and the partner alike; the clinician's are staff pages. Forms keep what was typed when they refuse."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from attune.care.models import PartnerLink
from tests.cast import Cast
from tests.couples import support

pytestmark = pytest.mark.django_db


def pages(link: PartnerLink, agreement_id: Any) -> list[str]:
    return [
        reverse("couples:home"),
        reverse("couples:space", args=[link.pk]),
        reverse("couples:agreement_new", args=[link.pk]),
        reverse("couples:agreement", args=[agreement_id]),
        reverse("couples:check_in", args=[link.pk]),
        reverse("couples:rehearsal", args=[link.pk]),
        reverse("couples:skill", args=[link.pk, "consent-check-in"]),
        reverse("couples:end", args=[link.pk]),
    ]


@pytest.mark.parametrize("who", ["dana", "frank"])
def test_quick_exit_and_a_neutral_title_on_every_page(cast: Cast, link: PartnerLink, client_for: Any, who: str) -> None:
    agreement = support.draft(cast.alice, link)
    browser = client_for(getattr(cast, who))
    for path in pages(link, agreement.pk):
        body = browser.get(path).content.decode()
        assert "<title>Attune</title>" in body, path
        first = re.search(r"<(a|button|input|select|textarea)\b[^>]*>", body.split("<body", 1)[1])
        assert first is not None and 'id="quick-exit"' in first.group(0), path


def test_a_refused_draft_keeps_what_was_typed(cast: Cast, link: PartnerLink, client_for: Any) -> None:
    words = "Slowly, and only when we both feel like it."
    response = support.post(
        client_for(cast.frank),
        reverse("couples:agreement_new", args=[link.pk]),
        {"kind": "pacing", "title": "", "text": words},
    )
    assert response.status_code == 200
    assert words in response.content.decode()


def test_an_empty_check_in_is_refused_kindly(cast: Cast, link: PartnerLink, client_for: Any) -> None:
    response = support.post(client_for(cast.frank), reverse("couples:check_in", args=[link.pk]), {})
    assert response.status_code == 200
    assert "Answer at least one question" in response.content.decode()


def test_the_clinicians_pages_are_staff_pages(cast: Cast, link: PartnerLink, client_for: Any) -> None:
    body = client_for(cast.alice).get(reverse("couples:space", args=[link.pk])).content.decode()
    assert 'id="quick-exit"' not in body and "Couple-level notes" in body


def test_the_end_page_speaks_to_whoever_reads_it(cast: Cast, link: PartnerLink, client_for: Any) -> None:
    frank = client_for(cast.frank).get(reverse("couples:end", args=[link.pk])).content.decode()
    dana = client_for(cast.dana).get(reverse("couples:end", args=[link.pk])).content.decode()
    assert "You no longer see anything here" in frank
    assert "Frank no longer sees anything here" in dana
