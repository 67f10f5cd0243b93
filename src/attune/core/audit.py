"""The audit trail: every access to client data, permitted or denied, as a tamper-evident hash chain.

Each event's chain value is h_n = HMAC(k, h_(n-1) || canonical(entry_n)) with k read from a file outside the
database. Writers lock the single AuditHead row, so events are chained in commit order on PostgreSQL and on
SQLite (where IMMEDIATE transactions already serialise writers). `verify()` recomputes the chain from the rows
alone and never trusts a stored hash.
"""

from __future__ import annotations

import contextvars
import hashlib
import hmac
import json
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from attune.core import keys
from attune.core.models import AuditEvent, AuditHead

GENESIS = "0" * 64


@dataclass(frozen=True)
class RequestInfo:
    network: str = ""


_NO_REQUEST = RequestInfo()
_request_info: contextvars.ContextVar[RequestInfo] = contextvars.ContextVar("attune_request_info", default=_NO_REQUEST)


def set_request_info(info: RequestInfo) -> contextvars.Token[RequestInfo]:
    return _request_info.set(info)


def reset_request_info(token: contextvars.Token[RequestInfo]) -> None:
    _request_info.reset(token)


@dataclass(frozen=True)
class Entry:
    action: str
    outcome: int
    agent_id: int | None
    agent_role: str
    entity_type: str
    entity_id: str = ""
    client_id: uuid.UUID | None = None
    purpose: str = ""
    reason: str = ""


def canonical(event: AuditEvent) -> bytes:
    """The bytes the chain signs: every column but the chain itself, in a fixed order and format."""
    recorded: datetime = event.recorded
    fields = [
        event.pk,
        recorded.astimezone(UTC).isoformat(timespec="microseconds"),
        event.action,
        int(event.outcome),
        event.agent_id,
        event.agent_role,
        event.agent_network,
        event.entity_type,
        event.entity_id,
        str(event.client_id) if event.client_id else None,
        event.purpose,
        event.reason,
    ]
    return json.dumps(fields, separators=(",", ":"), ensure_ascii=True).encode()


def link(key: bytes, previous: str, event: AuditEvent) -> str:
    return hmac.new(key, previous.encode() + b"\x1e" + canonical(event), hashlib.sha256).hexdigest()


def record(*entries: Entry) -> list[AuditEvent]:
    """Append events to the chain inside the caller's transaction (or a new one)."""
    if not entries:
        return []
    key = keys.audit_key()
    network = _request_info.get().network
    now = timezone.now()
    # Inside a caller's transaction no savepoint is needed: the events commit or roll back with the change.
    with transaction.atomic(savepoint=False):
        head, _ = AuditHead.objects.select_for_update().get_or_create(id=1)
        previous, next_id = head.last_chain or GENESIS, head.last_id + 1
        events = []
        for entry in entries:
            event = AuditEvent(
                id=next_id,
                recorded=now,
                action=entry.action,
                outcome=entry.outcome,
                agent_id=entry.agent_id,
                agent_role=entry.agent_role,
                agent_network=network,
                entity_type=entry.entity_type,
                entity_id=entry.entity_id,
                client_id=entry.client_id,
                purpose=entry.purpose,
                reason=entry.reason,
            )
            event.chain = previous = link(key, previous, event)
            events.append(event)
            next_id += 1
        AuditEvent.objects.bulk_create(events)
        AuditHead.objects.filter(id=1).update(last_id=next_id - 1, last_chain=previous)
    return events


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    position: int | None = None
    problem: str = ""


def _rows(batch: int = 5000) -> Iterator[Any]:
    yield from AuditEvent.objects.order_by("id").values().iterator(chunk_size=batch)


def verify(rows: Iterable[dict[str, Any]] | None = None) -> VerifyResult:
    """Recompute the chain from the rows. Position is 1-based: the n-th row in id order.

    A modified row breaks its own link; a deleted row leaves a gap in the ids and breaks the next link; an
    inserted row breaks its own link (it cannot be signed without the key); reordered rows break the first link
    whose predecessor changed. The tail is checked against the head row, so truncation is caught too.
    """
    key = keys.audit_key()
    previous, expected_id, checked = GENESIS, 1, 0
    for position, row in enumerate(rows if rows is not None else _rows(), start=1):
        event = AuditEvent(**row)
        if event.pk != expected_id:
            return VerifyResult(False, checked, position, f"expected event #{expected_id}, found #{event.pk}")
        computed = link(key, previous, event)
        if not hmac.compare_digest(computed, event.chain):
            return VerifyResult(False, checked, position, f"event #{event.pk} does not match the chain")
        previous, expected_id, checked = computed, expected_id + 1, checked + 1
    head = AuditHead.objects.filter(id=1).first()
    if head is not None and head.last_id != checked:
        return VerifyResult(False, checked, checked + 1, f"the chain ends at #{checked}, head says #{head.last_id}")
    if head is not None and checked and not hmac.compare_digest(head.last_chain, previous):
        return VerifyResult(False, checked, checked, "the last event does not match the chain head")
    return VerifyResult(True, checked)
