"""The demo: Dana's "who looked" shows Sam's one emergency access, with his reason; seeding again adds nothing."""

from __future__ import annotations

from django.test import Client as Browser
from django.urls import reverse
from django.utils.html import escape

from attune.privacy import demo
from attune.privacy.models import BreakGlass


def test_the_demo_shows_sams_break_glass_once(cast) -> None:
    users = {**cast.users}
    demo.seed(cast.clients, users)
    demo.seed(cast.clients, users)
    assert BreakGlass.objects.filter(client=cast.client("dana")).count() == 1
    browser = Browser()
    browser.force_login(cast.dana)
    page = browser.get(reverse("privacy:access_log") + "?kind=emergency").content.decode()
    assert cast.sam.display_name in page and escape(demo.SAM_REASON) in page
