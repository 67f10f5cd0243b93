"""The quick log loads with at most 150 KB transferred and no more than 50 KB of JavaScript, counting the page and
every stylesheet, script and image it links to (uncompressed, so the real transfer is smaller still)."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse

pytestmark = pytest.mark.django_db

ASSET = re.compile(rb'<(?:script[^>]*\ssrc|link[^>]*\shref|img[^>]*\ssrc)="([^"]+)"')


def weigh(content: bytes) -> tuple[int, int, list[str]]:
    total, scripts, assets = len(content), 0, []
    for match in ASSET.finditer(content):
        url = match.group(1).decode()
        if not url.startswith(settings.STATIC_URL):
            continue
        path = finders.find(url.removeprefix(settings.STATIC_URL))
        assert path, f"{url} is linked but not found"
        with open(path, "rb") as f:
            size = len(f.read())
        total += size
        assets.append(url)
        if url.endswith(".js"):
            scripts += size
    return total, scripts, assets


def test_the_quick_log_is_light(cast, client_for) -> None:
    response = client_for(cast.dana).get(reverse("diary:log"))
    total, scripts, assets = weigh(response.content)
    assert any(a.endswith("diary.js") for a in assets) and any(a.endswith("suds.js") for a in assets)
    assert not any(a.endswith("skills.js") for a in assets), "the exercises' script is loaded only where needed"
    assert total <= 150 * 1024, (total, assets)
    assert scripts <= 50 * 1024, (scripts, assets)
