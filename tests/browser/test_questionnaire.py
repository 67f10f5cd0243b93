"""A questionnaire from the clinician's "send" to the score, in real browsers (issue 4).

Alice sends Dana a PCL-5 from Dana's measures page. Dana, on her phone, reads the notice, answers by tapping the
answers' labels, chooses "Prefer not to answer" once, stops after question 8 with "Continue later" and closes her
browser. In a new browser she resumes at question 9; she answers it and closes the browser again as soon as the
page says "Saved." (no Next): coming back, that answer is still chosen. She finishes, checks her answers (the
skipped one reads "Prefer not to answer") and sends them. Alice then sees the prorated score.
"""

from __future__ import annotations

import datetime
import math
import re
from zoneinfo import ZoneInfo

from playwright.sync_api import Locator, Page, expect

from tests.browser.support import People, check_page, sign_in

PCL5 = "PTSD Checklist for DSM-5 (PCL-5)"
# Clients see the plain names of questionnaires.
PORTAL_PCL5 = "Reactions to a stressful experience"
OPTIONS = ("Not at all", "A little bit", "Moderately", "Quite a bit", "Extremely")
PREFER_NOT = "Prefer not to answer"
# Dana's answers to questions 1-20 (the ordinal of the option; None is "Prefer not to answer").
ANSWERS: tuple[int | None, ...] = (1, 2, 1, 0, None, 1, 2, 1, 3, 2, 0, 1, 1, 2, 1, 0, 1, 2, 1, 1)
PAUSE_AFTER = 8  # "Continue later" on this question
SAVED_ONLY = 9  # chosen, "Saved.", and the browser closed without pressing Next
SERVER_TIME_ZONE = ZoneInfo("Europe/London")  # ATTUNE_TIME_ZONE's default: the dates the server prints


def expected_total() -> int:
    """The PCL-5's rule: round(sum of answered x 20 / number answered), halves rounded up."""
    answered = [a for a in ANSWERS if a is not None]
    return math.floor(sum(answered) * len(ANSWERS) / len(answered) + 0.5)


def server_date_today() -> str:
    today = datetime.datetime.now(SERVER_TIME_ZONE).date()
    return f"{today.day} {today:%b %Y}"  # Django's "j M Y"


def pcl5_links(page: Page) -> Locator:
    return page.get_by_role("main").get_by_role("link", name=PORTAL_PCL5, exact=True)


def label_for(number: int) -> str:
    value = ANSWERS[number - 1]
    return PREFER_NOT if value is None else OPTIONS[value]


def expect_question(page: Page, number: int) -> None:
    expect(page).to_have_url(re.compile(rf"/q/pcl5-{number}/$"))
    expect(page.get_by_text(f"question {number} of {len(ANSWERS)}")).to_be_visible()


def choose(page: Page, number: int) -> None:
    """Taps the answer's label and waits until the page says the answer is saved (it is sent at once)."""
    expect_question(page, number)
    page.get_by_text(label_for(number), exact=True).click()
    expect(page.get_by_role("radio", name=label_for(number))).to_be_checked()
    expect(page.get_by_text("Saved.", exact=True)).to_be_visible()


def press(page: Page, button: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=button, exact=True).click()


def open_dana_response(people: People, href: str) -> Page:
    """Dana in a new browser on her phone: signs in and opens the questionnaire from her portal home."""
    dana = people.open("phone")
    sign_in(dana, "dana")
    expect(dana).to_have_url(re.compile(r"/portal/$"))
    link = dana.locator(f'main a[href="{href}"]')
    expect(link).to_have_accessible_name(PORTAL_PCL5)
    entry = dana.get_by_role("listitem").filter(has=dana.locator(f'a[href="{href}"]'))
    expect(entry).to_contain_text("continue where you left off")
    with dana.expect_navigation():
        link.click()
    return dana


def _prorated_today(alice: Page) -> Locator:
    """The rows of today's PCL-5 results on Alice's measures page with one question skipped."""
    results = alice.locator("section", has=alice.get_by_role("heading", name="Results", exact=True))
    today = results.get_by_role("row").filter(has_text=PCL5).filter(has_text=server_date_today())
    return today.filter(has_text="prorated: 1 item skipped")


def test_client_completes_a_pcl5_with_a_skip_and_a_pause(people: People) -> None:
    # Dana's portal home before anything is sent: what is already waiting (a scheduled PCL-5 may be).
    dana = people.open("phone")
    sign_in(dana, "dana")
    expect(dana).to_have_url(re.compile(r"/portal/$"))
    before = {pcl5_links(dana).nth(i).get_attribute("href") for i in range(pcl5_links(dana).count())}

    # Alice sends a PCL-5 from Dana's measures page.
    alice = people.open("desktop")
    sign_in(alice, "alice")
    with alice.expect_navigation():
        alice.get_by_role("link", name="Dana", exact=True).click()
    with alice.expect_navigation():
        alice.get_by_role("link", name=re.compile("measures", re.IGNORECASE)).first.click()
    expect(alice).to_have_url(re.compile(r"/clients/[0-9a-f-]{36}/measures/$"))
    measures_url = alice.url
    # Other tests on this server may give Dana PCL-5s today too (the LHC-Forms tests): count hers by the difference.
    prorated_before = _prorated_today(alice).count()
    give = alice.locator("section", has=alice.get_by_role("heading", name="Give a questionnaire"))
    give.get_by_label("Questionnaire").select_option(label=PCL5)
    with alice.expect_navigation():
        give.get_by_role("button", name="Send to Dana's portal").click()
    # A scheduled PCL-5 may already be waiting, untouched: then that one is used rather than a second copy.
    expect(alice.get_by_role("status")).to_contain_text(re.compile("Sent|already waiting"))

    # It waits on Dana's portal home, once.
    dana.reload()
    expect(pcl5_links(dana)).to_have_count(1)
    href = pcl5_links(dana).first.get_attribute("href")
    assert href is not None
    if before:
        assert href in before
    check_page(dana, "questionnaire-waiting")
    with dana.expect_navigation():
        dana.get_by_role("main").locator(f'a[href="{href}"]').click()

    # The notice first: what is asked, and that any question can be skipped.
    expect(dana).to_have_url(re.compile(r"/about/$"))
    expect(dana.get_by_role("heading", name="Before you begin", level=1)).to_be_visible()
    expect(dana.get_by_role("main")).to_contain_text(PREFER_NOT)
    check_page(dana, "questionnaire-notice")
    press(dana, "Start")

    # Questions 1 to 8, one skipped; "Continue later" after question 8.
    for number in range(1, PAUSE_AFTER + 1):
        choose(dana, number)
        if number == 1:
            check_page(dana, "questionnaire-question")
        if ANSWERS[number - 1] is None:
            check_page(dana, "questionnaire-prefer-not")
        press(dana, "Continue later" if number == PAUSE_AFTER else "Next")
    expect(dana).to_have_url(re.compile(r"/portal/$"))
    expect(dana.get_by_role("status")).to_contain_text("Your answers are saved")
    check_page(dana, "questionnaire-continue-later")
    people.close(dana)

    # A new browser: she continues at the next question. She answers it, and closes the browser once it says
    # "Saved.", without pressing Next.
    dana = open_dana_response(people, href)
    expect_question(dana, PAUSE_AFTER + 1)
    choose(dana, SAVED_ONLY)
    people.close(dana)

    # Another new browser: the answer was kept, so she continues after it; and it is still chosen there.
    dana = open_dana_response(people, href)
    expect_question(dana, SAVED_ONLY + 1)
    dana.goto(dana.url.replace(f"/q/pcl5-{SAVED_ONLY + 1}/", f"/q/pcl5-{SAVED_ONLY}/"))
    expect_question(dana, SAVED_ONLY)
    expect(dana.get_by_role("radio", name=label_for(SAVED_ONLY))).to_be_checked()
    press(dana, "Next")
    for number in range(SAVED_ONLY + 1, len(ANSWERS) + 1):
        choose(dana, number)
        press(dana, "Next")

    # Check your answers: the skipped one says so; nothing is unanswered.
    expect(dana).to_have_url(re.compile(r"/review/$"))
    expect(dana.get_by_role("heading", name="Check your answers", level=1)).to_be_visible()
    rows = dana.get_by_role("listitem").filter(has=dana.get_by_role("link", name=re.compile(r"^Change")))
    expect(rows).to_have_count(len(ANSWERS))
    for number, value in enumerate(ANSWERS, start=1):
        expect(rows.nth(number - 1)).to_contain_text(label_for(number))
        if value is not None:
            expect(rows.nth(number - 1)).not_to_contain_text(PREFER_NOT)
    expect(dana.get_by_text("No answer", exact=True)).to_have_count(0)
    check_page(dana, "questionnaire-review")
    press(dana, "Send my answers")

    expect(dana).to_have_url(re.compile(r"/thank-you/$"))
    expect(dana.get_by_role("heading", name="Thank you", level=1)).to_be_visible()
    check_page(dana, "questionnaire-thank-you")
    with dana.expect_navigation():
        dana.get_by_role("link", name="Back to home").click()
    expect(dana.get_by_role("main").locator(f'a[href="{href}"]')).to_have_count(0)

    # Alice sees the score, prorated for the one skipped question.
    alice.goto(measures_url)
    row = _prorated_today(alice)
    expect(row).to_have_count(prorated_before + 1)
    expect(row.filter(has=alice.get_by_role("cell", name=str(expected_total()), exact=True))).not_to_have_count(0)
    check_page(alice, "clinician-measures-prorated")
