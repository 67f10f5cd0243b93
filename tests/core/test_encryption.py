import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.test import override_settings

from attune.care.models import Client
from attune.core import crypto, keys
from attune.core.fields import is_erased
from tests.cast import CANARIES

pytestmark = pytest.mark.django_db


def _raw_referral(client_id) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT referral_reason FROM care_client WHERE id = %s",
            [client_id.hex if connection.vendor == "sqlite" else client_id],
        )
        return cursor.fetchone()[0]


def test_plaintext_never_reaches_the_column(cast) -> None:
    dana = cast.client("dana")
    raw = _raw_referral(dana.pk)
    assert raw and "CANARY" not in raw
    assert Client.objects.get(pk=dana.pk).referral_reason.startswith("CANARY-client-referral_reason-")


def test_no_table_holds_a_canary(cast) -> None:
    """Every column of every table, read raw: no canary anywhere (PostgreSQL rows or the SQLite database)."""
    tables = connection.introspection.table_names()
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            text = " ".join(str(value) for row in cursor.fetchall() for value in row)
            assert not any(c in text for c in CANARIES), table


def test_ciphertext_swapped_between_rows_fails_to_decrypt(cast) -> None:
    dana, eli = cast.client("dana"), cast.client("eli")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE care_client SET referral_reason = %s WHERE id = %s",
            [_raw_referral(eli.pk), dana.pk.hex if connection.vendor == "sqlite" else dana.pk],
        )
    with pytest.raises(crypto.DecryptionError):
        _ = Client.objects.get(pk=dana.pk).referral_reason


def test_rotation_rewraps_every_key_and_keeps_rows_readable(cast, tmp_path: Path) -> None:
    before = {c.pk: c.referral_reason for c in Client.objects.all()}
    old_kek, new_kek = keys.current_kek(), crypto.new_key()
    new_file = tmp_path / "new.kek"
    new_file.write_text(crypto.dump_key(new_kek))
    count = keys.rotate(old_kek, new_kek)
    assert count >= len(before)
    with override_settings(ATTUNE_KEK_FILE=new_file):
        assert {c.pk: c.referral_reason for c in Client.objects.all()} == before
    # The old KEK no longer opens anything: the rows depend on the new one only.
    with pytest.raises(crypto.DecryptionError):
        _ = Client.objects.get(pk=cast.client("dana").pk).referral_reason
    keys.rotate(new_kek, old_kek)


def test_shredding_a_client_key_erases_their_text_only(cast) -> None:
    dana, eli = cast.client("dana"), cast.client("eli")
    keys.shred(dana.pk)
    erased = Client.objects.get(pk=dana.pk).referral_reason
    assert is_erased(erased) and erased == ""
    assert Client.objects.get(pk=eli.pk).referral_reason.startswith("CANARY-")
    with pytest.raises(keys.ClientKeyErasedError):
        fresh = Client.objects.get(pk=dana.pk)
        fresh.referral_reason = "new text"
        fresh.save()


def test_encrypted_fields_cannot_be_queried(cast) -> None:
    with pytest.raises(TypeError):
        list(Client.objects.filter(referral_reason="x"))


SCRIPT = """
import django, os
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from attune.care import demo
cast = demo.seed("a-password-for-this-test-only", extra=False)
for client in cast.clients.values():
    client.referral_reason = os.environ["CANARY"] + "-" + client.preferred_name
    client.save()
    client.referral_reason = os.environ["CANARY"] + "-edited-" + client.preferred_name
    client.save()
"""


def test_raw_sqlite_file_and_wal_hold_no_canary(tmp_path: Path) -> None:
    canary = "CANARY-client-referral_reason-rawfile"
    env = {
        **os.environ,
        "ATTUNE_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'raw.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "attune.settings",
        "CANARY": canary,
    }
    # A safety net, not a speed check: 80 migrations on a loaded 2-core machine can take minutes.
    subprocess.run([sys.executable, "-c", SCRIPT], env=env, check=True, timeout=900)
    files = [p for p in tmp_path.iterdir() if p.name.startswith("raw.sqlite3")]
    assert any(p.name.endswith("-wal") for p in files) or files, files
    for path in files:
        assert canary.encode() not in path.read_bytes(), path.name
