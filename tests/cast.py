"""The standing cast (DEVELOPERS.md), seeded once per test database, with a canary in every sensitive field.

Northside: clinicians alice (primary for dana) and bob (primary for eli, not on dana's team), supervisor sam
(supervises alice and bob), admin ada, researcher rita; clients dana (partner frank) and eli.
Southside: clinician carol and client gus, outsiders to Northside.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from attune.accounts.models import User
from attune.care import demo
from attune.care.models import Client, Practice

PASSWORD = "test-password-for-the-standing-cast"
CANARIES: list[str] = []


def canary(model: str, field: str) -> str:
    value = f"CANARY-{model}-{field}-{uuid.uuid4()}"
    CANARIES.append(value)
    return value


def seed() -> None:
    cast = demo.seed(PASSWORD, extra=False)
    for client in cast.clients.values():
        client.referral_reason = canary("client", "referral_reason")
        client.save()


@dataclass
class Cast:
    users: dict[str, User]
    clients: dict[str, Client]
    practices: dict[str, Practice]

    def __getattr__(self, name: str) -> Any:
        if name in self.users:
            return self.users[name]
        raise AttributeError(name)

    def client(self, name: str) -> Client:
        return self.clients[name]


def load() -> Cast:
    users = {u.email.split("@")[0]: u for u in User.objects.filter(email__endswith="@" + demo.DEMO_DOMAIN)}
    clients = {c.preferred_name.lower(): c for c in Client.objects.filter(preferred_name__in=["Dana", "Eli", "Gus"])}
    practices = {p.slug: p for p in Practice.objects.all()}
    return Cast(users=users, clients=clients, practices=practices)
