"""The plan leaks nothing (SECURITY.md 4, 13, 14): a partner granted every sharing category can tell nothing about
it, not even that it exists; the care team sees only the part the client shares; no canary reaches the raw
database, the logs, a notification or an email."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.apps import apps
from django.core import mail
from django.db import connection
from django.urls import reverse

from attune.core import policy
from attune.core.fields import EncryptedTextField
from attune.notify.models import Notification
from attune.safetyplan import inputs, perms, services
from attune.safetyplan.models import PlanVersion, SafetyPlan, Sharing, SupportPerson
from tests.cast import CANARIES
from tests.safetyplan.conftest import World, access_for, every_category

pytestmark = pytest.mark.django_db

VOLATILE = [
    re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"'),
    re.compile(rb'name="csrf-token" content="[^"]*"'),
    re.compile(rb'nonce="[^"]*"'),
]


def plan_canaries() -> list[str]:
    return [c for c in CANARIES if c.split("-")[1] in {"safetyplan", "supportperson"}]


def partner_urls(world: World) -> list[str]:
    dana = world.dana.pk
    version = PlanVersion.objects.filter(plan=world.plan).first()
    assert version is not None
    urls = [
        reverse("workspace:portal"),
        reverse("consent:shared_with_me", args=[dana]),
        reverse("safetyplan:client_plan", args=[dana]),
        *[reverse("safetyplan:client_step", args=[dana, step]) for step in inputs.ALL_STEPS],
        reverse("safetyplan:plan"),
        reverse("safetyplan:versions"),
        reverse("safetyplan:version", args=[version.pk]),
        reverse("safetyplan:network"),
        reverse("safetyplan:person", args=[world.friend.pk]),
        reverse("safetyplan:print") + "?parts=relationship&understood=on",
        reverse("safetyplan:pdf") + "?parts=relationship&understood=on",
        reverse("api:get_safety_plan", args=[dana]),
        reverse("api:list_safety_plan_versions", args=[dana]),
        reverse("api:get_safety_plan_sharing", args=[dana]),
        reverse("api:list_support_people", args=[dana]),
        reverse("api:list_clients"),
        reverse("api:me"),
    ]
    return urls


def snapshot(browser: Any, urls: list[str]) -> dict[str, tuple[int, bytes]]:
    out = {}
    for url in urls:
        body = browser.get(url).content
        for pattern in VOLATILE:
            body = pattern.sub(b"", body)
        out[url] = (browser.get(url).status_code, body)
    return out


def test_a_partner_granted_everything_cannot_tell_that_a_plan_exists(world: World, client_for: Any) -> None:
    assert policy.shared_categories(world.dana.pk, world.cast.frank) == every_category() != set()
    browser = client_for(world.cast.frank)
    urls = partner_urls(world)
    with_plan = snapshot(browser, urls)
    secret_ids = [str(world.plan.pk), str(world.friend.pk), str(world.sister.pk)]
    secret_ids += [str(v) for v in PlanVersion.objects.filter(plan=world.plan).values_list("pk", flat=True)]
    for url, (status, body) in with_plan.items():
        text = body.decode(errors="replace")
        assert not [c for c in plan_canaries() if c in text], url
        assert not [i for i in secret_ids if i in text], url
        assert "/portal/plan/" not in text, url  # not even the one-tap link: the partner has no plan of their own
        if "safetyplan" in url or "safety-plan" in url or "support-network" in url or "/plan/" in url:
            assert status in {403, 404}, url
    # The same answers, byte for byte, once the plan, its versions and the network are gone.
    SafetyPlan.objects.filter(client=world.dana).delete()
    SupportPerson.objects.filter(client=world.dana).delete()
    without_plan = snapshot(browser, urls)
    for url in urls:
        if "/plan/" in url and url.split("/")[-2] in secret_ids:
            continue  # a row that no longer exists: the portal answers 404 either way (checked above)
        assert with_plan[url] == without_plan[url], url


def test_the_care_team_sees_only_the_shared_part(world: World, client_for: Any) -> None:
    browser = client_for(world.cast.alice)
    dana = world.dana.pk
    safety = world.plan.safety_data["warning_signs"]["text"]
    code_word = world.plan.relationship_data["code_word"]
    page = browser.get(reverse("safetyplan:client_plan", args=[dana])).content.decode()
    assert safety in page and code_word not in page and "relationship-safety" not in page.lower()
    api = browser.get(reverse("api:get_safety_plan", args=[dana])).json()
    assert api["steps"]["warning_signs"]["text"] == safety
    assert api["relationship"] is None and api["sharing"] is None
    listed = browser.get(reverse("api:list_safety_plan_versions", args=[dana])).json()
    assert listed["count"] == 7 and all(v["relationship"] is None for v in listed["items"])
    assert code_word not in str(listed)
    people = browser.get(reverse("api:list_support_people", args=[dana])).json()
    assert {p["id"] for p in people} == {str(world.friend.pk), str(world.sister.pk)}
    # Nothing shared: nothing of the plan, no versions, no people; and it applies on the next request.
    services.set_sharing(access_for(world.cast.dana, world.dana, perms.SHARE_PLAN), Sharing.NONE)
    page = browser.get(reverse("safetyplan:client_plan", args=[dana])).content.decode()
    assert safety not in page and "chosen not to share" in page
    api = browser.get(reverse("api:get_safety_plan", args=[dana])).json()
    assert api["steps"] is None and api["relationship"] is None and api["reviewed_on"] is None
    assert browser.get(reverse("api:list_safety_plan_versions", args=[dana])).json()["count"] == 0
    assert browser.get(reverse("api:list_support_people", args=[dana])).json() == []
    assert browser.get(reverse("safetyplan:client_step", args=[dana, "warning_signs"])).status_code == 404


def test_bob_sees_all_of_what_eli_shares_in_full(world: World, client_for: Any) -> None:
    api = client_for(world.cast.bob).get(reverse("api:get_safety_plan", args=[world.eli.pk])).json()
    assert api["steps"]["help"]["people"] == [str(world.eli_person.pk)] and api["relationship"] == {}


def test_every_encrypted_field_holds_a_canary_and_none_reaches_the_database(world: World) -> None:
    fields = [
        (model, f.name)
        for model in apps.get_app_config("safetyplan").get_models()
        for f in model._meta.fields
        if isinstance(f, EncryptedTextField)
    ]
    assert len(fields) == 9
    for model, name in fields:
        values = [str(getattr(row, name)) for row in model.objects.filter(client=world.dana)]
        assert any("CANARY-" in v for v in values), f"no canary in {model.__name__}.{name}"
    planted = plan_canaries()
    assert len(planted) > 20
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            text = " ".join(str(value) for row in cursor.fetchall() for value in row)
            assert not [c for c in planted if c in text], table


def test_nothing_reaches_logs_notifications_or_email(world: World, client_for: Any, captured_logs: list[str]) -> None:
    notifications = Notification.objects.count()
    dana, alice = client_for(world.cast.dana), client_for(world.cast.alice)
    shown = 0
    for browser, url in [
        (dana, reverse("safetyplan:plan")),
        (dana, reverse("safetyplan:network")),
        (dana, reverse("safetyplan:versions")),
        (dana, reverse("safetyplan:print") + "?parts=relationship&parts=help&understood=on"),
        (alice, reverse("safetyplan:client_plan", args=[world.dana.pk])),
        (alice, reverse("api:get_safety_plan", args=[world.dana.pk])),
    ]:
        body = browser.get(url).content.decode()
        shown += any(c in body for c in plan_canaries())
        for title in re.findall(r"<title>(.*?)</title>", body, re.S):
            assert "plan" not in title.lower() and not any(c in title for c in CANARIES)
        for link in re.findall(r'href="([^"]+)"', body):
            assert not any(c in link for c in CANARIES)
    assert shown == 5  # every page but the list of versions, which names steps and dates only
    # Changes by both sides, then: nothing is queued for anyone, and no canary is logged.
    services.save_step(access_for(world.cast.alice, world.dana), "surroundings", {"text": "A walk first"})
    services.set_sharing(access_for(world.cast.dana, world.dana, perms.SHARE_PLAN), Sharing.ALL)
    assert Notification.objects.count() == notifications and not mail.outbox
    logged = "\n".join(captured_logs)
    assert not [c for c in CANARIES if c in logged]
