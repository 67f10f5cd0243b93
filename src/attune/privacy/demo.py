"""The privacy centre's part of the demo: Sam, the clinical supervisor, once used emergency access to Dana's
record, with a reason, and ended it; Dana sees it (with the reason) in "who looked". Invented and general."""

from __future__ import annotations

from typing import Any

from attune.care.models import Client
from attune.core import policy
from attune.privacy import perms, services
from attune.privacy.models import BreakGlass

SAM_REASON = "Alice is away this week and Dana's check-in needed a reply; I read the record to pass it on safely"


def seed(clients: dict[str, Client], users: dict[str, Any]) -> None:
    dana, sam = clients.get("dana"), users.get("sam")
    if dana is None or sam is None or BreakGlass.objects.filter(client=dana).exists():
        return  # idempotent: the demo's break-glass happens once
    access = policy.client(sam, dana.pk, perms.BREAK_GLASS)
    services.break_glass(access, SAM_REASON)
    services.end_break_glass(access)
