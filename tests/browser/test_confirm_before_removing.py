"""One click never ends a schedule: carol schedules a questionnaire for Gus, presses End, reads the question and
confirms; the schedule is gone. At phone and desktop width, with the usual page checks."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.support import check_page, sign_in
from tests.browser.test_monitoring import follow, schedule

pytestmark = pytest.mark.browser
GAD7 = "Generalized Anxiety Disorder scale (GAD-7)"


def test_ending_a_schedule_asks_first(page: Page) -> None:
    sign_in(page, "carol")
    follow(page, page.get_by_role("main"), "Gus")
    follow(page, page.get_by_role("main"), "Schedules and progress")
    schedule(page, GAD7, 2)
    row = page.get_by_role("region", name="Schedules", exact=True).get_by_role("row").filter(has_text=GAD7)
    row.locator("details.confirm > summary").click()
    expect(row.get_by_text("End this schedule?")).to_be_visible()
    check_page(page, "schedule-end-confirm")
    with page.expect_navigation():
        row.get_by_role("button", name="Yes, end the schedule").click()
    expect(
        page.get_by_role("region", name="Schedules", exact=True).get_by_role("row").filter(has_text=GAD7)
    ).to_have_count(0)
