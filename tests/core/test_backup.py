"""Backups that prove themselves: a manifest with checksums, row counts, chain heads, key fingerprints and
tombstones; a restore that checks all of it and re-applies erasures made since; scheduled backups with retention."""

import io
import json
import uuid
from datetime import timedelta
from pathlib import Path

import psycopg
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from attune.core import audit, backup, crypto, keys
from attune.core.models import AuditEvent, DataKey

# Transactional: a backup copies what is committed, as it does for a running deployment.
pytestmark = pytest.mark.django_db(transaction=True)
on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
on_sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite backup")


def _some_history() -> list[str]:
    clients = [str(uuid.uuid4()) for _ in range(3)]
    for practice, client in enumerate(clients, start=1):
        keys.data_key(client, create=True)
        audit.record(
            audit.Entry(
                action="C",
                outcome=0,
                agent_id=practice,
                agent_role="clinician",
                entity_type="Patient",
                entity_id=client,
                practice_id=practice,
            )
        )
    keys.shred(clients[0])
    return clients


@pytest.fixture
def scratch_url(tmp_path: Path):
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    name = f"attune_restore_{uuid.uuid4().hex[:8]}"
    admin = "postgresql://postgres@127.0.0.1:5432/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgres://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_backup_restores_into_a_scratch_database_and_verifies(tmp_path: Path, scratch_url: str) -> None:
    clients = _some_history()
    folder = backup.backup(tmp_path / "backups")
    manifest = json.loads((folder / backup.MANIFEST).read_text())
    (database,) = manifest["files"]
    assert manifest["files"][database] == backup.sha256_of(folder / database)
    assert manifest["rows"]["core_auditevent"] == AuditEvent.objects.count()
    assert manifest["rows"]["core_datakey"] == DataKey.objects.count()
    assert {int(s): v["count"] for s, v in manifest["chains"].items()} == {
        s: st.count for s, st in audit.verify().heads.items()
    }
    assert manifest["keys"] == {"kek": crypto.key_id(keys.current_kek()), "audit": crypto.key_id(keys.audit_key())}
    text = (folder / backup.MANIFEST).read_text()
    assert keys.current_kek().hex() not in text and keys.audit_key().hex() not in text
    erased = [t["client_id"] for t in manifest["tombstones"]["data-keys"]]
    assert clients[0] in erased and clients[1] not in erased

    # An erasure made after the backup must not come back with the restore.
    keys.shred(clients[1])
    out = io.StringIO()
    call_command("restore", str(folder), "--into", scratch_url, "--verify", stdout=out)
    assert f"{manifest['rows']['core_auditevent']} audit events" in out.getvalue()
    assert "data-keys: 1" in out.getvalue()


def test_restore_re_applies_erasures_made_since_the_backup(tmp_path: Path, scratch_url: str) -> None:
    clients = _some_history()
    folder = backup.backup(tmp_path)
    keys.shred(clients[2])
    report = backup.restore(folder, scratch_url, verify=True)
    assert report.tombstones_applied["data-keys"] == 1
    backup._open_alias({**backup.dj_database_url.parse(scratch_url), "OPTIONS": {}})
    try:
        erased = set(
            DataKey.objects.using(backup.RESTORE_ALIAS).filter(wrapped__isnull=True).values_list("client_id", flat=True)
        )
    finally:
        backup._drop_alias()
    assert {clients[0], clients[2]} <= {str(c) for c in erased} and clients[1] not in {str(c) for c in erased}


def test_a_flipped_byte_fails_naming_the_file(tmp_path: Path, scratch_url: str) -> None:
    _some_history()
    folder = backup.backup(tmp_path)
    (database,) = json.loads((folder / backup.MANIFEST).read_text())["files"]
    data = bytearray((folder / database).read_bytes())
    data[len(data) // 2] ^= 0x01
    (folder / database).write_bytes(bytes(data))
    with pytest.raises(CommandError, match=f"{database} does not match its sha256"):
        call_command("restore", str(folder), "--into", scratch_url, "--verify")


def test_an_edited_manifest_fails(tmp_path: Path, scratch_url: str) -> None:
    _some_history()
    folder = backup.backup(tmp_path)
    manifest = json.loads((folder / backup.MANIFEST).read_text())
    manifest["rows"]["core_auditevent"] -= 1
    (folder / backup.MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(backup.BackupError, match=r"manifest\.json is not signed"):
        backup.restore(folder, scratch_url)


@on_sqlite
def test_restore_refuses_to_overwrite_a_database(tmp_path: Path) -> None:
    _some_history()
    folder = backup.backup(tmp_path / "b")
    existing = tmp_path / "live.sqlite3"
    existing.write_bytes(b"something")
    with pytest.raises(backup.BackupError, match="already exists"):
        backup.restore(folder, f"sqlite:///{existing}")


def test_scheduled_backups_are_off_by_default_and_keep_the_newest(settings, tmp_path: Path) -> None:
    _some_history()
    now = timezone.now()
    assert settings.ATTUNE_BACKUP_DIR == ""
    assert backup.scheduled_tick(now) is None
    settings.ATTUNE_BACKUP_DIR = str(tmp_path)
    settings.ATTUNE_BACKUP_EVERY_MINUTES = 60
    settings.ATTUNE_BACKUP_KEEP = 2
    first = backup.scheduled_tick(now)
    assert first is not None and backup.scheduled_tick(now + timedelta(minutes=10)) is None
    second = backup.scheduled_tick(now + timedelta(minutes=61))
    third = backup.scheduled_tick(now + timedelta(minutes=122))
    assert backup.backups_in(tmp_path) == [second, third]
    assert not first.exists()


def test_backup_command_names_the_folder(tmp_path: Path) -> None:
    _some_history()
    out = io.StringIO()
    call_command("backup", str(tmp_path), stdout=out)
    (folder,) = backup.backups_in(tmp_path)
    assert str(folder) in out.getvalue()


@on_postgresql
@pytest.mark.postgres
def test_postgresql_backup_is_a_custom_format_dump(tmp_path: Path) -> None:
    _some_history()
    folder = backup.backup(tmp_path)
    assert (folder / "database.dump").read_bytes()[:5] == b"PGDMP"
