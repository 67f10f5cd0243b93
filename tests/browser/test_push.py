"""Web Push in a real browser: the web app manifest is linked from every page and served, and on the notification
preferences page the service worker registers for the whole site and the "Notifications on this device" switch
appears, all with no CSP violation, script error or failed load.

What cannot be tested here: real delivery to Chromium. A push reaches a browser only through its vendor's push
service (Chromium's is Google's), which this machine cannot reach, so `pushManager.subscribe()` cannot succeed
offline. The server's side of delivery (encryption, VAPID, Topic, a 410 removing the device) is tested against a
fake push service in tests/notify/test_push.py; here the switch is checked up to that boundary: a refusal of
permission and a failed subscription each leave the switch off, say so, and store nothing.
"""

from __future__ import annotations

import json

from playwright.sync_api import Page, expect

from tests.browser.support import check_page, sign_in

PREFERENCES = "/account/notifications/"
TOGGLE = "Show notifications on this device"


def test_the_manifest_is_linked_and_served(page: Page) -> None:
    page.goto("/account/sign-in/")
    href = page.locator('link[rel="manifest"]').get_attribute("href")
    assert href
    response = page.request.get(href)
    assert response.ok
    manifest = json.loads(response.body())
    assert manifest["name"] == "Notes" and manifest["start_url"] == "/" and manifest["display"] == "standalone"
    for icon in manifest["icons"]:
        assert page.request.get(page.url.split("/account/")[0] + "/static/attune/" + icon["src"]).ok, icon
    # No service worker for someone who has not asked for one.
    assert page.evaluate("() => navigator.serviceWorker.getRegistration('/').then((r) => Boolean(r))") is False


def test_the_service_worker_registers_on_the_preferences_page(page: Page) -> None:
    sign_in(page, "dana")
    page.goto(PREFERENCES)
    scope, script = page.evaluate(
        "() => navigator.serviceWorker.ready.then((r) => [r.scope, r.active && r.active.scriptURL])"
    )
    base = page.url.split(PREFERENCES)[0]
    assert scope == base + "/" and script == base + "/sw.js"
    section = page.locator("#device-push")
    expect(section).to_be_visible()
    expect(page.get_by_label(TOGGLE)).not_to_be_checked()
    expect(section.get_by_role("status")).to_have_text("Notifications are off for this device.")
    check_page(page, "notifications-device-switch")


def test_a_refused_permission_leaves_the_switch_off(phone_page: Page) -> None:
    page = phone_page
    sign_in(page, "dana")
    page.goto(PREFERENCES)
    page.context.clear_permissions()
    page.evaluate("() => navigator.serviceWorker.ready")
    # Headless Chromium answers the permission prompt at once: not granted. (click, not check: the switch may
    # already be back off by the time Playwright would look at it.)
    page.get_by_label(TOGGLE).click()
    expect(page.locator("#device-push-status")).to_contain_text("block notifications")
    expect(page.get_by_label(TOGGLE)).not_to_be_checked()
    expect(page.get_by_label(TOGGLE)).to_be_enabled()
    check_page(page, "notifications-device-blocked")


def test_a_subscription_that_fails_offline_says_so_and_stores_nothing(desktop_page: Page) -> None:
    page = desktop_page
    sign_in(page, "dana")
    page.goto(PREFERENCES)
    page.context.grant_permissions(["notifications"])
    page.evaluate("() => navigator.serviceWorker.ready")
    posted: list[str] = []
    page.on("request", lambda r: posted.append(r.method) if "/push-subscriptions" in r.url else None)
    page.get_by_label(TOGGLE).click()
    # Chromium cannot reach its push service from here, so subscribe() rejects and nothing is sent to Attune.
    expect(page.locator("#device-push-status")).to_contain_text("did not work", timeout=30_000)
    expect(page.get_by_label(TOGGLE)).not_to_be_checked()
    assert posted == []
