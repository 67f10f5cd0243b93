"""The audit trail: every access to client data and every security event, permitted or denied, as tamper-evident
hash chains, anchored by signed checkpoints kept outside the database.

**Chains.** Events are appended to one of ATTUNE_AUDIT_SHARDS chains, chosen by the practice (or, when the writer
does not know the practice, by the client, the person or the entity), so the practices of a network append side
by side instead of queueing on one lock. Each chain has its own head row (`AuditHead`, id = chain number); a
writer locks only that row. All the events of one transaction go to the chain its first event chose, so a
transaction holds at most one head lock and two transactions can never deadlock on heads.

Each event's chain value is h_n = HMAC(k, h_(n-1) || canonical(entry_n)) with k read from a file outside the
database; the canonical form covers the chain number and the position, so an event cannot be moved.

On PostgreSQL the application's role cannot write the audit tables: it appends through the owner's functions
(core migration 0005, `attune grant_app_role`), which lock the head, check that the events follow it, insert them
and move the head in one call. SQLite writes through the ORM.

**Verification** (`verify()`) recomputes every chain from the rows in one snapshot (REPEATABLE READ on
PostgreSQL, one read transaction on SQLite), compares each chain with its head, and then with the newest signed
checkpoint: a checkpoint records each chain's length and last value at a moment, signed with the audit key, in an
append-only directory. Deleting the newest events and rewinding the head, or deleting everything, leaves a chain
shorter than (or different from) what the checkpoint saw, and verification names the chain and the position.

**Checkpoints** are written by the worker's tick every minute (`write_checkpoint()`); a checkpoint is only written
after the events added since the previous one are checked to link on from it, so a checkpoint never certifies a
trail that was cut short in between.
"""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
import hmac
import json
import logging
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import F, Q
from django.utils import timezone

from attune.core import keys
from attune.core.models import AuditEvent, AuditHead

GENESIS = "0" * 64
CHECKPOINT_PREFIX = "checkpoint-"

logger = logging.getLogger("attune.audit")


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
    # The practice whose chain the event joins; not stored (the chain number is), only used to choose it.
    practice_id: int | None = None


# --- the chain ---------------------------------------------------------------------------------------------


def position_of(event: AuditEvent) -> int:
    """An event's position in its chain (events written before chains were sharded: their id)."""
    return int(event.seq if event.seq is not None else event.pk)


def canonical(event: AuditEvent) -> bytes:
    """The bytes the chain signs: every column but the chain itself (and the row id, which the database assigns
    at insert), in a fixed order and format. Events from before sharding keep their original form."""
    recorded: datetime = event.recorded
    common = [
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
    fields: list[Any] = [event.pk, *common] if event.seq is None else ["v2", event.shard, event.seq, *common]
    return json.dumps(fields, separators=(",", ":"), ensure_ascii=True).encode()


def link(key: bytes, previous: str, event: AuditEvent) -> str:
    return hmac.new(key, previous.encode() + b"\x1e" + canonical(event), hashlib.sha256).hexdigest()


def shard_count() -> int:
    return max(1, int(settings.ATTUNE_AUDIT_SHARDS))


def shard_for(entry: Entry) -> int:
    """The chain (1..ATTUNE_AUDIT_SHARDS) an event joins: its practice's, or one chosen by client, person or
    entity when the writer does not know the practice (sign-ins, anonymous attempts)."""
    count = shard_count()
    if entry.practice_id is not None:
        return 1 + int(entry.practice_id) % count
    if entry.client_id is not None:
        return 1 + uuid.UUID(str(entry.client_id)).int % count
    if entry.agent_id is not None:
        return 1 + int(entry.agent_id) % count
    digest = hashlib.sha256(f"{entry.entity_type}\x1f{entry.entity_id}".encode()).digest()
    return 1 + int.from_bytes(digest[:8], "big") % count


class _Pin:
    """Registered with on_commit in a transaction that has written audit events: it remembers their chain, so
    the rest of the transaction's events join it. Django drops it when the transaction (or the savepoint it was
    registered in) ends, which is exactly when the head lock is let go."""

    def __init__(self, shard: int) -> None:
        self.shard = shard
        # PostgreSQL: the head as this transaction left it (it holds the head's lock), so its next append needs
        # no read of the head; the append function refuses if it is stale (a savepoint rolled back since).
        self.head: tuple[int, str] | None = None

    def __call__(self) -> None:
        return None


def _pinned(conn: BaseDatabaseWrapper) -> _Pin | None:
    # Django keeps (savepoint ids, function, robust) for each on_commit callback of the open transaction.
    for entry in conn.run_on_commit:
        func = entry[1]
        if isinstance(func, _Pin):
            return func
    return None


def _lock_head(shard: int) -> AuditHead:
    head = AuditHead.objects.select_for_update().filter(id=shard).first()
    if head is None:
        try:
            with transaction.atomic():
                AuditHead.objects.create(id=shard)
        except IntegrityError:
            pass  # another writer created this chain's head first
        head = AuditHead.objects.select_for_update().get(id=shard)
    return head


def _event(entry: Entry, network: str, now: datetime, shard: int, position: int) -> AuditEvent:
    return AuditEvent(
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
        shard=shard,
        seq=position,
    )


def _chained(
    key: bytes, entries: tuple[Entry, ...], shard: int, after: int, previous: str, now: datetime
) -> list[AuditEvent]:
    network = _request_info.get().network
    events = []
    for offset, entry in enumerate(entries, start=1):
        event = _event(entry, network, now, shard, after + offset)
        event.chain = previous = link(key, previous, event)
        events.append(event)
    return events


def _row(event: AuditEvent, recorded: str) -> dict[str, Any]:
    return {
        "recorded": recorded,
        "action": event.action,
        "outcome": int(event.outcome),
        "agent_id": event.agent_id,
        "agent_role": event.agent_role,
        "agent_network": event.agent_network,
        "entity_type": event.entity_type,
        "entity_id": event.entity_id,
        "client_id": str(event.client_id) if event.client_id else None,
        "purpose": event.purpose,
        "reason": event.reason,
        "chain": event.chain,
        "seq": event.seq,
    }


def _append_postgresql(
    conn: BaseDatabaseWrapper, key: bytes, entries: tuple[Entry, ...], pin: _Pin
) -> list[AuditEvent]:
    """Append through the database's append function (core migration 0005): the application's role may not
    write the audit tables itself. One round trip when this transaction already holds the head, two otherwise."""
    now = timezone.now()
    recorded = now.astimezone(UTC).isoformat(timespec="microseconds")
    with conn.cursor() as cursor:
        for attempt in range(2):
            if pin.head is None or attempt:
                cursor.execute("SELECT last_id, last_chain FROM attune_audit_head(%s)", [pin.shard])
                last_id, last_chain = cursor.fetchone()
                pin.head = (int(last_id), str(last_chain))
            after, stored = pin.head
            events = _chained(key, entries, pin.shard, after, stored or GENESIS, now)
            payload = json.dumps([_row(event, recorded) for event in events], separators=(",", ":"))
            cursor.execute("SELECT attune_audit_append(%s, %s, %s, %s::jsonb)", [pin.shard, after, stored, payload])
            ids = cursor.fetchone()[0]
            if ids is not None:
                for event, pk in zip(events, ids, strict=True):
                    event.pk = pk
                pin.head = (after + len(events), events[-1].chain)
                return events
            pin.head = None  # a savepoint that had moved the head was rolled back: read it again
    raise RuntimeError(f"audit chain {pin.shard}: the head moved while this transaction held its lock")


def record(*entries: Entry) -> list[AuditEvent]:
    """Append events to a chain inside the caller's transaction (or a new one)."""
    if not entries:
        return []
    key = keys.audit_key()
    # Inside a caller's transaction no savepoint is needed: the events commit or roll back with the change.
    with transaction.atomic(savepoint=False):
        conn = transaction.get_connection()
        pin = _pinned(conn)
        if pin is None:
            pin = _Pin(shard_for(entries[0]))
            transaction.on_commit(pin)
        if conn.vendor == "postgresql":
            return _append_postgresql(conn, key, entries, pin)
        head = _lock_head(pin.shard)
        events = _chained(key, entries, pin.shard, head.last_id, head.last_chain or GENESIS, timezone.now())
        AuditEvent.objects.bulk_create(events)
        AuditHead.objects.filter(id=pin.shard).update(last_id=events[-1].seq, last_chain=events[-1].chain)
    return events


# --- one snapshot ------------------------------------------------------------------------------------------


@contextlib.contextmanager
def snapshot(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Every read inside sees the database at one moment: REPEATABLE READ (read only) on PostgreSQL, one read
    transaction on SQLite (WAL gives it a snapshot without blocking writers). Inside a caller's transaction the
    caller's transaction is used as it is."""
    connection = connections[using]
    if connection.in_atomic_block:
        yield
        return
    if connection.vendor == "postgresql":
        with transaction.atomic(using=using):
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield
        return
    # SQLite: Django's transactions here are IMMEDIATE (they take the write lock at BEGIN); a read needs none.
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("BEGIN DEFERRED")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("COMMIT")


def _ordered(rows: Any) -> Any:
    # Events from before sharding (no position) come first in chain 1, in id order.
    return rows.order_by("shard", F("seq").asc(nulls_first=True), "id")


def _after(shard: int, position: int) -> Q:
    return Q(shard=shard) & (Q(seq__gt=position) | Q(seq__isnull=True, id__gt=position))


# --- checkpoints -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChainState:
    count: int
    chain: str


@dataclass(frozen=True)
class Checkpoint:
    name: str
    time: datetime
    chains: dict[int, ChainState]

    @property
    def count(self) -> int:
        return sum(state.count for state in self.chains.values())


class CheckpointError(Exception):
    """A checkpoint file that is not what the audit key signed, or a trail that cannot be checkpointed."""


def checkpoint_dir() -> Path:
    return Path(settings.ATTUNE_AUDIT_CHECKPOINT_DIR)


def _signature(body: dict[str, Any]) -> str:
    message = b"attune-audit-checkpoint\x1e" + json.dumps(body, sort_keys=True, separators=(",", ":")).encode()
    return hmac.new(keys.audit_key(), message, hashlib.sha256).hexdigest()


def _body(time: datetime, chains: dict[int, ChainState]) -> dict[str, Any]:
    return {
        "version": 1,
        "time": time.astimezone(UTC).isoformat(timespec="microseconds"),
        "count": sum(state.count for state in chains.values()),
        "chains": {str(shard): {"count": s.count, "chain": s.chain} for shard, s in sorted(chains.items())},
    }


def read_checkpoint(path: Path) -> Checkpoint:
    try:
        data = json.loads(path.read_text())
        body = {k: data[k] for k in ("version", "time", "count", "chains")}
        signature = str(data["hmac"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise CheckpointError(f"checkpoint {path.name} cannot be read ({type(exc).__name__})") from exc
    if not hmac.compare_digest(signature, _signature(body)):
        raise CheckpointError(f"checkpoint {path.name} is not signed by the audit key")
    chains = {int(s): ChainState(int(v["count"]), str(v["chain"])) for s, v in body["chains"].items()}
    return Checkpoint(path.name, datetime.fromisoformat(body["time"]), chains)


def newest_checkpoint(directory: Path | None = None) -> Checkpoint | None:
    directory = directory or checkpoint_dir()
    if not directory.is_dir():
        return None
    names = sorted(p.name for p in directory.glob(f"{CHECKPOINT_PREFIX}*.json"))
    return read_checkpoint(directory / names[-1]) if names else None


def _check_since(key: bytes, shard: int, start: ChainState, head: AuditHead) -> str:
    """Check that chain `shard` links on from `start` up to its head; returns the problem, or ''."""
    if head.last_id < start.count:
        return f"chain {shard} is at position {head.last_id}, the previous checkpoint saw {start.count}"
    previous, expected = start.chain, start.count + 1
    for row in _ordered(AuditEvent.objects.filter(_after(shard, start.count))).iterator(chunk_size=2000):
        if position_of(row) != expected or not hmac.compare_digest(link(key, previous, row), row.chain):
            return f"chain {shard} does not link on from the previous checkpoint at position {expected}"
        previous, expected = row.chain, expected + 1
    if expected - 1 != head.last_id or not hmac.compare_digest(previous, head.last_chain or GENESIS):
        return f"chain {shard} does not reach its head (position {head.last_id})"
    return ""


def write_checkpoint(now: datetime | None = None, directory: Path | None = None) -> Path:
    """Sign each chain's length and last value now, into a new file of the checkpoint directory (never an
    existing one). Refuses (CheckpointError, nothing written) if a chain does not link on from the previous
    checkpoint."""
    now = now or timezone.now()
    directory = directory or checkpoint_dir()
    previous = newest_checkpoint(directory)
    key = keys.audit_key()
    with snapshot():
        heads = {head.id: head for head in AuditHead.objects.all()}
        chains: dict[int, ChainState] = {}
        for shard in sorted(set(heads) | set(previous.chains if previous else {})):
            start = previous.chains.get(shard, ChainState(0, GENESIS)) if previous else ChainState(0, GENESIS)
            head = heads.get(shard)
            if head is None:
                raise CheckpointError(f"chain {shard} has no head, the previous checkpoint saw {start.count} events")
            problem = _check_since(key, shard, start, head)
            if problem:
                raise CheckpointError(problem)
            chains[shard] = ChainState(head.last_id, head.last_chain or GENESIS)
    body = _body(now, chains)
    directory.mkdir(parents=True, exist_ok=True)
    stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%S.%fZ")
    path = directory / f"{CHECKPOINT_PREFIX}{stamp}.json"
    text = json.dumps({**body, "hmac": _signature(body)}, indent=1, sort_keys=True)
    # "x": a checkpoint is never overwritten; the directory is meant to be append-only storage.
    with path.open("x") as handle:
        handle.write(text + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    return path


def checkpoint_tick(now: datetime) -> None:
    """The worker's minute tick: write a checkpoint, or log loudly (ids only) why the trail cannot have one."""
    try:
        path = write_checkpoint(now)
    except CheckpointError as exc:
        logger.error("audit checkpoint refused: %s", exc)
        raise
    logger.info("audit checkpoint written: %s", path.name)


# --- verification ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    position: int | None = None
    problem: str = ""
    chain: int | None = None
    chains: int = 0
    checkpoint: str = ""
    heads: dict[int, ChainState] = field(default_factory=dict)


def verify(
    directory: Path | None = None, *, using: str = DEFAULT_DB_ALIAS, anchor: Checkpoint | None = None
) -> VerifyResult:
    """Recompute every chain from the rows, in one snapshot; position is 1-based within the chain named.

    A modified row breaks its own link; a deleted row leaves a gap in the positions; an inserted row breaks its
    own link (it cannot be signed without the key); reordered rows break the first link whose predecessor
    changed. Each chain's end is checked against its head, and the whole trail against the newest checkpoint,
    so deleting the newest events (with the head rewound) or deleting everything is caught too. `anchor`
    replaces the newest checkpoint (a backup's manifest anchors the restored copy); `using` names the database.
    """
    key = keys.audit_key()
    try:
        checkpoint = anchor or newest_checkpoint(directory)
    except CheckpointError as exc:
        return VerifyResult(False, 0, problem=str(exc))
    wanted = {s: st.count for s, st in checkpoint.chains.items()} if checkpoint else {}
    seen: dict[int, ChainState] = {}
    at_checkpoint: dict[int, str] = {}
    checked = 0
    with snapshot(using):
        heads = {head.id: head for head in AuditHead.objects.using(using).all()}
        shard, previous, expected = 0, GENESIS, 1
        for row in _ordered(AuditEvent.objects.using(using).all()).iterator(chunk_size=5000):
            if row.shard != shard:
                shard, previous, expected = row.shard, GENESIS, 1
            position = position_of(row)
            if position != expected:
                return VerifyResult(
                    False, checked, expected, f"expected position {expected}, found {position}", chain=shard
                )
            computed = link(key, previous, row)
            if not hmac.compare_digest(computed, row.chain):
                return VerifyResult(False, checked, position, "this event does not match the chain", chain=shard)
            if wanted.get(shard) == position:
                at_checkpoint[shard] = computed
            previous, expected, checked = computed, expected + 1, checked + 1
            seen[shard] = ChainState(position, computed)
    for shard in sorted(set(heads) | set(seen)):
        state, head = seen.get(shard, ChainState(0, GENESIS)), heads.get(shard)
        head_count = head.last_id if head is not None else 0
        if head_count != state.count:
            return VerifyResult(
                False, checked, state.count + 1, f"the chain ends at {state.count}, its head says {head_count}", shard
            )
        if head is not None and state.count and not hmac.compare_digest(head.last_chain, state.chain):
            return VerifyResult(False, checked, state.count, "the last event does not match the chain head", shard)
    if checkpoint is not None:
        for shard, saw in sorted(checkpoint.chains.items()):
            if not saw.count:
                continue
            have = seen.get(shard, ChainState(0, GENESIS)).count
            if have < saw.count:
                return VerifyResult(
                    False,
                    checked,
                    have + 1,
                    f"the chain ends at {have} but checkpoint {checkpoint.name} saw {saw.count} events: "
                    "events have been removed from its end",
                    shard,
                    checkpoint=checkpoint.name,
                )
            if not hmac.compare_digest(at_checkpoint.get(shard, ""), saw.chain):
                return VerifyResult(
                    False,
                    checked,
                    saw.count,
                    f"the chain differs from checkpoint {checkpoint.name} at this position",
                    shard,
                    checkpoint=checkpoint.name,
                )
    return VerifyResult(
        True,
        checked,
        chains=len(seen),
        checkpoint=checkpoint.name if checkpoint else "",
        heads=seen,
    )
