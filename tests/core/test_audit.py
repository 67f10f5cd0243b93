import contextlib
from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from attune.core import audit
from attune.core.models import AuditEvent, AuditHead, AuditImmutableError

pytestmark = pytest.mark.django_db


def _events(n: int) -> None:
    audit.record(
        *[
            audit.Entry(
                action="R",
                outcome=0,
                agent_id=i,
                agent_role="clinician",
                entity_type="Patient",
                entity_id=str(i),
            )
            for i in range(n)
        ]
    )


@contextlib.contextmanager
def _tamper() -> Iterator[None]:
    """Lift the database's append-only trigger for the length of one tampering test (as an attacker with
    database access could), then put it back."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_append_only")
        else:
            cursor.execute("DROP TRIGGER core_auditevent_no_update")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("ALTER TABLE core_auditevent ENABLE TRIGGER core_auditevent_append_only")
            else:
                cursor.execute(
                    "CREATE TRIGGER core_auditevent_no_update BEFORE UPDATE ON core_auditevent "
                    "BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;"
                )


def _base() -> int:
    return AuditEvent.objects.count()


def test_intact_chain_verifies() -> None:
    _events(5)
    result = audit.verify()
    assert result.ok and result.checked == AuditEvent.objects.count()
    call_command("audit", "verify")


def test_modified_row_is_found_at_its_position() -> None:
    base = _base()
    _events(5)
    target = AuditEvent.objects.order_by("id")[base + 2]
    with _tamper(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET entity_id = 'changed' WHERE id = %s", [target.pk])
    result = audit.verify()
    assert not result.ok and result.position == base + 3
    with pytest.raises(CommandError, match=f"position {base + 3}"):
        call_command("audit", "verify")


def test_deleted_row_is_found() -> None:
    base = _base()
    _events(5)
    target = AuditEvent.objects.order_by("id")[base + 1]
    with _tamper(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [target.pk])
    result = audit.verify()
    assert not result.ok and result.position == base + 2


def test_deleted_last_row_is_found() -> None:
    _events(3)
    last = AuditEvent.objects.order_by("-id").first()
    with _tamper(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [last.pk])
    assert not audit.verify().ok


def test_inserted_row_is_found() -> None:
    base = _base()
    _events(4)
    # Make room in the middle by moving the tail up one id, then forge a row into the gap.
    rows = list(AuditEvent.objects.order_by("-id")[:2])
    gap = rows[-1].pk
    with _tamper(), connection.cursor() as cursor:
        for row in rows:
            cursor.execute("UPDATE core_auditevent SET id = id + 1 WHERE id = %s", [row.pk])
        forged = AuditEvent.objects.get(pk=gap + 1)
        cursor.execute(
            "INSERT INTO core_auditevent (id, recorded, action, outcome, agent_id, agent_role, agent_network, "
            "entity_type, entity_id, client_id, purpose, reason, chain) VALUES (%s, %s, 'R', 0, 1, 'clinician', '', "
            "'Patient', 'forged', NULL, '', '', %s)",
            [gap, forged.recorded, "f" * 64],
        )
    AuditHead.objects.filter(id=1).update(last_id=base + 5)
    result = audit.verify()
    assert not result.ok and result.position == gap


def test_reordered_rows_are_found() -> None:
    base = _base()
    _events(4)
    a, b = AuditEvent.objects.order_by("id")[base + 1 : base + 3]
    with _tamper(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET id = -1 WHERE id = %s", [a.pk])
        cursor.execute("UPDATE core_auditevent SET id = %s WHERE id = %s", [a.pk, b.pk])
        cursor.execute("UPDATE core_auditevent SET id = %s WHERE id = -1", [b.pk])
    result = audit.verify()
    assert not result.ok and result.position == base + 2


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


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the DELETE trigger is PostgreSQL's")
def test_postgresql_refuses_delete_of_audit_rows() -> None:
    _events(1)
    event = AuditEvent.objects.last()
    with pytest.raises(Exception, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [event.pk])


def test_audit_rows_hold_ids_not_text(cast, client_for) -> None:
    from tests.cast import CANARIES

    client_for(cast.alice).get(f"/clients/{cast.client('dana').pk}/")
    dumped = " ".join(str(v) for row in AuditEvent.objects.values() for v in row.values())
    assert not any(c in dumped for c in CANARIES)
    event = AuditEvent.objects.filter(client_id=cast.client("dana").pk, agent_id=cast.alice.pk).last()
    assert event is not None and event.action == "R" and event.agent_role == "clinician"
