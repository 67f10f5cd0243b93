"""The read replica router: capability records may be read from the replica; policy, audit, accounts and anything
read after a write come from the primary. Tested with a second database that plays the replica (a copy of the
primary taken before the writes, so a read that reached it is visible by what it lacks)."""

import sqlite3
import uuid
from pathlib import Path

import pytest
from django.db import connection, connections
from django.db.utils import load_backend
from django.test import Client

from attune.care.models import Client as ClientRecord
from attune.core import replica
from attune.core.models import AuditEvent
from attune.diary.models import DiaryEntry

pytestmark = pytest.mark.django_db
router = replica.ReplicaRouter()


@pytest.fixture
def unpinned():
    token = replica._pinned.set(False)
    yield
    replica._pinned.reset(token)


def test_without_a_replica_everything_reads_the_primary(settings, unpinned) -> None:
    settings.DATABASE_REPLICA_URL = ""
    assert router.db_for_read(DiaryEntry) == "default"


def test_with_a_replica_only_capability_records_are_read_there(settings, unpinned) -> None:
    settings.DATABASE_REPLICA_URL = "postgres://replica.invalid/attune"
    assert router.db_for_read(DiaryEntry) == "replica"
    for model in (ClientRecord, AuditEvent):
        assert router.db_for_read(model) == "default"
    from attune.accounts.models import User
    from attune.core.models import SharingGrant

    assert router.db_for_read(User) == router.db_for_read(SharingGrant) == "default"
    assert router.db_for_write(DiaryEntry) == "default"
    # After a write, the rest of the request reads what it wrote.
    assert router.db_for_read(DiaryEntry) == "default"
    assert router.allow_migrate("replica", "diary") is False and router.allow_migrate("default", "diary") is True


def test_an_unsafe_request_pins_the_browser_to_the_primary_for_a_moment(settings, cast, client_for) -> None:
    settings.DATABASE_REPLICA_URL = "postgres://replica.invalid/attune"
    browser = client_for(cast.dana)
    response = browser.post("/account/sign-out/")
    cookie = response.cookies[replica.PIN_COOKIE]
    assert cookie["max-age"] == settings.ATTUNE_REPLICA_PIN_SECONDS and cookie["httponly"]
    assert replica.PIN_COOKIE not in Client().get("/account/sign-in/").cookies


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the replica is a copy of the SQLite test database")
def test_reads_reach_the_second_database_until_a_write_pins_the_primary(settings, cast, tmp_path: Path) -> None:
    copy = tmp_path / "replica.sqlite3"
    target = sqlite3.connect(copy)
    # A copy of the primary as it is now (the test's own connection holds a transaction, so it is dumped as SQL).
    target.executescript("\n".join(connection.connection.iterdump()))
    target.close()
    backend = load_backend(connection.settings_dict["ENGINE"])
    connections["replica"] = backend.DatabaseWrapper({**connection.settings_dict, "NAME": str(copy)}, "replica")
    settings.DATABASE_REPLICA_URL = f"sqlite:///{copy}"
    dana = cast.client("dana")
    token = replica._pinned.set(False)
    try:
        before = DiaryEntry.objects.filter(client_id=dana.pk).count()
        DiaryEntry.objects.using("default").create(
            client_id=dana.pk, key=uuid.uuid4(), fingerprint="f" * 64, trigger_kind="place", distress_before=10
        )
        replica._pinned.set(False)  # a new request, not pinned by that write
        # The replica has not seen the new entry yet; the primary has.
        assert DiaryEntry.objects.filter(client_id=dana.pk).count() == before
        assert DiaryEntry.objects.using("default").filter(client_id=dana.pk).count() == before + 1
        # Policy reads are never stale: the client record comes from the primary.
        assert ClientRecord.objects.filter(pk=dana.pk).db == "default"
        replica.pin()
        assert DiaryEntry.objects.filter(client_id=dana.pk).count() == before + 1
    finally:
        replica._pinned.reset(token)
        connections["replica"].close()
        del connections["replica"]
