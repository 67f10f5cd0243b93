"""Tombstones of destroyed data keys, kept outside the database.

An erased client's key is destroyed in the database (core.keys.shred), but a backup taken before the erasure
still holds it wrapped. Each destruction therefore also writes a small file here (the client id and when; no
key, no name), and `reapply()` destroys again every key named by a tombstone: the restore drill runs it after
every restore (`attune erasures --reapply`), so a restored backup never brings an erased client back.
"""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import DEFAULT_DB_ALIAS, transaction
from django.utils import timezone

from attune.accounts.models import User
from attune.care.models import Client
from attune.care.services import ERASED_NAME
from attune.core import keys
from attune.core.models import DataKey


def folder() -> Path:
    return Path(getattr(settings, "ATTUNE_TOMBSTONE_DIR", settings.VAR_DIR / "tombstones"))


def write(client_id: uuid.UUID) -> Path:
    """Write (durably) the tombstone of one client's destroyed key."""
    target = folder()
    target.mkdir(parents=True, exist_ok=True)
    path = target / f"{client_id}.json"
    temporary = path.with_suffix(".tmp")
    with temporary.open("w") as out:
        json.dump({"client_id": str(client_id), "destroyed": timezone.now().isoformat()}, out)
        out.flush()
        os.fsync(out.fileno())
    temporary.replace(path)
    return path


def erased_clients() -> list[uuid.UUID]:
    if not folder().is_dir():
        return []
    return [uuid.UUID(json.loads(p.read_text())["client_id"]) for p in sorted(folder().glob("*.json"))]


def reapply() -> list[uuid.UUID]:
    """Destroy again every key a tombstone names that is readable in this database. Returns those destroyed."""
    again = []
    for client_id in erased_clients():
        if DataKey.objects.filter(client_id=client_id, wrapped__isnull=False).exists():
            keys.shred(client_id)
            again.append(client_id)
    return again


# --- the restore drill (core.backup) -----------------------------------------------------------------------


def collect(using: str) -> list[dict[str, str]]:
    """The erasures a database must honour. For the live database: every tombstone file (they outlive the
    database). For a copy or a restored database: the clients erased in it (key destroyed, name cleared), which is
    what core.backup compares with what it asked to apply."""
    if using == DEFAULT_DB_ALIAS:
        return [{"client_id": str(client_id)} for client_id in erased_clients()]
    shredded = DataKey.objects.using(using).filter(wrapped__isnull=True).values_list("client_id", flat=True)
    cleared = Client.objects.using(using).filter(pk__in=list(shredded), preferred_name=ERASED_NAME, user__isnull=True)
    return [{"client_id": str(pk)} for pk in cleared.values_list("pk", flat=True).order_by("pk")]


def apply(using: str, stones: list[dict[str, str]]) -> int:
    """Erase again, in the database `using`, every client a tombstone names: the data key destroyed, the name and
    pronouns cleared, the portal account closed. Returns how many were not erased there yet."""
    applied = 0
    with transaction.atomic(using=using):
        for client_id in sorted({stone["client_id"] for stone in stones}):
            key = DataKey.objects.using(using).filter(client_id=client_id).first()
            client = Client.objects.using(using).filter(pk=client_id).first()  # id not from a request: a tombstone
            already = (key is None or key.wrapped is None) and (
                client is None or (client.preferred_name == ERASED_NAME and client.user_id is None)
            )
            if key is not None and key.wrapped is not None:
                DataKey.objects.using(using).filter(pk=key.pk).update(
                    wrapped=None, destroyed=key.destroyed or timezone.now()
                )
            if client is not None:
                if client.user_id is not None:
                    User.objects.using(using).filter(pk=client.user_id).update(
                        is_active=False,
                        display_name="Former client",
                        discreet_name="",
                        email=f"erased-{uuid.uuid4().hex}@erased.invalid",
                        password=make_password(None),  # unusable
                    )
                Client.objects.using(using).filter(pk=client_id).update(  # id not from a request: a tombstone
                    preferred_name=ERASED_NAME, pronouns="", user=None
                )
            applied += 0 if already else 1
    return applied
