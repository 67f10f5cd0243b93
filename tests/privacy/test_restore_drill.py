"""The restore drill re-applies erasures: a backup taken before a client's erasure, restored afterwards, comes back
with the client's key destroyed, their name cleared and their portal account closed, from the tombstone files the
erasure left outside the database."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from django.db import connection

from attune.accounts.models import User
from attune.care.models import Client, Practice
from attune.care.services import ERASED_NAME
from attune.core import backup, keys
from attune.core.models import DataKey
from attune.privacy import tombstones

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite drill; PostgreSQL is in tests/core"),
]


def test_a_backup_from_before_an_erasure_is_erased_again_on_restore(settings, tmp_path: Path) -> None:
    settings.ATTUNE_TOMBSTONE_DIR = tmp_path / "tombstones"
    practice = Practice.objects.create(name="Drill", slug=f"drill-{uuid.uuid4().hex[:6]}")
    account = User.objects.create_user(email="drill@example.org", password=uuid.uuid4().hex, display_name="Drill")
    client = Client.objects.create(practice=practice, preferred_name="Robin", pronouns="they/them", user=account)
    keys.data_key(client.pk, create=True)
    folder = backup.backup(tmp_path / "backups")

    # The erasure, after the backup: the key destroyed, the name cleared, a tombstone file written.
    keys.shred(client.pk)
    Client.objects.filter(pk=client.pk).update(preferred_name=ERASED_NAME, pronouns="", user=None)
    tombstones.write(client.pk)
    assert tombstones.collect("default") == [{"client_id": str(client.pk)}]

    report = backup.restore(folder, f"sqlite:///{tmp_path / 'restored.sqlite3'}", verify=True)
    assert report.tombstones_applied["erased-clients"] == 1
    backup._open_alias({**backup.dj_database_url.parse(f"sqlite:///{tmp_path / 'restored.sqlite3'}"), "OPTIONS": {}})
    try:
        restored = Client.objects.using(backup.RESTORE_ALIAS).get(pk=client.pk)
        key = DataKey.objects.using(backup.RESTORE_ALIAS).get(client_id=client.pk)
        person = User.objects.using(backup.RESTORE_ALIAS).get(pk=account.pk)
        assert (restored.preferred_name, restored.pronouns, restored.user_id) == (ERASED_NAME, "", None)
        assert key.wrapped is None
        assert not person.is_active and person.email.endswith("@erased.invalid") and not person.has_usable_password()
        # Applying again changes nothing: the drill can be run as often as wanted.
        assert tombstones.apply(backup.RESTORE_ALIAS, [{"client_id": str(client.pk)}]) == 0
    finally:
        backup._drop_alias()
