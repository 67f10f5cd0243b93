import contextlib
import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections, transaction

from attune.core import audit, ticks
from attune.core.models import AuditEvent, AuditHead, AuditImmutableError

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")


def _entry(i: int, practice_id: int | None = None) -> audit.Entry:
    return audit.Entry(
        action="R",
        outcome=0,
        agent_id=i,
        agent_role="clinician",
        entity_type="Patient",
        entity_id=str(i),
        practice_id=practice_id,
    )


def _events(n: int, practice_id: int | None = None) -> list[AuditEvent]:
    return audit.record(*[_entry(i, practice_id) for i in range(n)])


def _chain(shard: int) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(shard=shard).order_by("seq"))


@contextlib.contextmanager
def _tamper() -> Iterator[None]:
    """Lift the database's append-only triggers for the length of one tampering test (as an attacker with
    database access could), then put them back."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_auditevent DISABLE TRIGGER USER")
            cursor.execute("ALTER TABLE core_audithead DISABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER core_auditevent_no_update")
            cursor.execute("DROP TRIGGER core_audithead_forward")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("ALTER TABLE core_auditevent ENABLE TRIGGER USER")
                cursor.execute("ALTER TABLE core_audithead ENABLE TRIGGER USER")
            else:
                cursor.execute(
                    "CREATE TRIGGER core_auditevent_no_update BEFORE UPDATE ON core_auditevent "
                    "BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;"
                )
                cursor.execute(
                    "CREATE TRIGGER core_audithead_forward BEFORE UPDATE ON core_audithead "
                    "WHEN NEW.id != OLD.id OR NEW.last_id <= OLD.last_id "
                    "BEGIN SELECT RAISE(ABORT, 'audit chain heads only move forward'); END"
                )


def _sql(sql: str, params: list[object] | None = None) -> None:
    with _tamper(), connection.cursor() as cursor:
        cursor.execute(sql, params or [])


def _rewind_head(shard: int, to: AuditEvent | None) -> None:
    _sql(
        "UPDATE core_audithead SET last_id = %s, last_chain = %s WHERE id = %s",
        [to.seq if to else 0, to.chain if to else "", shard],
    )


def test_intact_trail_verifies() -> None:
    _events(5)
    result = audit.verify()
    assert result.ok and result.checked == AuditEvent.objects.count()
    out = __import__("io").StringIO()
    call_command("audit", "verify", stdout=out)
    assert f"{result.checked} events" in out.getvalue() and "no checkpoint yet" in out.getvalue()


def test_events_of_one_transaction_join_one_chain_at_consecutive_positions() -> None:
    first = _events(2, practice_id=3)
    later = audit.record(_entry(9, practice_id=5), _entry(10))
    shard = first[0].shard
    assert {e.shard for e in first + later} == {shard}
    assert [e.seq for e in first + later] == list(range(first[0].seq, first[0].seq + 4))
    head = AuditHead.objects.get(id=shard)
    assert head.last_id == later[-1].seq and head.last_chain == later[-1].chain


def test_chains_are_chosen_by_practice_then_client_person_or_entity(settings) -> None:
    settings.ATTUNE_AUDIT_SHARDS = 8
    assert [audit.shard_for(_entry(0, practice_id=p)) for p in range(1, 9)] == [2, 3, 4, 5, 6, 7, 8, 1]
    assert audit.shard_for(_entry(5)) == 6
    anonymous = audit.Entry(action="E", outcome=4, agent_id=None, agent_role="none", entity_type="Session")
    assert 1 <= audit.shard_for(anonymous) <= 8
    settings.ATTUNE_AUDIT_SHARDS = 1
    assert {audit.shard_for(_entry(0, practice_id=p)) for p in range(1, 9)} == {1}


def test_modified_row_is_found_at_its_chain_and_position() -> None:
    events = _events(5)
    target = events[2]
    _sql("UPDATE core_auditevent SET entity_id = 'changed' WHERE id = %s", [target.pk])
    result = audit.verify()
    assert not result.ok and (result.chain, result.position) == (target.shard, target.seq)
    with pytest.raises(CommandError, match=f"chain {target.shard} at position {target.seq}"):
        call_command("audit", "verify")


def test_deleted_row_is_found() -> None:
    events = _events(5)
    _sql("DELETE FROM core_auditevent WHERE id = %s", [events[1].pk])
    result = audit.verify()
    assert not result.ok and (result.chain, result.position) == (events[1].shard, events[1].seq)


def test_deleted_last_row_is_found_by_the_head() -> None:
    events = _events(3)
    _sql("DELETE FROM core_auditevent WHERE id = %s", [events[-1].pk])
    result = audit.verify()
    assert not result.ok and result.position == events[-1].seq and "head" in result.problem


def test_inserted_row_is_found() -> None:
    events = _events(4)
    shard, gap = events[0].shard, events[2].seq
    # Make room in the middle by moving the tail up one position, then forge a row into the gap.
    for event in reversed(events[2:]):
        _sql("UPDATE core_auditevent SET seq = seq + 1 WHERE id = %s", [event.pk])
    _sql(
        "INSERT INTO core_auditevent (recorded, action, outcome, agent_id, agent_role, agent_network, entity_type, "
        "entity_id, client_id, purpose, reason, chain, shard, seq) VALUES (%s, 'R', 0, 1, 'clinician', '', "
        "'Patient', 'forged', NULL, '', '', %s, %s, %s)",
        [events[1].recorded, "f" * 64, shard, gap],
    )
    _sql("UPDATE core_audithead SET last_id = last_id + 1 WHERE id = %s", [shard])
    result = audit.verify()
    assert not result.ok and (result.chain, result.position) == (shard, gap)


def test_reordered_rows_are_found() -> None:
    events = _events(4)
    a, b = events[1], events[2]
    _sql("UPDATE core_auditevent SET seq = -1 WHERE id = %s", [a.pk])
    _sql("UPDATE core_auditevent SET seq = %s WHERE id = %s", [a.seq, b.pk])
    _sql("UPDATE core_auditevent SET seq = %s WHERE id = %s", [b.seq, a.pk])
    result = audit.verify()
    assert not result.ok and (result.chain, result.position) == (a.shard, a.seq)


def test_truncated_tail_with_the_head_rewound_is_found_by_the_checkpoint() -> None:
    events = _events(6)
    shard = events[0].shard
    audit.write_checkpoint()
    _sql("DELETE FROM core_auditevent WHERE shard = %s AND seq > %s", [shard, events[2].seq])
    _rewind_head(shard, events[2])
    result = audit.verify()
    assert not result.ok and (result.chain, result.position) == (shard, events[3].seq)
    assert "removed from its end" in result.problem and result.checkpoint.startswith("checkpoint-")
    with pytest.raises(CommandError, match=f"chain {shard} at position {events[3].seq}: .*checkpoint-"):
        call_command("audit", "verify")


def test_deleting_everything_is_found_by_the_checkpoint() -> None:
    events = _events(3)
    audit.write_checkpoint()
    _sql("DELETE FROM core_auditevent")
    _sql("DELETE FROM core_audithead")
    result = audit.verify()
    assert not result.ok and result.checked == 0
    assert result.position == 1 and result.chain is not None and "removed" in result.problem
    assert AuditEvent.objects.count() == 0 and events


def test_a_rewritten_tail_is_found_by_the_checkpoint() -> None:
    """Delete the newest events and append different ones with a valid-looking head: the chain no longer
    passes through the value the checkpoint signed."""
    events = _events(4)
    audit.write_checkpoint()
    last = events[-1]
    _sql("UPDATE core_auditevent SET chain = %s WHERE id = %s", ["0" * 64, last.pk])
    _sql("UPDATE core_audithead SET last_chain = %s WHERE id = %s", ["0" * 64, last.shard])
    result = audit.verify()
    assert not result.ok and result.position == last.seq


def test_a_forged_or_edited_checkpoint_fails_naming_it(tmp_path: Path) -> None:
    _events(2)
    path = audit.write_checkpoint()
    data = json.loads(path.read_text())
    data["count"] += 1
    path.write_text(json.dumps(data))
    result = audit.verify()
    assert not result.ok and path.name in result.problem and "not signed" in result.problem


def test_checkpoints_are_new_files_and_verify_uses_the_newest() -> None:
    _events(2)
    first = audit.write_checkpoint()
    _events(3)
    second = audit.write_checkpoint()
    assert first != second and first.exists() and second.exists()
    assert audit.newest_checkpoint().name == second.name
    result = audit.verify()
    assert result.ok and result.checkpoint == second.name
    assert audit.newest_checkpoint().count == result.checked


def test_no_checkpoint_certifies_a_trail_cut_short_since_the_previous_one() -> None:
    events = _events(5)
    audit.write_checkpoint()
    before = sorted(Path(settings.ATTUNE_AUDIT_CHECKPOINT_DIR).iterdir())
    _sql("DELETE FROM core_auditevent WHERE id = %s", [events[-1].pk])
    _rewind_head(events[0].shard, events[-2])
    with pytest.raises(audit.CheckpointError, match=f"chain {events[0].shard}"):
        audit.write_checkpoint()
    with pytest.raises(CommandError, match="no checkpoint written"):
        call_command("audit", "checkpoint")
    assert sorted(Path(settings.ATTUNE_AUDIT_CHECKPOINT_DIR).iterdir()) == before


def test_the_worker_tick_writes_a_checkpoint() -> None:
    _events(2)
    assert "audit.checkpoint" in ticks.registered()
    from django.utils import timezone

    assert ticks.run(timezone.now())["audit.checkpoint"] is True
    checkpoint = audit.newest_checkpoint()
    assert checkpoint is not None and checkpoint.count == AuditEvent.objects.count()


def test_orm_cannot_change_or_delete_audit_rows() -> None:
    _events(1)
    event = AuditEvent.objects.last()
    with pytest.raises(AuditImmutableError):
        event.save()
    with pytest.raises(AuditImmutableError):
        event.delete()
    with pytest.raises(AuditImmutableError):
        AuditEvent.objects.filter(pk=event.pk).update(entity_id="x")
    with pytest.raises(AuditImmutableError):
        AuditEvent.objects.all().delete()


def test_database_refuses_update_of_audit_rows() -> None:
    _events(1)
    event = AuditEvent.objects.last()
    with pytest.raises(Exception, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET entity_id = 'x' WHERE id = %s", [event.pk])


def test_database_refuses_to_rewind_a_chain_head() -> None:
    events = _events(3)
    with pytest.raises(Exception, match="only move forward"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_audithead SET last_id = last_id - 1 WHERE id = %s", [events[0].shard])


@on_postgresql
@pytest.mark.postgres
def test_postgresql_refuses_delete_and_truncate_of_the_trail() -> None:
    events = _events(1)
    for sql, message in (
        (f"DELETE FROM core_auditevent WHERE id = {events[0].pk}", "append-only"),
        ("TRUNCATE core_auditevent CASCADE", "append-only"),
        (f"DELETE FROM core_audithead WHERE id = {events[0].shard}", "only move forward"),
        ("TRUNCATE core_audithead", "only move forward"),
    ):
        with pytest.raises(Exception, match=message), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)


def test_audit_rows_hold_ids_not_text(cast, client_for) -> None:
    from tests.cast import CANARIES

    client_for(cast.alice).get(f"/clients/{cast.client('dana').pk}/")
    dumped = " ".join(str(v) for row in AuditEvent.objects.values() for v in row.values())
    assert not any(c in dumped for c in CANARIES)
    event = AuditEvent.objects.filter(client_id=cast.client("dana").pk, agent_id=cast.alice.pk).last()
    assert event is not None and event.action == "R" and event.agent_role == "clinician"
    assert event.shard == audit.shard_for(_entry(0, practice_id=cast.client("dana").practice_id))


@pytest.mark.django_db(transaction=True)
def test_each_practice_appends_to_its_own_chain_and_every_chain_is_verified(settings) -> None:
    settings.ATTUNE_AUDIT_SHARDS = 4
    for practice in (1, 2, 3, 4, 5):
        _events(2, practice_id=practice)
    shards = set(AuditEvent.objects.values_list("shard", flat=True))
    assert {1, 2, 3, 4} <= shards
    result = audit.verify()
    assert result.ok and result.chains == len(shards)
    audit.write_checkpoint()
    # Cut one chain short: the others still verify, and the report names the one that was cut.
    victim = _chain(3)
    _sql("DELETE FROM core_auditevent WHERE id = %s", [victim[-1].pk])
    _rewind_head(3, victim[-2])
    result = audit.verify()
    assert not result.ok and (result.chain, result.position) == (3, victim[-1].seq)


@on_postgresql
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_verify_passes_twenty_times_in_a_row_while_writers_append() -> None:
    _events(3, practice_id=1)
    audit.write_checkpoint()
    stop = threading.Event()
    written: list[int] = []

    def writer(practice: int) -> None:
        try:
            while not stop.is_set():
                with transaction.atomic():
                    audit.record(_entry(practice, practice_id=practice), _entry(practice + 1, practice_id=practice))
                    time.sleep(0.002)  # a request's work while it holds its chain's head
                written.append(2)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(p,)) for p in (1, 2, 3, 4)]
    for thread in threads:
        thread.start()
    try:
        results = []
        for _ in range(20):
            results.append(audit.verify())
            audit.write_checkpoint()
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    assert [r.problem for r in results if not r.ok] == []
    assert sum(written) > 0 and results[-1].checked > results[0].checked - 1
    assert audit.verify().ok
