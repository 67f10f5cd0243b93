"""Monitoring in real browsers (issue 5): a critical answer, the care team's alert, and the progress charts.

Alice schedules Dana's PHQ-9 weekly and her PCL-5 fortnightly on Dana's measures page. Dana, on her phone, answers
the PHQ-9; after "Several days" to item 9 the very next page is the practice's crisis resources, in calm words and
with numbers to tap, before question 10 and with "Continue when you are ready". She continues and sends. Alice
finds the alert under Alerts, acknowledges it with a note and resolves it; then she reads Dana's PCL-5 progress
(the demo seeds three results: 48, 42 prorated, 31), whose chart shows the cut-off line and the reliable-change
band, and which items moved. Dana opens "Your results" and reads her PCL-5 in plain words.

Every step is checked and screenshotted at phone and desktop width (test-artifacts/screenshots/monitoring-e2e-*).
"""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect

from tests.browser.support import People, check_page_at_both_widths, sign_in

PHQ9 = "Patient Health Questionnaire (PHQ-9)"
PCL5 = "PTSD Checklist for DSM-5 (PCL-5)"
# Clients see the plain names of questionnaires.
PORTAL_PHQ9 = "How your mood has been"
# Dana's PHQ-9, questions 1 to 8 (the option's label), then item 9 and the unscored question 10.
PHQ9_ANSWERS: tuple[str, ...] = ("Several days", "Several days", "Not at all", "Several days", "Not at all")
PHQ9_ANSWERS += ("Not at all", "Several days", "Not at all")
ITEM_9 = "Several days"
ITEM_10 = "Somewhat difficult"
# The practice's crisis resources with a phone number (monitoring/demo.py), as the link reads and where it calls.
PHONES = {"116 123": "tel:116123", "0808 500 2222": "tel:08085002222", "111": "tel:111"}
ACK_NOTE = "Called Dana the same afternoon; she is safe and we agreed a check-in at Thursday's session."
RESOLVE_NOTE = "Safety plan reviewed together in session."
# Words that would label or alarm rather than explain, on the pages Dana reads.
ALARMING = ("risk", "suicid", "critical", "alert", "warning", "flag", "danger")
BARE_LABELS: tuple[str, ...] = ("severe", "moderate", "mild", "minimal", "probable", "ptsd", "cut-off", "clinical")
BARE_LABELS += ("deterioration", "prorated", "baseline", "reliable")


def shot(page: Page, number: int, step: str) -> None:
    check_page_at_both_widths(page, f"monitoring-e2e-{number:02d}-{step}")


def press(page: Page, scope: Page | Locator, button: str) -> None:
    with page.expect_navigation():
        scope.get_by_role("button", name=button, exact=True).click()


def follow(page: Page, scope: Page | Locator, link: str) -> None:
    with page.expect_navigation():
        scope.get_by_role("link", name=link, exact=True).click()


def main_text(page: Page) -> str:
    return " ".join(page.get_by_role("main").inner_text().split())


def schedule(page: Page, title: str, every: int) -> None:
    """Fills in "Schedule a questionnaire" on the measures page (folded away once something is scheduled)."""
    schedules = page.get_by_role("region", name="Schedules", exact=True)
    form = schedules.locator("details", has=page.get_by_text("Schedule a questionnaire", exact=True))
    if not form.evaluate("details => details.open"):
        form.get_by_text("Schedule a questionnaire", exact=True).click()
    form.get_by_label("Questionnaire").select_option(label=title)
    form.get_by_label("How often").select_option(label="Every few weeks")
    form.get_by_label("Every").fill(str(every))
    press(page, form, "Schedule")
    expect(page.get_by_role("status")).to_contain_text("Scheduled. When it is due, it will wait on the client's portal")


def answer(page: Page, number: int, label: str) -> None:
    """Taps the answer's label on PHQ-9 question `number` and waits until the page says it is saved."""
    expect(page).to_have_url(re.compile(rf"/q/phq9-{number}/$"))
    # Question 10 is asked only when a problem was checked, so the count may read "of 9" at first.
    expect(page.get_by_text(re.compile(rf"question {number} of (9|10)$"))).to_be_visible()
    page.get_by_text(label, exact=True).click()
    expect(page.get_by_role("radio", name=label, exact=True)).to_be_checked()
    expect(page.get_by_text("Saved.", exact=True)).to_be_visible()


def test_critical_answer_alert_and_progress(people: People) -> None:
    # 1. Alice schedules the PHQ-9 weekly and the PCL-5 fortnightly on Dana's measures page.
    alice = people.open("desktop")
    sign_in(alice, "alice")
    follow(alice, alice.get_by_role("main"), "Dana")
    follow(alice, alice.get_by_role("main"), "Schedules and progress")
    expect(alice).to_have_url(re.compile(r"/clients/[0-9a-f-]{36}/measures/$"))
    measures_url = alice.url
    schedule(alice, PHQ9, 1)
    schedule(alice, PCL5, 2)
    schedules = alice.get_by_role("region", name="Schedules", exact=True)
    expect(schedules.get_by_role("row").filter(has_text=PHQ9)).to_contain_text("Every week")
    expect(schedules.get_by_role("row").filter(has_text=PCL5)).to_contain_text("Every fortnight")
    shot(alice, 1, "scheduled")

    # 2. The PHQ-9 is due today, so it waits on Dana's portal home.
    dana = people.open("phone")
    sign_in(dana, "dana")
    expect(dana).to_have_url(re.compile(r"/portal/$"))
    waiting = dana.get_by_role("region", name="Questionnaires", exact=True)
    expect(waiting.get_by_role("link", name=PORTAL_PHQ9, exact=True)).to_have_count(1)
    shot(dana, 2, "portal-waiting")
    follow(dana, waiting, PORTAL_PHQ9)

    # 3. The notice says beforehand what item 9 leads to.
    expect(dana.get_by_role("heading", name="Before you begin", level=1)).to_be_visible()
    expect(dana.get_by_role("main")).to_contain_text("you will be shown where to find support straight away")
    shot(dana, 3, "notice")
    press(dana, dana, "Start")
    for number, label in enumerate(PHQ9_ANSWERS, start=1):
        answer(dana, number, label)
        press(dana, dana, "Next")

    # 4. Item 9: "Several days".
    answer(dana, 9, ITEM_9)
    expect(dana.get_by_role("heading", level=1)).to_contain_text("better off dead")
    shot(dana, 4, "item-9")
    press(dana, dana, "Next")

    # 5. The very next page: the practice's crisis resources, in calm words, before question 10.
    expect(dana).to_have_url(re.compile(r"/portal/questionnaires/[0-9a-f-]{36}/support/$"))
    expect(dana.get_by_role("heading", name="Thank you for telling us", level=1)).to_be_visible()
    main = dana.get_by_role("main")
    expect(main).to_contain_text("You do not have to carry that alone")
    # True words: "today" inside the practice's working hours, otherwise when the team is next at work.
    expect(main).to_contain_text("Your care team has been told")
    expect(main).not_to_contain_text("straight away")
    expect(dana.get_by_role("heading", name="Support you can reach now")).to_be_visible()
    for shown, href in PHONES.items():
        expect(main.get_by_role("link", name=shown, exact=True)).to_have_attribute("href", href)
    expect(main).to_contain_text("Samaritans")
    expect(main).to_contain_text("Text SHOUT to 85258")
    expect(dana.get_by_text("question 10 of 10")).to_have_count(0)
    expect(dana.get_by_role("radio")).to_have_count(0)
    expect(dana.get_by_role("button", name="Stop here for now")).to_be_visible()
    expect(dana.get_by_role("link", name="Exit this site quickly")).to_be_visible()
    text = main_text(dana).lower()
    assert not [w for w in ALARMING if w in text], f"the support page should be calm: {text}"
    shot(dana, 5, "support")
    press(dana, main, "Continue when you are ready")

    # 6. Question 10, then check and send.
    answer(dana, 10, ITEM_10)
    shot(dana, 6, "item-10")
    press(dana, dana, "Next")
    expect(dana.get_by_role("heading", name="Check your answers", level=1)).to_be_visible()
    expect(dana.get_by_role("listitem").filter(has_text="better off dead")).to_contain_text(ITEM_9)
    press(dana, dana, "Send my answers")

    # 7. The thank-you page repeats where support is, gently.
    expect(dana).to_have_url(re.compile(r"/thank-you/$"))
    expect(dana.get_by_role("heading", name="Thank you for telling us", level=1)).to_be_visible()
    expect(dana.get_by_role("main").get_by_role("link", name="116 123", exact=True)).to_be_visible()
    shot(dana, 7, "thank-you")

    # 8. Alice: the alert waits under Alerts.
    with alice.expect_navigation():
        alice.get_by_role("navigation", name="Main").get_by_role("link", name="Alerts", exact=True).click()
    expect(alice.get_by_role("heading", name="Alerts", level=1)).to_be_visible()
    critical = f"Critical answer to {PHQ9} item 9"
    alert = alice.locator("li.alert-item").filter(has_text=critical).filter(has=alice.get_by_role("link", name="Dana"))
    expect(alert).to_have_count(1)
    expect(alert.locator(".alert-head")).to_contain_text("Open")
    expect(alert.locator(".alert-head")).to_contain_text("Critical answer")
    shot(alice, 8, "alerts")

    # 9. She acknowledges it from the list, with a note.
    alert.locator("summary").click()
    alert.get_by_label("Note").fill(ACK_NOTE)
    press(alice, alert.locator("form", has=alice.get_by_label("Note")), "Acknowledge")
    expect(alice.get_by_role("status")).to_have_text("Acknowledged.")
    expect(alert.locator(".alert-head")).to_contain_text("Acknowledged")
    expect(alert).to_contain_text("Acknowledged by Alice Moreno")
    shot(alice, 9, "acknowledged")

    # 10. The alert's page: the note, what Dana was shown; she resolves it.
    follow(alice, alert, critical)
    expect(alice.get_by_role("heading", name="Critical answer", level=1)).to_be_visible()
    main = alice.get_by_role("main")
    expect(main).to_contain_text("Dana was shown the practice's crisis resources at once.")
    expect(main).to_contain_text(ACK_NOTE)
    resolve = alice.locator("section", has=alice.get_by_role("heading", name="Resolve", exact=True))
    resolve.get_by_label("Note").fill(RESOLVE_NOTE)
    press(alice, resolve, "Resolve")
    expect(alice.get_by_role("status")).to_have_text("Resolved.")
    facts = alice.locator("section.timeline dl.facts")
    expect(facts).to_contain_text(re.compile(r"Resolved\s*Alice Moreno"))
    expect(facts).to_contain_text(RESOLVE_NOTE)
    expect(alice.get_by_role("button", name="Resolve", exact=True)).to_have_count(0)
    shot(alice, 10, "resolved")

    # 11. Dana's PCL-5 progress: the chart with its cut-off line and reliable-change band, and the table.
    alice.goto(measures_url)
    follow(alice, alice.get_by_role("region", name="Progress", exact=True), PCL5)
    expect(alice.get_by_role("heading", name=PCL5, level=1)).to_be_visible()
    chart = alice.get_by_role("img", name=re.compile(re.escape(f"{PCL5} scores over time")))
    expect(chart).to_have_accessible_name(re.compile(r"The dashed line marks the cut-off of 33\."))
    expect(chart).to_have_accessible_name(re.compile(r"The shaded area shows changes too small to tell apart"))
    expect(chart.locator("g.chart-cutoff > title")).to_have_text("cut-off 33")
    expect(chart.locator("g.chart-band > title")).to_have_text("Within reliable change of the baseline: 33 to 63")
    key = alice.get_by_role("list", name="Key")
    expect(key).to_contain_text("cut-off")
    expect(key).to_contain_text("within reliable change of the baseline")
    expect(alice.get_by_role("main")).to_contain_text("Reliable change: 15 points")
    results = alice.get_by_role("table").filter(has_text="From baseline").locator("tbody tr")
    expect(results.nth(0)).to_contain_text("48")
    expect(results.nth(0)).to_contain_text("baseline")
    expect(results.nth(1)).to_contain_text("42*")
    # 6 points is within the PCL-5's 15-point reliable change (Marx et al. 2022).
    expect(results.nth(1)).not_to_contain_text("reliable improvement")
    expect(results.nth(2)).to_contain_text("31")
    expect(results.nth(2)).to_contain_text("reliable improvement")
    expect(alice.get_by_role("main")).to_contain_text("crossed the cut-off of 33, out of the range")
    shot(alice, 11, "pcl5-progress")

    # 12. Which items moved, between the prorated 42 and the 31.
    follow(alice, alice.get_by_role("main"), "Which items moved")
    expect(alice.get_by_role("heading", name="Which items moved", level=1)).to_be_visible()
    alice.get_by_label("From", exact=True).select_option(index=1)
    alice.get_by_label("To", exact=True).select_option(index=2)
    press(alice, alice.get_by_role("main"), "Compare")
    expect(alice.locator("#compare-summary")).to_contain_text(re.compile(r"\d+ of 20 items moved between"))
    expect(alice.locator("#compare-summary")).to_contain_text("Total 42 → 31")
    items = alice.locator("table.compare tbody tr")
    expect(items).to_have_count(20)
    expect(items.nth(12)).to_contain_text("preferred not to answer")  # item 13 was skipped in the 42
    shot(alice, 12, "pcl5-items")

    # 13. Dana reads her PCL-5 results in plain words; the PHQ-9 is not shared with her.
    follow(dana, dana.get_by_role("main"), "Back to home")
    follow(dana, dana.get_by_role("main"), "Your results")
    expect(dana.get_by_role("heading", name="Your results", level=1)).to_be_visible()
    mine = dana.get_by_role("region", name=re.compile("^Reactions to a stressful experience"))
    expect(mine).to_have_count(1)
    expect(mine.locator("#words-pcl5")).to_contain_text(
        re.compile(r"Your latest result, \d+, is lower than your first one \(48\), by more than everyday ups and downs")
    )
    expect(mine).to_contain_text("A lower result means reactions to a stressful experience")
    expect(mine.get_by_role("img", name=re.compile("Your PCL-5 results over time"))).to_be_visible()
    expect(dana.get_by_role("region", name=re.compile("mood", re.IGNORECASE))).to_have_count(0)
    text = main_text(dana).lower()
    assert not [w for w in BARE_LABELS if w in text], f"Dana's results should be in plain words: {text}"
    shot(dana, 13, "your-results")


def test_an_autosaved_answer_shows_support_on_the_next_page(people: People) -> None:
    """Eli, on a phone, taps "Several days" on item 9 (saved by autosave, no Next) and then taps Home: the support
    page is there, until Eli says they have seen it."""
    bob = people.open("desktop")
    sign_in(bob, "bob")
    follow(bob, bob.get_by_role("main"), "Eli")
    follow(bob, bob.get_by_role("main"), "Schedules and progress")
    schedule(bob, PHQ9, 1)

    eli = people.open("phone")
    sign_in(eli, "eli")
    follow(eli, eli.get_by_role("region", name="Questionnaires", exact=True), PORTAL_PHQ9)
    press(eli, eli, "Start")
    for number, label in enumerate(PHQ9_ANSWERS, start=1):
        answer(eli, number, label)
        press(eli, eli, "Next")
    answer(eli, 9, ITEM_9)  # saved by autosave: the page stays on question 9
    expect(eli).to_have_url(re.compile(r"/q/phq9-9/$"))

    with eli.expect_navigation():
        eli.get_by_role("link", name="Home", exact=True).click()
    expect(eli).to_have_url(re.compile(r"/portal/questionnaires/[0-9a-f-]{36}/support/$"))
    expect(eli.get_by_role("heading", name="Thank you for telling us", level=1)).to_be_visible()
    expect(eli.get_by_role("main")).to_contain_text("Your care team has been told")
    expect(eli.get_by_role("main")).to_contain_text("Samaritans")
    check_page_at_both_widths(eli, "monitoring-autosave-support")

    press(eli, eli.get_by_role("main"), "Stop here for now")
    expect(eli).to_have_url(re.compile(r"/portal/$"))
    eli.goto("/")
    expect(eli).to_have_url(re.compile(r"/portal/$"))
