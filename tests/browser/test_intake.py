"""The intake in real browsers (issue 7).

Eli, a client, has an intake from Bob, their clinician, waiting (the demo seeds it). On a phone, Eli reads what will
happen, starts, answers the first parts (a few words of their own, a skipped question, several choices) and stops
halfway, in part 3 of 7, with "Continue later" just after answering a question. In a new browser at desktop width
they come back exactly there, with that answer still chosen; they keep the whole coercion section for the session
with "I'd rather talk about this in person", finish, check and send. Bob then finds a clear summary on Eli's
overview and the intake summary page, with that section marked for the session.

A second, shorter story: Carol sends Gus an intake; Gus's answer to a safety question brings the support page with
the practice's resources at once, and Carol sees an alert straight away, before anything is sent.

Each step is checked and screenshotted (test-artifacts/screenshots/intake-e2e-*, intake-safety-e2e-*).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from playwright.sync_api import Locator, Page, expect

from tests.browser.support import People, check_page, check_page_at_both_widths, sign_in

COERCION = "Experiences of pressure or coercion"
PARTS = (
    "About you and what you hope for",
    "Relationships now",
    "Safety now",
    "Getting in touch safely",
    COERCION,
    "Body and distress",
    "Support",
)
ELI_HOPES = "To feel calmer when voices are raised, at work and at home, and to sleep through the night."
ELI_HELPS = "Walking by the river, and music in headphones."
PAUSED_AT = "safety-afraid"  # the question Eli answers and then presses "Continue later" on
IN_PERSON = "I'd rather talk about this in person"


def shot(page: Page, number: int, step: str) -> None:
    check_page(page, f"intake-e2e-{number:02d}-{step}")


def press(page: Page, name: str, scope: Page | Locator | None = None) -> None:
    with page.expect_navigation():
        (scope or page).get_by_role("button", name=name, exact=True).click()


def follow(page: Page, name: str, scope: Page | Locator | None = None) -> None:
    with page.expect_navigation():
        (scope or page.get_by_role("main")).get_by_role("link", name=name, exact=True).click()


def at_part(page: Page, number: int) -> None:
    """On part `number`'s notice: what the part covers, before its first question."""
    expect(page).to_have_url(re.compile(r"/portal/intake/[0-9a-f-]{36}/part/[a-z-]+/$"))
    expect(page.get_by_text(f"Part {number} of {len(PARTS)}", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name=PARTS[number - 1], level=1)).to_be_visible()


def at_question(page: Page, link_id: str) -> None:
    expect(page.locator("#intake-form")).to_have_attribute("data-link-id", link_id)


@contextmanager
def autosaved(page: Page) -> Iterator[None]:
    """Waits for the page's own save of an answer (posted in the background as the form changes), and that it
    was accepted."""
    with page.expect_response(
        lambda r: r.request.method == "POST" and r.request.headers.get("x-attune-autosave") == "1"
    ) as saved:
        yield
    assert saved.value.status == 204, f"the autosave was answered {saved.value.status}"


def choose(page: Page, link_id: str, *labels: str) -> None:
    """Ticks or chooses each answer by its label; each is saved at once, and the page says so."""
    at_question(page, link_id)
    for label in labels:
        with autosaved(page):
            page.get_by_label(label, exact=True).check()
    expect(page.locator("#intake-saved")).to_have_text("Saved.")


def skip(page: Page, link_id: str) -> None:
    at_question(page, link_id)
    press(page, "Prefer not to answer")


def open_intake_from_home(page: Page, button: str) -> None:
    card = page.locator("#intake-card")
    expect(card.get_by_role("heading", name="Getting to know you")).to_be_visible()
    expect(card.locator("a.button")).to_have_text(button)
    with page.expect_navigation():
        card.locator("a.button").click()


def test_eli_keeps_a_section_for_the_session_pauses_and_resumes_on_another_screen(people: People) -> None:
    # --- On a phone ---------------------------------------------------------------------------------------------
    phone = people.open("phone")
    sign_in(phone, "eli")
    expect(phone).to_have_url(re.compile(r"/portal/$"))
    expect(phone.locator("#intake-card")).to_contain_text("From Bob Okafor.")
    shot(phone, 1, "portal-home")
    open_intake_from_home(phone, "Have a look")

    # What will happen: the parts, who sees the answers, the choices at every step, and support.
    expect(phone.get_by_role("heading", name="Getting to know you", level=1)).to_be_visible()
    parts = phone.get_by_role("heading", name="What it asks about").locator("xpath=following-sibling::ol[1]")
    expect(parts.get_by_role("listitem")).to_have_text(list(PARTS))
    who = phone.get_by_role("heading", name="Who will see your answers").locator("xpath=following-sibling::p[1]")
    expect(who).to_contain_text("Only your care team: Bob Okafor.")
    main = phone.get_by_role("main")
    expect(main).to_contain_text(f"You can keep any part to talk about in person instead, with “{IN_PERSON}”.")
    expect(main).to_contain_text(
        "You can stop whenever you like and carry on later, from the same place, on any device."
    )
    expect(phone.get_by_role("heading", name="If you need support now")).to_be_visible()
    shot(phone, 2, "welcome")
    with phone.expect_navigation():
        phone.locator("#intake-begin").click()

    # Part 1: a few words of their own (saved as they type), a skipped question, two choices.
    at_part(phone, 1)
    expect(phone.locator("#intake-section-form")).to_be_visible()
    shot(phone, 3, "part-1-notice")
    press(phone, "Begin this part")
    at_question(phone, "about-hopes")
    expect(phone.get_by_text("Part 1 of 7 · About you and what you hope for · question 1 of 3")).to_be_visible()
    with autosaved(phone):
        phone.get_by_role("textbox", name=re.compile("What would you like to be different")).fill(ELI_HOPES)
    expect(phone.locator("#intake-saved")).to_have_text("Saved.")
    shot(phone, 4, "own-words")
    press(phone, "Next")
    skip(phone, "about-signs")
    choose(
        phone,
        "about-focus",
        "Understanding strong reactions that seem to come out of nowhere",
        "Sleep, calm and everyday stress",
    )
    shot(phone, 5, "choose-any")
    press(phone, "Next")

    # Part 2, briskly.
    at_part(phone, 2)
    press(phone, "Begin this part")
    choose(phone, "rel-status", "Not at the moment")
    shot(phone, 6, "one-answer")
    press(phone, "Next")
    skip(phone, "rel-good")
    skip(phone, "rel-hard")
    choose(phone, "rel-goals", "Going at a pace that feels right for me")
    press(phone, "Next")
    skip(phone, "rel-goals-words")

    # Part 3 of 7, halfway: Eli answers a question and stops there.
    at_part(phone, 3)
    shot(phone, 7, "part-3-notice")
    press(phone, "Begin this part")
    choose(phone, PAUSED_AT, "No")
    press(phone, "Continue later")
    expect(phone).to_have_url(re.compile(r"/portal/$"))
    expect(phone.get_by_role("status")).to_contain_text("Your answers are saved. You can carry on whenever you like")
    expect(phone.locator("#intake-card a.button")).to_have_text("Continue where you left off")
    shot(phone, 8, "paused")
    people.close(phone)  # the browser is closed: nothing of it carries over

    # --- Later, in a new browser at desktop width -------------------------------------------------------------
    desktop = people.open("desktop")
    sign_in(desktop, "eli")
    open_intake_from_home(desktop, "Continue where you left off")
    at_question(desktop, PAUSED_AT)
    expect(desktop.get_by_text(re.compile(r"^Part 3 of 7 · Safety now · question 1 of \d$"))).to_be_visible()
    expect(desktop.get_by_role("radio", name="No", exact=True)).to_be_checked()
    shot(desktop, 9, "resumed")
    press(desktop, "Next")
    choose(desktop, "safety-harm", "No")
    press(desktop, "Next")
    choose(desktop, "safety-self-harm", "No")
    press(desktop, "Next")

    # Safe ways to be reached: the number is asked once phone calls are safe.
    at_part(desktop, 4)
    press(desktop, "Begin this part")
    choose(desktop, "contact-email", "Yes")
    press(desktop, "Next")
    skip(desktop, "contact-push")
    choose(desktop, "contact-phone", "Yes")
    press(desktop, "Next")
    at_question(desktop, "contact-number")
    desktop.locator("#intake-text").fill("07700 900123")
    press(desktop, "Next")
    choose(desktop, "contact-message", "No")
    press(desktop, "Next")
    at_question(desktop, "contact-avoid")
    desktop.locator("#intake-text").fill("Not after 6 pm")
    press(desktop, "Next")

    # The coercion section: kept, whole, for the session.
    at_part(desktop, 5)
    expect(desktop.get_by_role("main")).to_contain_text("You will not be asked to describe what happened.")
    shot(desktop, 10, "coercion-notice")
    with desktop.expect_navigation():
        desktop.locator('#intake-section-form [data-intake-action="in-person"]').click()
    expect(desktop.get_by_role("status")).to_have_text(
        f"“{COERCION}” is kept for your session. Thank you for letting us know."
    )
    at_part(desktop, 6)
    shot(desktop, 11, "kept-for-session")
    press(desktop, "Begin this part")
    choose(desktop, "body-screen", "Not now")
    press(desktop, "Next")
    choose(desktop, "body-pcl5", "Not now")
    press(desktop, "Next")
    at_part(desktop, 7)
    press(desktop, "Begin this part")
    choose(desktop, "support-who", "Friends")
    press(desktop, "Next")
    at_question(desktop, "support-helps")
    desktop.locator("#intake-text").fill(ELI_HELPS)
    press(desktop, "Next")

    # Check and send: the coercion part says it is for the session; the answers read as given.
    expect(desktop).to_have_url(re.compile(r"/review/$"))
    expect(desktop.get_by_role("heading", name="Check your answers", level=1)).to_be_visible()
    kept = desktop.locator("#review-coercion")
    expect(kept).to_contain_text("For your session")
    expect(kept).to_contain_text("You would rather talk about this in person.")
    expect(kept.get_by_role("button", name=re.compile("^Answer these questions now instead"))).to_be_visible()
    about = desktop.locator("#review-about")
    expect(about).to_contain_text(ELI_HOPES)
    expect(about.get_by_role("listitem").nth(1)).to_contain_text("Prefer not to answer")
    expect(desktop.locator("#review-safety").get_by_role("listitem")).to_have_count(3)
    expect(desktop.get_by_text("No answer yet")).to_have_count(0)
    shot(desktop, 12, "review")
    with desktop.expect_navigation():
        desktop.locator("#intake-send").click()

    sent = desktop.locator("#intake-sent")
    expect(sent.get_by_role("heading", name="Thank you", level=1)).to_be_visible()
    expect(sent).to_contain_text("Your answers are with your care team (Bob Okafor).")
    expect(sent).to_contain_text(f"You kept this part to talk about in person: “{COERCION}”.")
    shot(desktop, 13, "sent")

    # --- Bob reads the summary ----------------------------------------------------------------------------------
    bob = people.open("desktop")
    sign_in(bob, "bob")
    follow(bob, "Eli")
    card = bob.locator("#intake-overview")
    expect(card.get_by_text("Received", exact=True)).to_be_visible()
    expect(card).to_contain_text(f"“{ELI_HOPES}”")
    expect(card).to_contain_text(f"To talk about in person: {COERCION}.")
    expect(card.locator(".tag.alert")).to_have_count(0)
    check_page_at_both_widths(bob, "intake-e2e-14-clinician-overview")
    follow(bob, "Open the intake summary", card)

    expect(bob.get_by_role("heading", name="Intake", level=1)).to_be_visible()
    expect(bob.locator("#intake-status")).to_contain_text("Received")
    steps = bob.locator("#intake-next-steps").get_by_role("listitem")
    expect(steps.first).to_contain_text(f"Make room in session for “{COERCION}”: Eli would rather talk about this")
    expect(bob.locator("#intake-next-steps .tag.alert")).to_have_count(0)  # nothing urgent
    expect(bob.locator("#intake-safety")).to_contain_text("No answer suggested a safety concern.")
    in_person = bob.locator("#intake-in-person").get_by_role("listitem")
    expect(in_person).to_have_count(1)
    expect(in_person).to_contain_text(COERCION)
    expect(in_person).to_contain_text("For the session")
    section = bob.locator("#section-coercion")
    expect(section.get_by_role("heading", name=COERCION)).to_be_visible()
    expect(section).to_contain_text("To talk about in person")
    expect(section).to_contain_text("Eli would rather talk about this part in person.")
    expect(bob.locator("#intake-goals")).to_contain_text(ELI_HOPES)
    facts = bob.locator("#section-about")
    expect(facts).to_contain_text("Understanding strong reactions that seem to come out of nowhere")
    expect(facts).to_contain_text("2 answered · 1 “prefer not to answer” · 0 not answered")
    check_page_at_both_widths(bob, "intake-e2e-15-clinician-summary")


def test_a_safety_answer_shows_support_and_alerts_the_care_team(people: People) -> None:
    # Carol sends Gus the intake from his overview.
    carol = people.open("desktop")
    sign_in(carol, "carol")
    follow(carol, "Gus")
    card = carol.locator("#intake-overview")
    expect(card).to_contain_text("No intake sent yet.")
    with carol.expect_navigation():
        carol.locator("#intake-send-to-client").click()
    expect(carol.get_by_role("status")).to_have_text("Sent. The intake is waiting on the client's portal home.")
    expect(card.get_by_text("Waiting to start", exact=True)).to_be_visible()
    overview_url = carol.url

    # Gus, on his phone, keeps the first two parts for the session and answers the first safety question.
    gus = people.open("phone")
    sign_in(gus, "gus")
    open_intake_from_home(gus, "Have a look")
    with gus.expect_navigation():
        gus.locator("#intake-begin").click()
    for number in (1, 2):
        at_part(gus, number)
        press(gus, IN_PERSON)
    at_part(gus, 3)
    press(gus, "Begin this part")
    choose(gus, "safety-feel", "Sometimes I don't")
    check_page(gus, "intake-safety-e2e-1-question")
    press(gus, "Next")

    # The support page comes first, with the practice's resources.
    support = gus.locator("#intake-support")
    expect(support.get_by_role("heading", name="Thank you for telling us", level=1)).to_be_visible()
    # Told at once; when they will see it depends on the practice's working hours at the moment the test runs.
    told = re.compile(r"Your care team has been told, (and will see|but they are not at work just now)")
    expect(support).to_contain_text(told)
    expect(support.get_by_role("heading", name="Support you can reach now")).to_be_visible()
    expect(support).to_contain_text("Samaritans")
    expect(support.get_by_role("link", name="116 123", exact=True)).to_have_attribute("href", "tel:116123")
    expect(gus.get_by_role("radio")).to_have_count(0)
    check_page_at_both_widths(gus, "intake-safety-e2e-2-support")
    follow(gus, "Continue when you are ready", support)
    at_question(gus, "safety-afraid")  # the intake carries on where it was

    # Carol sees the alert at once, though Gus has not sent the intake.
    with carol.expect_navigation():
        carol.get_by_role("navigation", name="Main").get_by_role("link", name="Alerts", exact=True).click()
    alert = carol.locator("li.alert-item").filter(has=carol.get_by_role("link", name="Gus", exact=True))
    expect(alert).to_have_count(1)
    expect(alert).to_contain_text("Safety answer in the intake")
    expect(alert).to_contain_text("An intake answer suggests a safety concern")
    check_page(carol, "intake-safety-e2e-3-alerts")
    follow(carol, "An intake answer suggests a safety concern", alert)
    expect(carol.get_by_role("main")).to_contain_text("Gus was shown the practice's crisis resources at once.")
    check_page(carol, "intake-safety-e2e-4-alert")
    follow(carol, "The intake summary")
    safety = carol.locator("#intake-safety")
    expect(safety).to_contain_text("Feels safe in their relationship: Sometimes I don't")
    first = carol.locator("#intake-next-steps").get_by_role("listitem").first
    expect(first).to_contain_text("Talk through the safety answers with Gus soon")
    expect(first.locator(".tag.alert")).to_have_text("First")
    # Only the answer the alert was about: the parts Gus kept for the session stay his until he sends.
    expect(carol.locator("#intake-in-person")).to_have_count(0)
    check_page(carol, "intake-safety-e2e-5-summary")
    carol.goto(overview_url)
    expect(carol.locator("#intake-overview")).to_contain_text("1 answer to talk through soon.")
