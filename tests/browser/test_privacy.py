"""The privacy centre in real browsers (issue 15). Sam, the clinical supervisor, opens emergency access to Dana's
record with a reason; Alice reads Dana's diary; Dana, on her phone, opens "Your privacy" and sees both in "who
looked", Sam's with his reason; she stops showing her diary to Alice, and Alice's next request is refused; she
asks for a copy of everything, the background worker prepares it, and she downloads it once; she asks for
erasure, reads what the practice must keep and the cooling-off, and withdraws the request.
"""

from __future__ import annotations

import io
import re
import zipfile

from playwright.sync_api import Page, expect

from tests.browser.support import (
    People,
    Server,
    check_page,
    check_page_at_both_widths,
    manage,
    sign_in,
    take_problems,
)

BUILD_QUEUED_EXPORTS = (
    "from attune.privacy import jobs; from attune.privacy.models import ExportRequest; "
    "[jobs.build_export(r.pk) for r in ExportRequest.objects.filter(status='queued')]"
)
REASON = "The care team cannot be reached this week and I need to check how Dana is doing"


def follow(page: Page, name: str | re.Pattern[str]) -> None:
    with page.expect_navigation():
        page.get_by_role("main").get_by_role("link", name=name).first.click()


def press(page: Page, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("main").get_by_role("button", name=name).first.click()


def test_dana_sees_who_looked_and_stops_showing_her_diary(people: People, server: Server) -> None:
    # Sam opens emergency access with a reason, just after signing in (so no second password is asked).
    sam = people.open("desktop")
    sign_in(sam, "sam")
    follow(sam, "Dana")
    expect(sam.get_by_role("heading", name="Emergency access")).to_be_visible()
    follow(sam, "Use emergency access")
    expect(sam.get_by_role("heading", name="Emergency access", level=1)).to_be_visible()
    check_page(sam, "privacy-break-glass-form")
    sam.get_by_label("Why do you need to read this record?").fill(REASON)
    press(sam, "Open the record for one hour")
    expect(sam.get_by_role("status")).to_contain_text("Emergency access is open for one hour")
    expect(sam.get_by_text(re.compile(r"Open until \d\d:\d\d"))).to_be_visible()
    check_page(sam, "privacy-break-glass-open")
    press(sam, "End emergency access now")
    expect(sam.get_by_role("status")).to_contain_text("Emergency access has ended")

    # Alice reads Dana's diary.
    alice = people.open("desktop")
    sign_in(alice, "alice")
    follow(alice, "Dana")
    follow(alice, re.compile(r"^Diary$"))
    diary_url = alice.url
    expect(alice.get_by_role("heading", level=1)).to_contain_text("Diary")

    # Dana, on her phone.
    dana = people.open("phone")
    sign_in(dana, "dana")
    follow(dana, "Your privacy")
    expect(dana.get_by_role("heading", name="Your privacy", level=1)).to_be_visible()
    check_page(dana, "privacy-home")
    follow(dana, "Who looked at your record")
    expect(dana.get_by_role("heading", name="Who looked at your record", level=1)).to_be_visible()
    log = dana.locator("ol.access-log")
    expect(log.get_by_text(re.compile(r"Alice Moreno.*looked at your diary")).first).to_be_visible()
    expect(log.get_by_text(REASON, exact=False).first).to_be_visible()
    check_page_at_both_widths(dana, "privacy-who-looked")

    dana.get_by_text("Filter", exact=True).click()
    dana.get_by_label("What").select_option(label="Emergency access")
    press(dana, "Show")
    expect(log.get_by_text("Sam Lindqvist").first).to_be_visible()
    expect(log.get_by_text("Alice Moreno")).to_have_count(0)
    check_page(dana, "privacy-who-looked-emergency")

    # Who can see what: she stops showing her diary to Alice.
    dana.goto("/portal/privacy/")
    follow(dana, "Who can see what")
    alice_card = dana.get_by_role("region", name=re.compile("Alice Moreno"))
    expect(alice_card.get_by_text("Can see").first).to_be_visible()
    check_page(dana, "privacy-who-can-see")
    with dana.expect_navigation():
        alice_card.get_by_role("button", name=re.compile("Stop showing your diary")).click()
    expect(dana.get_by_role("status")).to_contain_text("From now on they cannot see this")
    expect(
        dana.get_by_text(re.compile(r"Your diary, practice records and scripts, Alice Moreno: stopped showing"))
    ).to_be_visible()
    check_page_at_both_widths(dana, "privacy-who-can-see-changed")

    # Alice's next request is refused.
    response = alice.goto(diary_url)
    assert response is not None and response.status == 403
    # Dana shows it again (the other browser tests share this server's demo, where Alice reads Dana's diary).
    with dana.expect_navigation():
        alice_card.get_by_role("button", name=re.compile("Show again your diary")).click()
    expect(dana.get_by_role("status")).to_contain_text("They can see this again")
    response = alice.goto(diary_url)
    assert response is not None and response.status == 200

    # Take it with you: prepared in the background, downloaded once.
    dana.goto("/portal/privacy/")
    follow(dana, "Take it with you")
    expect(dana.get_by_role("heading", name="Take it with you", level=1)).to_be_visible()
    check_page(dana, "privacy-export-start")
    press(dana, "Prepare my copy")
    expect(dana.get_by_role("status")).to_contain_text("We are preparing your copy")
    check_page(dana, "privacy-export-waiting")
    # The job, as the worker runs it (the test server's task backend is the dummy one, so nothing runs by itself).
    manage(server.env, "shell", "-c", BUILD_QUEUED_EXPORTS)
    follow(dana, "Check again")
    expect(dana.get_by_text("Ready to download")).to_be_visible()
    check_page_at_both_widths(dana, "privacy-export-ready")
    with dana.expect_download() as download:
        dana.get_by_role("main").get_by_role("button", name=re.compile("^Download")).click()
    with zipfile.ZipFile(io.BytesIO(open(download.value.path(), "rb").read())) as archive:
        assert {"README.md", "data.json", "fhir-bundle.json"} <= set(archive.namelist())
        assert "Dana" in archive.read("data.json").decode()
    # A form post answered with a file is reported as an aborted navigation (the file arrived: read above).
    aborted = [p for p in take_problems(dana) if "/download/ (net::ERR_ABORTED)" not in p]
    assert not aborted, aborted
    dana.reload()
    expect(dana.get_by_text("Downloaded", exact=True)).to_be_visible()

    # Erasure: asked for, with the cooling-off explained, then withdrawn.
    dana.goto("/portal/privacy/")
    follow(dana, "Have your record erased")
    expect(dana.get_by_role("heading", name="What the practice must keep")).to_be_visible()
    check_page(dana, "privacy-erase")
    dana.get_by_label(re.compile("I understand")).check()
    press(dana, "Ask for my record to be erased")
    expect(dana.get_by_role("status")).to_contain_text("You can withdraw it until the practice confirms it")
    check_page_at_both_widths(dana, "privacy-erase-asked")
    press(dana, "Withdraw my request")
    expect(dana.get_by_role("status")).to_contain_text("Nothing has been erased")


def test_the_practice_admin_pages_at_phone_width(phone_page: Page) -> None:
    """Ada, the practice admin, on her phone: a person's page (roles, supervisor, what deactivating does) and the
    practice's audit trail with its chain check. Nothing is changed: the other browser tests share this demo."""
    sign_in(phone_page, "ada")
    phone_page.goto("/")
    with phone_page.expect_navigation():
        phone_page.get_by_role("link", name="People").first.click()
    follow(phone_page, "Bob Okafor")
    expect(phone_page.get_by_role("heading", name="Bob Okafor", level=1)).to_be_visible()
    expect(phone_page.get_by_role("heading", name="Deactivate")).to_be_visible()
    expect(phone_page.get_by_label(re.compile("New primary clinician for"))).not_to_have_count(0)
    check_page(phone_page, "practice-person")
    follow(phone_page, re.compile("People at"))
    follow(phone_page, "Audit trail")
    expect(phone_page.get_by_role("heading", name="Audit trail", level=1)).to_be_visible()
    follow(phone_page, "Check the chain now")
    expect(phone_page.get_by_text("Intact", exact=True)).to_be_visible()
    check_page(phone_page, "practice-audit")
