"""The read replica router: capability records may be read from the replica; policy, audit, accounts and anything
read after a write come from the primary. Tested with a second database that plays the replica (a copy of the
primary taken before the writes, so a read that reached it is visible by what it lacks)."""

import os
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection, connections, transaction
from django.db.utils import load_backend
from django.test import Client

from attune.care.models import Client as ClientRecord
from attune.core import audit, replica
from attune.core.models import AuditEvent, SharingGrant
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
    # Bookkeeping writes to tables always read on the primary (a token's last use, the audit trail) do not pin.
    assert router.db_for_write(User) == router.db_for_write(AuditEvent) == "default"
    assert router.db_for_read(DiaryEntry) == "replica"
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


@pytest.fixture
def postgresql_replica(settings) -> Iterator[str]:
    """A second PostgreSQL database on the same server playing the replica: a copy of the test database as it is
    at the start of the test (the standing cast), which never receives the test's writes, like a replica that
    has not caught up yet. A read that reached it is visible by what it lacks."""
    primary = connections["default"]
    name = f"attune_replica_{os.getpid()}"
    admin = {**primary.settings_dict, "NAME": "postgres"}
    backend = load_backend(primary.settings_dict["ENGINE"])
    primary.close()  # a database is copied only while no one is connected to it
    server = backend.DatabaseWrapper(admin, "replica_admin")
    with server.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE "{primary.settings_dict["NAME"]}"')
    connections["replica"] = backend.DatabaseWrapper({**primary.settings_dict, "NAME": name}, "replica")
    settings.DATABASE_REPLICA_URL = f"postgres://{admin.get('HOST') or 'localhost'}/{name}"
    try:
        yield name
    finally:
        connections["replica"].close()
        del connections["replica"]
        with server.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        server.close()


def _entry_body() -> dict[str, object]:
    return {"key": str(uuid.uuid4()), "trigger_kind": "place", "distress_before": 40, "trigger_words": "A door"}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the replica is a second PostgreSQL database")
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_second_postgresql_database_serves_reads_while_policy_audit_and_fresh_writes_stay_on_the_primary(
    postgresql_replica, cast, api_for
) -> None:
    dana = cast.client("dana")
    url = f"/api/v1/clients/{dana.pk}/diary/entries"
    in_copy = DiaryEntry.objects.using("replica").filter(client_id=dana.pk).count()
    DiaryEntry.objects.using("default").create(
        client_id=dana.pk, key=uuid.uuid4(), fingerprint="f" * 64, trigger_kind="place", distress_before=10
    )
    token = replica._pinned.set(False)
    try:
        # A fresh request that has written nothing: the diary list is read from the replica (without the entry).
        assert DiaryEntry.objects.filter(client_id=dana.pk).count() == in_copy
        assert DiaryEntry.objects.using("default").filter(client_id=dana.pk).count() == in_copy + 1
        # The policy and the audit trail read the primary: rows written after the copy are found.
        grant = SharingGrant.objects.using("default").create(
            client_id=dana.pk, grantee_role="care_team", category=SharingGrant.Category.REFERRAL
        )
        assert SharingGrant.objects.filter(pk=grant.pk).exists()
        assert not SharingGrant.objects.using("replica").filter(pk=grant.pk).exists()
        assert ClientRecord.objects.filter(pk=dana.pk).db == "default"
        with transaction.atomic():
            audit.record(audit.Entry(action="R", outcome=0, agent_id=1, agent_role="clinician", entity_type="x"))
        replica._pinned.set(False)
        events = AuditEvent.objects.count()
        assert events == AuditEvent.objects.using("default").count() > AuditEvent.objects.using("replica").count()
    finally:
        replica._pinned.reset(token)

    # Through the API (the token itself was made after the copy: accounts read the primary).
    browser = api_for(cast.dana)
    listed = browser.get(url)
    assert listed.status_code == 200, listed.content
    assert len(listed.json()["items"]) == in_copy  # the replica's view
    saved = browser.post(url, _entry_body(), content_type="application/json")
    assert saved.status_code in (200, 201), saved.content
    assert replica.PIN_COOKIE in saved.cookies
    # The same browser, right after its write, reads the primary: its new entry and the earlier one are there.
    again = browser.get(url)
    assert len(again.json()["items"]) == in_copy + 2
    # Nothing was ever written to the replica.
    assert DiaryEntry.objects.using("replica").filter(client_id=dana.pk).count() == in_copy
