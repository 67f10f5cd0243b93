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
from django.utils import timezone

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
