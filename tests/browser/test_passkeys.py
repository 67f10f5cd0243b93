"""Passkeys in a real browser: Chromium's virtual authenticator (DevTools WebAuthn domain, a platform
authenticator with resident keys and user verification) makes a passkey from the account page, and then signs
in with it alone, with no email or password typed, at phone and desktop width. The page script is the static
passkeys.js under the strict CSP; every page is checked for CSP violations, script errors and accessibility.

WebAuthn refuses an IP address as a relying party id, so this test runs a second server on the same database
whose ATTUNE_SITE_URL is http://localhost:<port> (a secure context, like https) and browses it by that name.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect

from tests.browser import support
from tests.browser.support import check_page, sign_in


@pytest.fixture(scope="module")
def localhost_url(server: support.Server) -> Iterator[str]:
    port = support.free_port()
    env = {**server.env, "ATTUNE_SITE_URL": f"http://localhost:{port}"}
    running = support.start_server(env, port, server.log.with_name("server-passkeys.log"))
    try:
        yield f"http://localhost:{port}"
    finally:
        support.stop_server(running)


@pytest.mark.parametrize(("viewport", "person"), [("phone", "dana"), ("desktop", "eli")])
def test_a_client_adds_a_passkey_and_signs_in_with_it_alone(
    browser: Browser, localhost_url: str, viewport: str, person: str
) -> None:
    context = support.new_context(browser, localhost_url, viewport)
    try:
        page = support.watched_page(context)
        cdp = context.new_cdp_session(page)
        cdp.send("WebAuthn.enable")
        added = cdp.send(
            "WebAuthn.addVirtualAuthenticator",
            {
                "options": {
                    "protocol": "ctap2",
                    "transport": "internal",
                    "hasResidentKey": True,
                    "hasUserVerification": True,
                    "isUserVerified": True,
                    "automaticPresenceSimulation": True,
                }
            },
        )
        sign_in(page, person)
        page.goto("/account/settings/")
        passkeys = page.locator("#passkeys")
        expect(passkeys).to_contain_text("It is up to you")
        expect(passkeys).to_contain_text("You have no passkeys.")
        check_page(page, "passkeys-settings-empty")

        passkeys.get_by_role("link", name="Add a passkey").click()
        expect(page.get_by_role("heading", name="Add a passkey")).to_be_visible()
        page.get_by_label("A name for this passkey").fill("My phone")
        check_page(page, "passkeys-add")
        page.get_by_role("button", name="Create the passkey").click()
        # Her first second step: recovery codes, once.
        expect(page.get_by_role("link", name="I have kept them safe")).to_be_visible()
        check_page(page, "passkeys-recovery-codes")
        credentials = cdp.send("WebAuthn.getCredentials", {"authenticatorId": added["authenticatorId"]})["credentials"]
        assert len(credentials) == 1 and credentials[0]["isResidentCredential"]
        page.get_by_role("link", name="I have kept them safe").click()
        expect(page.locator("#passkeys")).to_contain_text("My phone")
        expect(page.locator("#passkeys")).to_contain_text("not used yet")
        check_page(page, "passkeys-settings-one")

        page.get_by_role("button", name="Sign out").first.click()
        expect(page).to_have_url(re.compile(r"/account/sign-in/"))
        button = page.get_by_role("button", name="Sign in with a passkey")
        expect(button).to_be_visible()
        check_page(page, "passkeys-sign-in")
        with page.expect_navigation(url=re.compile(r"^(?!.*/account/sign-in/).*$")):
            button.click()
        # Signed in with no password typed: her portal, and the passkey now shows it was used.
        page.goto("/account/settings/")
        expect(page.locator("#passkeys")).to_contain_text("last used")
        used = cdp.send("WebAuthn.getCredentials", {"authenticatorId": added["authenticatorId"]})["credentials"]
        assert used[0]["signCount"] >= 1
        check_page(page, "passkeys-settings-used")

        # She can remove it again (just signed in with it, so no further confirmation of who she is is asked).
        # This also leaves the shared demo as it was: the other browser tests sign her in with a password alone.
        page.get_by_role("link", name="Remove My phone").click()
        page.get_by_role("button", name="Remove the passkey").click()
        expect(page.locator(".messages")).to_contain_text("is removed")
        expect(page.locator("#passkeys")).to_contain_text("You have no passkeys.")
        support.assert_no_csp_violations(page)
    finally:
        context.close()


@pytest.mark.parametrize(("viewport", "person"), [("phone", "sam"), ("desktop", "bob")])
def test_staff_use_a_passkey_as_their_second_step_then_rename_and_remove_it(
    browser: Browser, localhost_url: str, viewport: str, person: str
) -> None:
    context = support.new_context(browser, localhost_url, viewport)
    try:
        page = support.watched_page(context)
        cdp = context.new_cdp_session(page)
        cdp.send("WebAuthn.enable")
        cdp.send(
            "WebAuthn.addVirtualAuthenticator",
            {
                "options": {
                    "protocol": "ctap2",
                    "transport": "internal",
                    "hasResidentKey": True,
                    "hasUserVerification": True,
                    "isUserVerified": True,
                    "automaticPresenceSimulation": True,
                }
            },
        )
        sign_in(page, person)
        page.goto("/account/settings/")
        expect(page.locator("#passkeys")).to_contain_text("Recommended for your role")
        check_page(page, "passkeys-settings-staff")
        page.locator("#passkeys").get_by_role("link", name="Add a passkey").click()
        page.get_by_label("A name for this passkey").fill("Work laptop")
        page.get_by_role("button", name="Create the passkey").click()
        kept = page.get_by_role("link", name="I have kept them safe")
        kept.or_(page.locator("#passkeys")).first.wait_for()
        if kept.is_visible():
            kept.click()
        expect(page.locator("#passkeys")).to_contain_text("Work laptop")

        page.get_by_role("link", name="Rename Work laptop").click()
        page.get_by_label("Name").fill("Clinic laptop")
        check_page(page, "passkeys-rename")
        page.get_by_role("button", name="Save").click()
        expect(page.locator("#passkeys")).to_contain_text("Clinic laptop")

        # Password, then the passkey as the second step: no code typed.
        page.get_by_role("button", name="Sign out").first.click()
        page.get_by_label("Email").fill(support.email_for(person))
        page.get_by_label("Password").fill(support.DEMO_PASSWORD)
        page.get_by_role("button", name="Sign in", exact=True).click()
        expect(page).to_have_url(re.compile(r"/account/two-step/verify/"))
        check_page(page, "passkeys-second-step")
        with page.expect_navigation(url=re.compile(r"^(?!.*/account/).*$")):
            page.get_by_role("button", name="Use a passkey").click()

        page.goto("/account/settings/")
        page.get_by_role("link", name="Remove Clinic laptop").click()
        expect(page.get_by_role("heading", name="Remove “Clinic laptop”?")).to_be_visible()
        check_page(page, "passkeys-remove")
        page.get_by_role("button", name="Remove the passkey").click()
        expect(page.locator(".messages")).to_contain_text("is removed")
        expect(page.locator("#passkeys")).to_contain_text("You have no passkeys.")
        support.assert_no_csp_violations(page)
    finally:
        context.close()
