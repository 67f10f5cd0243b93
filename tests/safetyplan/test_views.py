"""The plan's pages as a client and a clinician use them: one step at a time, versions and restore, the sharing
choice, the support network, tap-to-call, "reviewed together", the printable page and the tagged PDF."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from attune.safetyplan.models import PlanVersion, SafetyPlan, SupportPerson
from tests.diary.support import post
from tests.safetyplan.conftest import World

pytestmark = pytest.mark.django_db


def test_a_step_is_saved_as_a_new_version_and_a_stale_form_keeps_what_was_typed(world: World, client_for: Any) -> None:
    browser = client_for(world.cast.dana)
    url = reverse("safetyplan:step", args=["surroundings"])
    assert browser.get(url).status_code == 200
    response = post(browser, url, {"text": "Keep the evenings busy", "version": "8"})
    assert response.status_code == 302 and response["Location"] == reverse("safetyplan:plan")
    plan = SafetyPlan.objects.get(pk=world.plan.pk)
    assert plan.version == 9 and plan.safety_data["surroundings"]["text"] == "Keep the evenings busy"
    stale = post(browser, url, {"text": "Something else", "version": "8"})
    assert stale.status_code == 409 and "Something else" in stale.content.decode()
    assert SafetyPlan.objects.get(pk=world.plan.pk).version == 9


def test_the_plan_page_has_tap_to_call_numbers_and_the_relationship_part(world: World, client_for: Any) -> None:
    body = client_for(world.cast.dana).get(reverse("safetyplan:plan")).content.decode()
    assert 'href="tel:+447700900123"' in body and 'href="tel:08001234567"' in body
    assert world.plan.relationship_data["code_word"] in body and "never shown to a partner" in body
    assert 'class="plan-link" href="/portal/plan/"' in body  # the one-tap link beside the quick exit


def test_the_one_tap_link_is_on_every_client_page_and_never_a_partners(world: World, client_for: Any) -> None:
    for url in (reverse("workspace:portal"), reverse("diary:entries"), reverse("care:safe_contact")):
        assert 'class="plan-link"' in client_for(world.cast.dana).get(url).content.decode(), url
    partner = client_for(world.cast.frank).get(reverse("workspace:portal")).content.decode()
    assert "quick-exit" in partner and 'class="plan-link"' not in partner


def test_restore_from_the_version_page(world: World, client_for: Any) -> None:
    browser = client_for(world.cast.dana)
    listing = browser.get(reverse("safetyplan:versions")).content.decode()
    assert "Version 8" in listing and "by you" in listing
    first = PlanVersion.objects.get(plan=world.plan, number=1)
    page = browser.get(reverse("safetyplan:version", args=[first.pk])).content.decode()
    assert "Bring back version 1" in page
    response = post(browser, reverse("safetyplan:restore", args=[first.pk]), {"current": "8"})
    assert response.status_code == 302
    plan = SafetyPlan.objects.get(pk=world.plan.pk)
    assert plan.version == 9 and plan.relationship_data == {}
    stale = post(browser, reverse("safetyplan:restore", args=[first.pk]), {"current": "8"})
    assert stale.status_code == 302 and SafetyPlan.objects.get(pk=world.plan.pk).version == 9


def test_sharing_is_revocable_at_once(world: World, client_for: Any) -> None:
    alice = client_for(world.cast.alice)
    url = reverse("safetyplan:client_plan", args=[world.dana.pk])
    safety = world.plan.safety_data["reasons"]["text"]
    assert safety in alice.get(url).content.decode()
    post(client_for(world.cast.dana), reverse("safetyplan:sharing"), {"sharing": "none"})
    assert safety not in alice.get(url).content.decode()


def test_the_network_add_change_and_remove(world: World, client_for: Any) -> None:
    browser = client_for(world.cast.dana)
    bad = post(browser, reverse("safetyplan:network"), {"name": "Jo", "phone": "ring me"})
    assert bad.status_code == 422 and "Jo" in bad.content.decode()
    assert post(browser, reverse("safetyplan:network"), {"name": "Jo", "phone": "07700 900999"}).status_code == 302
    jo = SupportPerson.objects.filter(client=world.dana).order_by("-created").first()
    assert jo is not None and (jo.name, jo.phone) == ("Jo", "07700 900999")
    post(browser, reverse("safetyplan:person", args=[jo.pk]), {"name": "Jo B", "safe_to_contact": "no"})
    jo.refresh_from_db()
    assert (jo.name, jo.safe_to_contact) == ("Jo B", "no")
    assert "Not safe to contact right now" in browser.get(reverse("safetyplan:network")).content.decode()
    post(browser, reverse("safetyplan:person_delete", args=[jo.pk]))
    assert not SupportPerson.objects.filter(pk=jo.pk).exists()


def test_the_clinician_marks_it_reviewed_together_and_edits_a_shared_step(world: World, client_for: Any) -> None:
    alice = client_for(world.cast.alice)
    today = timezone.localdate()
    post(alice, reverse("safetyplan:client_reviewed", args=[world.dana.pk]), {"reviewed_on": today.isoformat()})
    assert SafetyPlan.objects.get(pk=world.plan.pk).reviewed_on == today
    page = alice.get(reverse("safetyplan:client_plan", args=[world.dana.pk])).content.decode()
    assert "Last reviewed together on" in page
    dana_page = client_for(world.cast.dana).get(reverse("safetyplan:plan")).content.decode()
    assert "You went through it with your clinician on" in dana_page
    url = reverse("safetyplan:client_step", args=[world.dana.pk, "coping"])
    assert (
        post(alice, url, {"text": "Cold water on the face", "skills": ["body-scan"], "version": "8"}).status_code == 302
    )
    assert SafetyPlan.objects.get(pk=world.plan.pk).safety_data["coping"]["skills"] == ["body-scan"]


def test_the_plan_page_makes_the_same_number_of_queries_however_long_the_network(world: World, client_for: Any) -> None:
    browser = client_for(world.cast.dana)
    url = reverse("safetyplan:plan")
    browser.get(url)
    with CaptureQueriesContext(connection) as few:
        browser.get(url)
    for i in range(10):
        SupportPerson(client=world.dana, name=f"Friend {i}").save()
    with CaptureQueriesContext(connection) as many:
        browser.get(url)
    assert len(many) == len(few)


def test_printing_the_relationship_part_needs_a_second_yes(world: World, client_for: Any) -> None:
    browser = client_for(world.cast.dana)
    code_word = world.plan.relationship_data["code_word"]
    refused = browser.get(reverse("safetyplan:print") + "?parts=relationship&parts=help")
    assert refused.status_code == 422 and code_word not in refused.content.decode()
    assert "anyone who finds this printout" in refused.content.decode()
    page = browser.get(reverse("safetyplan:print") + "?parts=help&parts=relationship&understood=on").content.decode()
    assert code_word in page and world.plan.safety_data["help"]["text"] in page
    assert world.plan.safety_data["reasons"]["text"] not in page  # a part not chosen is not printed


@pytest.mark.skipif(shutil.which("pdfinfo") is None or shutil.which("pdftotext") is None, reason="poppler-utils")
def test_the_pdf_is_tagged_and_holds_only_the_chosen_parts(world: World, client_for: Any, tmp_path: Path) -> None:
    browser = client_for(world.cast.dana)
    response = browser.get(reverse("safetyplan:pdf") + "?parts=warning_signs&parts=network")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="plan.pdf"'
    path = tmp_path / "plan.pdf"
    path.write_bytes(response.content)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert "Tagged:          yes" in info
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    flat = " ".join(text.split())
    assert world.plan.safety_data["warning_signs"]["text"][:30] in flat.replace(" ", "") or "My warning signs" in flat
    assert "My support network" in flat and "My relationship-safety plan" not in flat
    assert world.plan.relationship_data["code_word"][:20] not in flat.replace(" ", "")
    assert "My reasons for living" not in flat


def test_save_and_go_to_the_next_step(world: World, client_for: Any) -> None:
    browser = client_for(world.cast.dana)
    url = reverse("safetyplan:step", args=["warning_signs"])
    assert "Save and go to the next step" in browser.get(url).content.decode()
    response = post(browser, url, {"text": "Not sleeping", "version": "8", "then": "next"})
    assert response["Location"] == reverse("safetyplan:step", args=["coping"])
    alice = client_for(world.cast.alice)
    staff_url = reverse("safetyplan:client_step", args=[world.dana.pk, "surroundings"])
    response = post(alice, staff_url, {"text": "A walk", "version": "9", "then": "next"})
    assert response["Location"] == reverse("safetyplan:client_step", args=[world.dana.pk, "reasons"])
    last = post(alice, response["Location"], {"text": "The sea", "version": "10", "then": "next"})
    assert last["Location"] == reverse("safetyplan:client_plan", args=[world.dana.pk])  # alice has no step 8


def test_an_unknown_step_is_not_found(world: World, client_for: Any) -> None:
    assert client_for(world.cast.dana).get("/portal/plan/steps/nonsense/").status_code == 404
    alice = client_for(world.cast.alice)
    assert alice.get(f"/clients/{world.dana.pk}/plan/steps/nonsense/").status_code == 404
