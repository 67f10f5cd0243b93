"""PostgreSQL: the application's runtime role cannot rewrite the audit trail, only append to it through the
owner's append function (core migration 0005, `attune grant_app_role`).

The suite connects as a superuser (CI's trust user); these tests create an ordinary role, `attune_app`, grant it
the application's rights, and act as it through a second connection."""

import io
import json
from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections, transaction
from django.db.utils import DatabaseError, load_backend

from attune.core import audit
from attune.core.models import AuditEvent, AuditHead

APP_ROLE = "attune_app"

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="roles are a PostgreSQL matter"),
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]


def _entry(i: int, practice_id: int = 3) -> audit.Entry:
    return audit.Entry(
        action="R", outcome=0, agent_id=i, agent_role="clinician", entity_type="Patient", practice_id=practice_id
    )


@pytest.fixture
def as_app_role() -> Iterator[None]:
    """For the length of the test, Django's default connection is the application's role, not the owner."""
    with connection.cursor() as cursor:
        # Several test processes may create it at once; the role is shared by the server's databases.
        cursor.execute(
            f"DO $$ BEGIN CREATE ROLE {APP_ROLE} LOGIN; "
            "EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"
        )
    call_command("grant_app_role", APP_ROLE, stdout=io.StringIO())
    owner = connections["default"]
    backend = load_backend(owner.settings_dict["ENGINE"])
    app = backend.DatabaseWrapper({**owner.settings_dict, "USER": APP_ROLE, "PASSWORD": ""}, "default")
    connections["default"] = app
    try:
        with app.cursor() as cursor:
            cursor.execute("SELECT current_user")
            assert cursor.fetchone()[0] == APP_ROLE
        yield
    finally:
        app.close()
        connections["default"] = owner


def _refused(statement: str, params: list[object] | None = None) -> str:
    with pytest.raises(DatabaseError) as caught, transaction.atomic(), connections["default"].cursor() as cursor:
        cursor.execute(statement, params)
    return str(caught.value)


def test_the_app_role_appends_only_through_the_function(as_app_role) -> None:
    with transaction.atomic():
        first = audit.record(_entry(1), _entry(2))
        # The transaction's next append reuses the head it holds (one round trip) and joins the same chain.
        second = audit.record(_entry(3, practice_id=5))
    with transaction.atomic():
        third = audit.record(_entry(4))
    shard = first[0].shard
    assert [e.seq for e in (*first, *second, *third)] == [1, 2, 3, 4]
    assert {e.shard for e in (*first, *second, *third)} == {shard}
    assert all(e.pk for e in (*first, *second, *third))
    head = AuditHead.objects.get(id=shard)
    assert (head.last_id, head.last_chain) == (4, third[-1].chain)
    assert audit.verify().ok

    # The head moves only through the function: by hand it is refused, in any direction.
    for statement in (
        "UPDATE core_audithead SET last_id = last_id + 1",
        "UPDATE core_audithead SET last_id = 0, last_chain = ''",
        "DELETE FROM core_audithead",
        "TRUNCATE core_audithead",
        "INSERT INTO core_audithead (id, last_id, last_chain) VALUES (999, 0, '')",
    ):
        assert "permission denied" in _refused(statement), statement
    # Events cannot be written, changed, deleted or truncated by hand either.
    for statement in (
        "DELETE FROM core_auditevent",
        "TRUNCATE core_auditevent",
        "UPDATE core_auditevent SET entity_id = 'x'",
        "INSERT INTO core_auditevent (recorded, action, outcome, agent_role, agent_network, entity_type, entity_id,"
        " purpose, reason, chain, shard, seq) VALUES (now(), 'R', 0, 'x', '', 'x', '', '', '', 'x', 1, 99)",
    ):
        assert "permission denied" in _refused(statement), statement
    assert AuditEvent.objects.count() == 4 and audit.verify().ok


def test_the_function_refuses_a_stale_head_and_events_out_of_order(as_app_role) -> None:
    with transaction.atomic():
        events = audit.record(_entry(1), _entry(2))
    shard, last = events[0].shard, events[-1]
    row = {
        "recorded": "2026-01-01T00:00:00+00:00",
        "action": "R",
        "outcome": 0,
        "agent_id": None,
        "agent_role": "x",
        "agent_network": "",
        "entity_type": "x",
        "entity_id": "",
        "client_id": None,
        "purpose": "",
        "reason": "",
        "chain": "a" * 64,
    }
    with transaction.atomic(), connections["default"].cursor() as cursor:
        # A writer that read the head before another moved it: nothing is written (NULL), the head stays.
        cursor.execute(
            "SELECT attune_audit_append(%s, %s, %s, %s::jsonb)", [shard, 0, "", json.dumps([{**row, "seq": 1}])]
        )
        assert cursor.fetchone()[0] is None
        cursor.execute(
            "SELECT attune_audit_append(%s, %s, %s, %s::jsonb)",
            [shard, 2, "b" * 64, json.dumps([{**row, "seq": 3}])],
        )
        assert cursor.fetchone()[0] is None
    # Positions that do not follow the head are refused.
    message = _refused(
        "SELECT attune_audit_append(%s, %s, %s, %s::jsonb)", [shard, 2, last.chain, json.dumps([{**row, "seq": 7}])]
    )
    assert "must follow position 2" in message
    head = AuditHead.objects.get(id=shard)
    assert (head.last_id, head.last_chain) == (2, last.chain)
    assert AuditEvent.objects.count() == 2 and audit.verify().ok


def test_a_superuser_or_the_owner_is_not_accepted_as_the_app_role() -> None:
    with pytest.raises(CommandError, match="superuser"):
        call_command("grant_app_role", connection.settings_dict["USER"] or "postgres")
    with pytest.raises(CommandError, match="no role"):
        call_command("grant_app_role", "attune_no_such_role")


def test_only_granted_roles_may_call_the_append_functions() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p.proname FROM pg_proc p WHERE p.proname LIKE 'attune_audit_%%' AND p.prosecdef "
            "AND has_function_privilege('public', p.oid, 'EXECUTE')"
        )
        assert cursor.fetchall() == []
        cursor.execute("SELECT count(*) FROM pg_proc WHERE proname IN ('attune_audit_head', 'attune_audit_append')")
        assert cursor.fetchone()[0] == 2
