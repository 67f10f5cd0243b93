"""Backups that prove themselves: `attune backup DEST` and `attune restore SRC --into URL --verify`.

A backup is a folder `attune-backup-<UTC time>/` holding the database (SQLite: a copy made with SQLite's online
backup API; PostgreSQL: `pg_dump -Fc`) and `manifest.json`: the sha256 of each file, the row count of every table,
each audit chain's length and last value, the fingerprints (never the keys) of the key files, and the erasure
tombstones, signed with the audit key. Row counts and chains are read in the same snapshot as the copy (on
PostgreSQL the dump runs in a snapshot exported by the transaction that counts), so they describe exactly what the
backup holds.

Restoring checks the manifest's signature and every file's sha256 (a flipped byte fails, naming the file), restores
into a scratch database, and with --verify checks its integrity (PRAGMA integrity_check and foreign_key_check on
SQLite; pg_restore in one transaction that stops at the first error on PostgreSQL), the row counts, and every
audit chain against the manifest. Then it re-applies the erasure tombstones: those in the manifest, and those made
after the backup in the live database, so a restore never brings back what a person had erased.

**Tombstones** come from sources registered with `register_tombstones()`: core registers crypto-shredded data keys;
the privacy centre registers its own erasures the same way (a collect and an apply function, by database alias).

Keys are never in a backup: restore them from where they are kept (the manifest names their fingerprints, and
restore refuses a database whose keys are not the configured ones).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import dj_database_url
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.utils import load_backend
from django.utils import timezone

from attune.core import audit, crypto, keys
from attune.core.models import DataKey

MANIFEST = "manifest.json"
PREFIX = "attune-backup-"
RESTORE_ALIAS = "attune_restore"


class BackupError(Exception):
    """A backup that cannot be made, or one that does not prove itself on restore (the message names why)."""


# --- tombstones --------------------------------------------------------------------------------------------

Collect = Callable[[str], list[dict[str, str]]]
Apply = Callable[[str, list[dict[str, str]]], int]


@dataclass(frozen=True)
class TombstoneSource:
    collect: Collect  # database alias -> the tombstones in it (JSON-able dicts of ids and times only)
    apply: Apply  # database alias, tombstones -> how many were newly applied there


_sources: dict[str, TombstoneSource] = {}


def register_tombstones(name: str, collect: Collect, apply: Apply) -> None:
    """Register a kind of erasure tombstone (from an AppConfig.ready()); registering it again replaces it."""
    _sources[name] = TombstoneSource(collect, apply)


def _shredded_keys(using: str) -> list[dict[str, str]]:
    rows = DataKey.objects.using(using).filter(wrapped__isnull=True).order_by("client_id")
    return [
        {"client_id": str(row.client_id), "destroyed": row.destroyed.isoformat() if row.destroyed else ""}
        for row in rows
    ]


def _shred_keys(using: str, tombstones: list[dict[str, str]]) -> int:
    applied = 0
    with transaction.atomic(using=using):
        for stone in tombstones:
            row = DataKey.objects.using(using).select_for_update().filter(client_id=stone["client_id"]).first()
            if row is not None and row.wrapped is None:
                continue
            destroyed = datetime.fromisoformat(stone["destroyed"]) if stone["destroyed"] else timezone.now()
            if row is None:
                DataKey.objects.using(using).create(
                    client_id=stone["client_id"], wrapped=None, kek_id="", destroyed=destroyed
                )
            else:
                row.wrapped, row.destroyed = None, destroyed
                row.save(using=using, update_fields=["wrapped", "destroyed"])
            applied += 1
    return applied


register_tombstones("data-keys", _shredded_keys, _shred_keys)


# --- helpers -----------------------------------------------------------------------------------------------


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _sign(body: dict[str, Any]) -> str:
    message = b"attune-backup-manifest\x1e" + json.dumps(body, sort_keys=True, separators=(",", ":")).encode()
    return hmac.new(keys.audit_key(), message, hashlib.sha256).hexdigest()


def key_fingerprints() -> dict[str, str]:
    return {"kek": crypto.key_id(keys.current_kek()), "audit": crypto.key_id(keys.audit_key())}


def _tables(using: str) -> list[str]:
    connection = connections[using]
    with connection.cursor() as cursor:
        return sorted(connection.introspection.table_names(cursor))


def _row_counts(cursor: Any, tables: list[str], quote: Callable[[str], str]) -> dict[str, int]:
    counts = {}
    for table in tables:
        cursor.execute(f"SELECT count(*) FROM {quote(table)}")  # noqa: S608  (names from introspection, quoted)
        counts[table] = int(cursor.fetchone()[0])
    return counts


def _chains(using: str) -> dict[str, dict[str, Any]]:
    from attune.core.models import AuditHead

    return {
        str(head.id): {"count": head.last_id, "chain": head.last_chain or audit.GENESIS}
        for head in AuditHead.objects.using(using).order_by("id")
    }


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed (Debian: postgresql-client, the server's major version)")
    return path


def _pg_env(db: Any) -> tuple[list[str], dict[str, str]]:
    """Connection arguments for pg_dump/pg_restore (the password through the environment, never argv)."""
    args = [f"--dbname={db['NAME']}"]
    if db.get("HOST"):
        args.append(f"--host={db['HOST']}")
    if db.get("PORT"):
        args.append(f"--port={db['PORT']}")
    if db.get("USER"):
        args.append(f"--username={db['USER']}")
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


# --- backup ------------------------------------------------------------------------------------------------


def backup(dest: Path, *, now: datetime | None = None, using: str = DEFAULT_DB_ALIAS) -> Path:
    """Write a backup folder under `dest` and return it."""
    now = now or timezone.now()
    folder = Path(dest) / f"{PREFIX}{now.astimezone(UTC).strftime('%Y%m%dT%H%M%S.%fZ')}"
    partial = folder.with_name(folder.name + ".partial")
    partial.mkdir(parents=True)
    connection = connections[using]
    tables = _tables(using)
    quote = connection.ops.quote_name
    if connection.vendor == "sqlite":
        target = partial / "database.sqlite3"
        connection.ensure_connection()
        source = connection.connection
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)  # SQLite's online backup API: a consistent copy while writers carry on
            counts = _row_counts(copy.cursor(), tables, quote)
        finally:
            copy.close()
        # Chains and tombstones are read from the copy itself, so they describe exactly what it holds.
        _open_alias({**connection.settings_dict, "NAME": str(target)})
        try:
            chains, tombstones = _chains(RESTORE_ALIAS), _collect_tombstones(RESTORE_ALIAS)
        finally:
            _drop_alias()
        engine = "sqlite"
    else:
        target = partial / "database.dump"
        args, env = _pg_env(connection.settings_dict)
        with transaction.atomic(using=using):
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                cursor.execute("SELECT pg_export_snapshot()")
                snapshot_id = cursor.fetchone()[0]
                counts = _row_counts(cursor, tables, quote)
            chains, tombstones = _chains(using), _collect_tombstones(using)
            # pg_dump reads the very snapshot the counts were taken in (it stays valid while this transaction
            # is open).
            result = subprocess.run(  # noqa: S603
                [_tool("pg_dump"), "-Fc", "--no-owner", f"--snapshot={snapshot_id}", f"--file={target}", *args],
                env=env,
                capture_output=True,
                text=True,
                check=False,
            )
        if result.returncode != 0:
            shutil.rmtree(partial, ignore_errors=True)
            raise BackupError(f"pg_dump failed ({result.returncode}): {result.stderr.strip()[:500]}")
        engine = "postgresql"
    body = {
        "version": 1,
        "created": now.astimezone(UTC).isoformat(timespec="microseconds"),
        "engine": engine,
        "files": {target.name: sha256_of(target)},
        "rows": counts,
        "chains": chains,
        "keys": key_fingerprints(),
        "tombstones": tombstones,
    }
    manifest = {**body, "hmac": _sign(body)}
    (partial / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    for path in partial.iterdir():
        with path.open("rb") as handle:
            os.fsync(handle.fileno())
    partial.rename(folder)  # a backup folder without ".partial" is complete
    return folder


def _collect_tombstones(using: str) -> dict[str, list[dict[str, str]]]:
    return {name: source.collect(using) for name, source in sorted(_sources.items())}


def _open_alias(settings_dict: dict[str, Any]) -> None:
    """A connection to another database (the copy, the restored one) under RESTORE_ALIAS, for this thread only:
    it is never added to settings.DATABASES, so nothing else routes to it."""
    base = {**connections[DEFAULT_DB_ALIAS].settings_dict, **settings_dict, "TEST": {}}
    backend = load_backend(base["ENGINE"])
    connections[RESTORE_ALIAS] = backend.DatabaseWrapper(base, RESTORE_ALIAS)


def _drop_alias() -> None:
    try:
        wrapper = connections[RESTORE_ALIAS]
    except Exception:
        return
    wrapper.close()
    del connections[RESTORE_ALIAS]


# --- restore -----------------------------------------------------------------------------------------------


def read_manifest(source: Path) -> dict[str, Any]:
    """The manifest, after checking its signature and the sha256 of every file it lists."""
    path = Path(source) / MANIFEST
    try:
        manifest: dict[str, Any] = json.loads(path.read_text())
        signature = manifest.pop("hmac")
    except (OSError, ValueError, KeyError) as exc:
        raise BackupError(f"{path} cannot be read ({type(exc).__name__})") from exc
    if not hmac.compare_digest(str(signature), _sign(manifest)):
        raise BackupError(f"{MANIFEST} is not signed by this deployment's audit key (or was changed)")
    for name, expected in sorted(manifest["files"].items()):
        file = Path(source) / name
        if not file.is_file():
            raise BackupError(f"{name} is missing from the backup")
        if not hmac.compare_digest(sha256_of(file), expected):
            raise BackupError(f"{name} does not match its sha256 in the manifest: the backup is damaged")
    return manifest


@dataclass(frozen=True)
class RestoreReport:
    tables: int
    rows: int
    events: int
    chains: int
    tombstones_applied: dict[str, int]


def restore(source: Path, into: str, *, verify: bool = True, tombstones_from: str = DEFAULT_DB_ALIAS) -> RestoreReport:
    """Restore the backup at `source` into the (empty, scratch) database at URL `into`, and prove it."""
    manifest = read_manifest(source)
    if manifest["keys"] != key_fingerprints():
        raise BackupError(
            "the backup was made with other keys (fingerprints in the manifest); configure the key files it "
            "was made with before restoring"
        )
    db = dj_database_url.parse(into)
    engine = "sqlite" if db["ENGINE"].endswith("sqlite3") else "postgresql"
    if engine != manifest["engine"]:
        raise BackupError(f"the backup is of {manifest['engine']}, the target is {engine}")
    file = Path(source) / next(iter(manifest["files"]))
    if engine == "sqlite":
        target = Path(db["NAME"])
        if target.exists() and target.stat().st_size:
            raise BackupError(f"{target} already exists: restore into a new file")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(file, target)
    else:
        args, env = _pg_env(db)
        result = subprocess.run(  # noqa: S603
            [_tool("pg_restore"), "--no-owner", "--single-transaction", "--exit-on-error", *args, str(file)],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise BackupError(f"pg_restore failed ({result.returncode}): {result.stderr.strip()[:500]}")
    default = connections[DEFAULT_DB_ALIAS].settings_dict
    options = default["OPTIONS"] if default["ENGINE"] == db["ENGINE"] else {}
    _open_alias({**db, "OPTIONS": {**options, **db.get("OPTIONS", {})}})
    try:
        applied: dict[str, int] = {}
        events = 0
        if verify:
            events = _verify_restored(manifest)
        # Erasures in the backup itself, then those made since in the live database: none comes back.
        live = _collect_tombstones(tombstones_from) if tombstones_from else {}
        for name, source_ in sorted(_sources.items()):
            stones = [*manifest["tombstones"].get(name, []), *live.get(name, [])]
            applied[name] = source_.apply(RESTORE_ALIAS, stones)
        if verify:
            for name, source_ in sorted(_sources.items()):
                present = {json.dumps(s, sort_keys=True) for s in source_.collect(RESTORE_ALIAS)}
                wanted = {
                    json.dumps(s, sort_keys=True) for s in [*manifest["tombstones"].get(name, []), *live.get(name, [])]
                }
                missing = {json.loads(s).get("client_id", "") for s in wanted - present}
                # A later erasure replaces an earlier time for the same id; what matters is that every id is erased.
                ids = {s.get("client_id", "") for s in source_.collect(RESTORE_ALIAS)}
                if missing - ids:
                    raise BackupError(f"tombstones of {name} are not all applied in the restored database")
        return RestoreReport(
            tables=len(manifest["rows"]),
            rows=sum(manifest["rows"].values()),
            events=events,
            chains=len(manifest["chains"]),
            tombstones_applied=applied,
        )
    finally:
        _drop_alias()


def _verify_restored(manifest: dict[str, Any]) -> int:
    connection = connections[RESTORE_ALIAS]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA integrity_check")
            found = [row[0] for row in cursor.fetchall()]
            if found != ["ok"]:
                raise BackupError(f"the restored database fails SQLite's integrity check: {found[:3]}")
            cursor.execute("PRAGMA foreign_key_check")
            if cursor.fetchall():
                raise BackupError("the restored database has rows whose foreign keys point nowhere")
        counts = _row_counts(cursor, sorted(manifest["rows"]), connection.ops.quote_name)
    for table, expected in sorted(manifest["rows"].items()):
        if counts[table] != expected:
            raise BackupError(f"table {table} has {counts[table]} rows, the manifest says {expected}")
    anchor = audit.Checkpoint(
        name=MANIFEST,
        time=datetime.fromisoformat(manifest["created"]),
        chains={int(s): audit.ChainState(int(v["count"]), str(v["chain"])) for s, v in manifest["chains"].items()},
    )
    result = audit.verify(using=RESTORE_ALIAS, anchor=anchor)
    if not result.ok:
        raise BackupError(f"audit chain {result.chain} at position {result.position}: {result.problem}")
    if {str(k): v.count for k, v in result.heads.items()} != {k: v["count"] for k, v in manifest["chains"].items()}:
        raise BackupError("the restored audit chains are not the ones in the manifest")
    return result.checked


# --- scheduled backups -------------------------------------------------------------------------------------


def backups_in(dest: Path) -> list[Path]:
    if not dest.is_dir():
        return []
    return sorted(p for p in dest.iterdir() if p.is_dir() and p.name.startswith(PREFIX) and p.suffix != ".partial")


def scheduled_tick(now: datetime) -> Path | None:
    """The worker's tick: a backup when ATTUNE_BACKUP_DIR is set and the newest is ATTUNE_BACKUP_EVERY_MINUTES
    old, then only the newest ATTUNE_BACKUP_KEEP are kept. Off (nothing happens) when the folder is not set."""
    if not settings.ATTUNE_BACKUP_DIR:
        return None
    dest = Path(settings.ATTUNE_BACKUP_DIR)
    existing = backups_in(dest)
    if existing:
        stamp = existing[-1].name.removeprefix(PREFIX)
        made = datetime.strptime(stamp, "%Y%m%dT%H%M%S.%fZ").replace(tzinfo=UTC)
        if (now - made).total_seconds() < settings.ATTUNE_BACKUP_EVERY_MINUTES * 60 - 30:
            return None
    folder = backup(dest, now=now)
    for old in backups_in(dest)[: -max(1, settings.ATTUNE_BACKUP_KEEP)]:
        shutil.rmtree(old)
    for stale in dest.glob(f"{PREFIX}*.partial"):
        if stale.stat().st_mtime < now.timestamp() - 24 * 3600:
            shutil.rmtree(stale, ignore_errors=True)
    return folder


def scratch_sqlite_url() -> str:
    """A URL for a new SQLite file in a temporary folder (for a restore drill)."""
    return f"sqlite:///{Path(tempfile.mkdtemp(prefix='attune-restore-')) / 'restored.sqlite3'}"
