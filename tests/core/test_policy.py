"""The kernel's policy: permissions are declared by their apps, access objects come only from the policy, and the
record layer answers the relationship queries."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from attune.care import perms as care_perms
from attune.core import policy
from attune.core.policy import Relation
from tests.cast import Cast

SRC = Path(__file__).resolve().parents[2] / "src" / "attune"


def test_the_kernel_declares_no_permission_of_its_own() -> None:
    kernel = "\n".join(p.read_text() for p in (SRC / "core").rglob("*.py"))
    assert not re.search(r"\bdeclare\(\s*\"", kernel)


def test_every_permission_is_declared_by_an_apps_perms_module() -> None:
    declared = policy.declared()
    assert declared, "no permission declared: are the apps' ready() hooks importing perms?"
    modules = {p.parent.name for p in SRC.glob("*/perms.py")}
    assert {"care", "consent", "questionnaires", "monitoring", "skills", "diary", "intake"} <= modules
    for perm in declared.values():
        assert Relation.NONE not in perm.holders


def test_a_permission_cannot_be_declared_twice() -> None:
    with pytest.raises(ValueError):
        policy.declare(care_perms.VIEW.code, {Relation.SELF})


def test_an_access_cannot_be_built_outside_the_policy(cast: Cast) -> None:
    with pytest.raises(TypeError):
        policy.Access(cast.alice, cast.client("dana"), Relation.CARE_TEAM)


def test_the_policy_finds_each_relationship(cast: Cast) -> None:
    dana = cast.client("dana")
    expected = {
        "dana": Relation.SELF,
        "alice": Relation.CARE_TEAM,
        "sam": Relation.SUPERVISOR,
        "ada": Relation.ADMIN,
        "frank": Relation.PARTNER,
    }
    for name, relation in expected.items():
        assert (
            policy.client(
                getattr(cast, name), dana.pk, care_perms.VIEW_TEAM if name != "frank" else _any_partner_perm()
            ).relation
            is relation
        )


def _any_partner_perm() -> policy.Perm:
    return next(p for p in policy.declared().values() if Relation.PARTNER in p.holders)


@pytest.mark.parametrize("outsider", ["bob", "carol", "gus", "rita"])
def test_no_relationship_is_404_and_audited(cast: Cast, outsider: str) -> None:
    from attune.core.models import AuditEvent

    before = AuditEvent.objects.count()
    with pytest.raises(policy.Http404):
        policy.client(
            getattr(cast, outsider) if outsider != "gus" else cast.client("gus").user,
            cast.client("dana").pk,
            care_perms.VIEW,
        )
    denial = AuditEvent.objects.order_by("-id").first()
    assert AuditEvent.objects.count() == before + 1 and denial is not None
    assert denial.outcome == AuditEvent.Outcome.DENIED and denial.reason == "no-relationship:client.view"


def test_a_relationship_without_the_permission_is_403(cast: Cast) -> None:
    with pytest.raises(policy.PermissionDenied):
        policy.client(cast.sam, cast.client("dana").pk, care_perms.VIEW_CLINICAL)
