"""The practice's audit trail for its admins: filters, pages, the CSV export (after step-up), the chain check."""

from __future__ import annotations

import time_machine
from django.urls import reverse

from attune.core.models import AuditEvent


def _path(cast, name="privacy:practice_audit"):
    return reverse(name, args=[cast.practices["northside"].pk])


def test_filters_and_the_chain_check(cast, client_for) -> None:
    client_for(cast.carol).get(reverse("workspace:client", args=[cast.client("dana").pk]))  # an outsider's refusal
    client_for(cast.alice).get(reverse("workspace:client", args=[cast.client("dana").pk]))
    ada = client_for(cast.ada)
    refused = ada.get(_path(cast) + f"?outcome={AuditEvent.Outcome.DENIED}").content.decode()
    assert "refused" in refused and cast.carol.display_name in refused
    by_alice = ada.get(_path(cast) + f"?actor={cast.alice.pk}").content.decode()
    assert cast.alice.display_name in by_alice and cast.carol.display_name not in by_alice
    checked = ada.get(_path(cast) + "?verify=1").content.decode()
    assert "Intact" in checked
    # Nothing of another practice: gus (Southside) never appears.
    client_for(cast.carol).get(reverse("workspace:client", args=[cast.client("gus").pk]))
    assert "Gus" not in ada.get(_path(cast)).content.decode()
    assert cast.client("dana").referral_reason not in ada.get(_path(cast)).content.decode()


def test_the_export_needs_step_up_and_follows_the_filters(cast, client_for) -> None:
    client_for(cast.alice).get(reverse("workspace:client", args=[cast.client("dana").pk]))
    ada = client_for(cast.ada)
    answer = ada.get(_path(cast, "privacy:practice_audit_csv") + f"?actor={cast.alice.pk}")
    assert answer.status_code == 200 and answer["Content-Type"].startswith("text/csv")
    lines = answer.content.decode().splitlines()
    assert lines[0].startswith("id,recorded,actor") and len(lines) > 1
    assert all(cast.alice.display_name in line for line in lines[1:])
    with time_machine.travel("2026-11-21 08:00", tick=False) as clock:
        ada = client_for(cast.ada)
        for _ in range(2):
            clock.shift(4 * 60)
            ada.get(reverse("home"))
        stale = ada.get(_path(cast, "privacy:practice_audit_csv"))
        assert stale.status_code == 302 and stale["Location"].startswith(reverse("accounts:confirm"))
