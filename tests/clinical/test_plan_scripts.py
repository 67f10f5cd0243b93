"""Scripts on the client's relationship-script map ("the Shield") linked to the treatment plan's formulation:
read through the skills engine's journal hook (the clinical record does not import the diary), shown on the plan
pages for the care team and the client, kept in the plan's history, and never a script the clinician may not see."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from attune.clinical.models import PlanRevision
from attune.core import policy
from attune.diary.models import MapStatus, RelationshipScript
from attune.privacy import perms as privacy_perms
from attune.privacy import services as privacy
from tests.cast import canary
from tests.clinical.plan_world import PlanWorld
from tests.diary.support import post, send

pytestmark = pytest.mark.django_db


def _script(client: Any, status: str = MapStatus.ON_MAP, *, by_client: bool = True) -> RelationshipScript:
    script = RelationshipScript(client=client, status=status, drafted_by_client=by_client,
                                name=canary("relationshipscript", "name"))  # fmt: skip
    script.save()
    return script


def test_the_clinician_links_a_script_and_both_see_it(plan_world: PlanWorld, client_for: Any) -> None:
    dana, cast = plan_world.dana, plan_world.cast
    shield, other = _script(dana), _script(dana)
    private_draft = _script(dana, MapStatus.DRAFT)  # the client's own draft: hers alone
    alice = client_for(cast.alice)
    page = alice.get(reverse("clinical:plan", args=[dana.pk])).content.decode()
    assert shield.name in page and other.name in page and private_draft.name not in page
    plan = plan_world.plan
    plan.refresh_from_db()
    response = post(alice, reverse("clinical:plan_scripts", args=[dana.pk]),
                    {"scripts": [str(shield.pk)], "version": plan.version})  # fmt: skip
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.script_ids == [str(shield.pk)]
    assert PlanRevision.objects.filter(plan=plan, version=plan.version - 1, script_ids=[]).exists()
    # The client sees it on her plan, linked to the script on her map.
    mine = client_for(cast.dana).get(reverse("clinical:my_plan")).content.decode()
    assert "Patterns from your map we are working with" in mine and shield.name in mine
    assert other.name not in mine
    assert reverse("diary:script", args=[shield.pk]) in mine
    # And in the API, for both.
    assert client_for(cast.alice).get(f"/api/v1/clients/{dana.pk}/plan").json()["scripts"] == [
        {"id": str(shield.pk), "name": shield.name}
    ]


def test_a_script_the_clinician_cannot_see_cannot_be_linked(plan_world: PlanWorld, client_for: Any) -> None:
    dana, cast = plan_world.dana, plan_world.cast
    private_draft, eli_script = _script(dana, MapStatus.DRAFT), _script(plan_world.eli)
    alice = client_for(cast.alice)
    for script in (private_draft, eli_script):
        response = send(alice, "POST", f"/api/v1/clients/{dana.pk}/plan/scripts", {"script_ids": [str(script.pk)]})
        assert response.status_code == 422, response.content
    plan_world.plan.refresh_from_db()
    assert plan_world.plan.script_ids == []


def test_when_the_client_keeps_her_diary_from_the_clinician_the_links_are_hidden(
    plan_world: PlanWorld, client_for: Any
) -> None:
    dana, cast = plan_world.dana, plan_world.cast
    shield = _script(dana)
    plan_world.plan.refresh_from_db()
    response = send(client_for(cast.alice), "POST", f"/api/v1/clients/{dana.pk}/plan/scripts",
                    {"script_ids": [str(shield.pk)], "version": plan_world.plan.version})  # fmt: skip
    assert response.status_code == 200
    privacy.set_visible(policy.own(cast.dana, privacy_perms.MANAGE_SHARING), cast.alice.pk, "diary", False)
    page = client_for(cast.alice).get(reverse("clinical:plan", args=[dana.pk])).content.decode()
    assert shield.name not in page
    # She still sees it on her own plan.
    assert shield.name in client_for(cast.dana).get(reverse("clinical:my_plan")).content.decode()
