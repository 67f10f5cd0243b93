"""Benchmark: audit events per second with one chain for the whole network against chains per practice.

    .venv/bin/python bench/audit.py [--writers 16] [--practices 8] [--seconds 5] [--rounds 2] [--hold-ms 5]
                                    [--database-url postgres://postgres@127.0.0.1:5432/postgres] [--check]

Migrates a scratch PostgreSQL database (created on --database-url's server and dropped at the end; keys in a
temporary ATTUNE_VAR_DIR). Then --writers processes, each with its own connection and its own practice (writer i
writes for practice i mod --practices), append audit events as requests do: open a transaction, record one event
through `attune.core.audit.record`, keep the transaction open --hold-ms (the rest of the request's work), commit.
They run for --seconds with ATTUNE_AUDIT_SHARDS=1 (one chain, one head lock for everyone: the design before
sharding) and with ATTUNE_AUDIT_SHARDS=16 (each practice its own chain), in interleaved rounds so that a busy
spell of the machine falls on both. It prints events per second for each and the ratio sharded/single, then
verifies every chain. --async-commit takes the disk's commit flush out of the time a head lock is held (on a
slow disk it dominates). The target (16 writers across 8 practices): sharded at least 4x single. Only the ratio and
the verification are judged; absolute numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import contextlib
import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

PROJECT_DIR = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
TARGET_RATIO = 4.0


def with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


@contextlib.contextmanager
def scratch_database(server_url: str, tag: str) -> Iterator[str]:
    name = f"attune_bench_{tag}_{os.getpid()}"
    admin = with_database(server_url, "postgres").replace("postgres://", "postgresql://", 1)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield with_database(server_url, name)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def writer(
    practice: int, shards: int, hold: float, seconds: float, async_commit: bool, ready: Any, go: Any, results: Any
) -> None:
    # Django is set up in the parent before the fork; each writer opens its own connection.
    from django.conf import settings
    from django.db import connection, transaction

    from attune.core import audit

    settings.ATTUNE_AUDIT_SHARDS = shards
    entry = audit.Entry(
        action="R", outcome=0, agent_id=practice, agent_role="clinician", entity_type="Patient", practice_id=practice
    )
    connection.ensure_connection()
    with connection.cursor() as cursor:
        if async_commit:
            cursor.execute("SET synchronous_commit = off")
        cursor.execute("SELECT pg_backend_pid()")
        backend = int(cursor.fetchone()[0])
    ready.put(1)
    go.wait()
    stop, done = time.monotonic() + seconds, 0
    cpu, server_cpu = time.process_time(), backend_cpu(backend)
    while time.monotonic() < stop:
        with transaction.atomic():
            audit.record(entry)
            time.sleep(hold)
        done += 1
    cpu, server_cpu = time.process_time() - cpu, backend_cpu(backend) - server_cpu
    connection.close()
    results.put((done, cpu, server_cpu))


def backend_cpu(pid: int) -> float:
    """CPU seconds a PostgreSQL backend has used (its server on this machine; NaN when it is elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run(shards: int, args: argparse.Namespace) -> float:
    from django.db import connections

    connections.close_all()  # no connection may be shared across the fork
    context = multiprocessing.get_context("fork")
    ready, results, go = context.Queue(), context.Queue(), context.Event()
    processes = [
        context.Process(
            target=writer,
            args=(
                1 + i % args.practices,
                shards,
                args.hold_ms / 1000,
                args.seconds,
                args.async_commit,
                ready,
                go,
                results,
            ),
        )
        for i in range(args.writers)
    ]
    for process in processes:
        process.start()
    for _ in processes:
        ready.get(timeout=120)
    go.set()
    answers = [results.get(timeout=args.seconds + 120) for _ in processes]
    for process in processes:
        process.join()
    total = sum(done for done, _, _ in answers)
    if total:
        # CPU per event: the writers' own (Python, Django, psycopg, the HMAC) and their PostgreSQL backends'.
        CPU.setdefault(shards, []).append(
            (1000 * sum(c for _, c, _ in answers) / total, 1000 * sum(s for _, _, s in answers) / total)
        )
    return total / args.seconds


CPU: dict[int, list[tuple[float, float]]] = {}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--writers", type=int, default=16)
    parser.add_argument("--practices", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--hold-ms", type=float, default=5.0)
    parser.add_argument(
        "--async-commit",
        action="store_true",
        help="writers commit without waiting for the WAL flush (synchronous_commit=off): takes a slow disk's fsync "
        "out of the lock's hold time, to see the lock itself",
    )
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--check", action="store_true", help=f"exit 1 unless sharded >= {TARGET_RATIO}x single")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as var, scratch_database(args.database_url, "audit") as url:
        os.environ.update(
            {
                "DATABASE_URL": url,
                "ATTUNE_VAR_DIR": var,
                "ATTUNE_AUDIT_CHECKPOINT_DIR": str(Path(var) / "checkpoints"),
                "DJANGO_SETTINGS_MODULE": "attune.settings",
                "ATTUNE_LOG_LEVEL": "WARNING",
            }
        )
        subprocess.run([str(BIN / "attune"), "migrate", "--no-input", "-v", "0"], check=True, cwd=PROJECT_DIR)
        import django

        django.setup()
        single: list[float] = []
        sharded: list[float] = []
        for _ in range(args.rounds):
            single.append(run(1, args))
            sharded.append(run(16, args))
        best_single, best_sharded = max(single), max(sharded)
        ratio = best_sharded / best_single if best_single else float("inf")
        commit = "synchronous_commit=off" if args.async_commit else "synchronous_commit=on"
        hold = f"{args.hold_ms:g} ms per transaction"
        print(f"{args.writers} writers across {args.practices} practices, {hold}, {commit}")
        print(f"single chain  : {best_single:8.1f} events/s  (rounds: {', '.join(f'{x:.1f}' for x in single)})")
        print(f"sharded chains: {best_sharded:8.1f} events/s  (rounds: {', '.join(f'{x:.1f}' for x in sharded)})")
        print(f"ratio sharded/single: {ratio:.2f}  (target >= {TARGET_RATIO:g})")
        for shards, label in ((1, "single chain  "), (16, "sharded chains")):
            client = min(c for c, _ in CPU.get(shards, [(float("nan"), 0.0)]))
            server = min(s for _, s in CPU.get(shards, [(0.0, float("nan"))]))
            print(f"CPU per event, {label}: writer {client:.2f} ms + PostgreSQL backend {server:.2f} ms")
        load = os.getloadavg()
        print(f"{os.cpu_count()} CPUs, load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} at the end")
        verified = subprocess.run(
            [str(BIN / "attune"), "audit", "verify"], cwd=PROJECT_DIR, capture_output=True, text=True, check=False
        )
        print((verified.stdout or verified.stderr).strip())
        if verified.returncode != 0:
            return 1
    return 0 if ratio >= TARGET_RATIO or not args.check else 1


if __name__ == "__main__":
    sys.exit(main())
