"""Benchmark: creating a diary entry over the API against the same app's minimal authenticated endpoint.

    .venv/bin/python bench/load.py [--seconds 10] [--connections 50] [--rounds 2] [--workers 2xCPUs] [--threads 2]
                                   [--database-url postgres://postgres@127.0.0.1:5432/postgres] [--check]

Serves Attune with gunicorn on a scratch PostgreSQL database (created on --database-url's server and dropped at
the end; keys and files in a temporary ATTUNE_VAR_DIR), seeds the demo and takes an API token for Dana. Then, on
loopback, keeps --connections HTTP/1.1 keep-alive connections busy for --seconds against each of
- (a) GET /api/v1/me with the Bearer token: the framework floor (authentication, middleware, JSON), and
- (b) POST /api/v1/clients/{dana}/diary/entries with a new client-made key each time: the whole diary write,
  with the policy check, field encryption, the idempotency fingerprint and the audit event,
after a short warm-up of each, in interleaved rounds (so that a busy spell of the machine falls on both), and
prints each one's throughput, p50 and p95 latency and the ratio b/a. The target is a ratio of at least 0.4.
Afterwards it counts the entries in the database: the number stored must equal the number of 2xx answers; and
it runs `attune audit verify` on the audit chain the writes extended. Only the ratio and the counts are judged;
absolute numbers depend on the machine, which the load generator and PostgreSQL share with the server.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

PROJECT_DIR = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
TARGET_RATIO = 0.4
HOST = "127.0.0.1"
STARTUP_SECONDS = 180
DEMO_PASSWORD = "bench-load-quiet-harbour-morning"
DANA = "dana@demo.attune.test"
WARM_UP_SECONDS = 2.0


# --- The server ------------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


@contextlib.contextmanager
def scratch_database(server_url: str) -> Iterator[str]:
    name = f"attune_bench_{os.getpid()}"
    admin = with_database(server_url, "postgres").replace("postgres://", "postgresql://", 1)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield with_database(server_url, name)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def attune(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [str(BIN / "attune"), *args], env=env, cwd=PROJECT_DIR, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(f"attune {' '.join(args)} failed ({result.returncode}):\n{result.stdout}{result.stderr}")
    return result.stdout


@contextlib.contextmanager
def gunicorn(env: dict[str, str], port: int, workers: int, threads: int, log: Path) -> Iterator[str]:
    command = [
        str(BIN / "gunicorn"),
        "attune.wsgi:application",
        f"--bind={HOST}:{port}",
        f"--workers={workers}",
        f"--threads={threads}",
        "--worker-class=gthread",
        "--keep-alive=30",
        "--backlog=512",
        "--timeout=60",
        "--graceful-timeout=5",
        "--no-control-socket",
    ]
    url = f"http://{HOST}:{port}"
    with log.open("wb") as out:
        process = subprocess.Popen(command, env=env, cwd=PROJECT_DIR, stdout=out, stderr=subprocess.STDOUT)
    try:
        # A busy machine (CI, a shared sandbox) can take a minute or more to import and start a worker.
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {process.returncode}:\n{log.read_text(errors='replace')}")
            try:
                with urllib.request.urlopen(f"{url}/account/sign-in/", timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"gunicorn did not answer within {STARTUP_SECONDS} s:\n{log.read_text(errors='replace')}"
                )
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def api_token(url: str) -> tuple[str, str]:
    """Dana's API token and client id, through the API itself."""
    body = json.dumps({"email": DANA, "password": DEMO_PASSWORD, "name": "bench"}).encode()
    request = urllib.request.Request(  # noqa: S310
        f"{url}/api/v1/auth/token", data=body, headers={"Content-Type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        token = json.load(response)["token"]
    me = urllib.request.Request(f"{url}/api/v1/me", headers={"Authorization": f"Bearer {token}"})  # noqa: S310
    with urllib.request.urlopen(me, timeout=10) as response:  # noqa: S310
        client_id = json.load(response)["client_id"]
    return token, client_id


def stored_entries(database_url: str, client_id: str) -> int:
    with psycopg.connect(database_url.replace("postgres://", "postgresql://", 1)) as conn:
        row = conn.execute("SELECT count(*) FROM diary_diaryentry WHERE client_id = %s", (client_id,)).fetchone()
    return int(row[0]) if row else 0


# --- The load --------------------------------------------------------------------------------------------------


@dataclass
class Run:
    name: str
    latencies: list[float] = field(default_factory=list)  # seconds, of every answered request
    statuses: dict[int, int] = field(default_factory=dict)
    failures: int = 0  # no answer at all (connection reset, timeout)
    elapsed: float = 0.0

    @property
    def ok(self) -> int:
        return sum(count for status, count in self.statuses.items() if 200 <= status < 300)

    @property
    def throughput(self) -> float:
        return self.ok / self.elapsed if self.elapsed else 0.0

    def percentile(self, p: float) -> float:
        if len(self.latencies) < 2:
            return self.latencies[0] if self.latencies else float("nan")
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[int(p) - 1]


class Connection:
    """One keep-alive HTTP/1.1 connection; reopened when the server closes it."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, head: bytes, body: bytes) -> tuple[int, bytes]:
        if self.writer is None or self.writer.is_closing():
            self.reader, self.writer = await asyncio.open_connection(HOST, self.port)
        assert self.reader is not None and self.writer is not None
        self.writer.write(head + body)
        await self.writer.drain()
        status_line = await self.reader.readline()
        if not status_line:
            raise ConnectionError("the server closed the connection")
        status = int(status_line.split()[1])
        headers: dict[str, str] = {}
        while (line := await self.reader.readline()) not in (b"\r\n", b"\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        if "content-length" in headers:
            payload = await self.reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            payload = await self._chunked()
        else:
            payload = await self.reader.read()
        if headers.get("connection", "").lower() == "close":
            self.close()
        return status, payload

    async def _chunked(self) -> bytes:
        assert self.reader is not None
        parts = []
        while size := int((await self.reader.readline()).split(b";")[0], 16):
            parts.append(await self.reader.readexactly(size))
            await self.reader.readline()
        await self.reader.readline()
        return b"".join(parts)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.writer = None


def get_me(token: str) -> tuple[bytes, bytes]:
    head = (
        f"GET /api/v1/me HTTP/1.1\r\nHost: {HOST}\r\nAuthorization: Bearer {token}\r\nAccept: application/json\r\n\r\n"
    )
    return head.encode(), b""


KINDS = ("tone", "situation", "place", "phrase", "sense", "memory", "touch", "other")


def post_entry(token: str, client_id: str, n: int) -> tuple[bytes, bytes]:
    body = json.dumps(
        {
            "key": str(uuid.uuid4()),
            "trigger_kind": KINDS[n % len(KINDS)],
            "distress_before": 5 * (n % 21),
            "trigger_words": f"Benchmark moment {n}: a raised voice in the next room",
            "body_cues": ["tension"],
            "skill": "paced-breathing",
            "distress_after": 20,
            "note": "Written by bench/load.py.",
            "shared": n % 2 == 0,
        }
    ).encode()
    head = (
        f"POST /api/v1/clients/{client_id}/diary/entries HTTP/1.1\r\nHost: {HOST}\r\n"
        f"Authorization: Bearer {token}\r\nContent-Type: application/json\r\nAccept: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode(), body


Builder = Callable[[int], tuple[bytes, bytes]]  # request number -> (head, body)


async def drive(port: int, connections: int, seconds: float, build: Builder, run: Run) -> None:
    """`connections` clients, each sending one request after another until `seconds` have passed; requests
    under way at the end are waited for, so every request sent is either answered or counted as failed."""
    counter = iter(range(10**9))
    started = time.perf_counter()
    deadline = started + seconds

    async def client() -> None:
        conn = Connection(port)
        try:
            while time.perf_counter() < deadline:
                head, body = build(next(counter))
                sent = time.perf_counter()
                try:
                    status, _ = await asyncio.wait_for(conn.request(head, body), timeout=60)
                except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError):
                    run.failures += 1
                    conn.close()
                    continue
                run.latencies.append(time.perf_counter() - sent)
                run.statuses[status] = run.statuses.get(status, 0) + 1
        finally:
            conn.close()

    await asyncio.gather(*(client() for _ in range(connections)))
    run.elapsed = time.perf_counter() - started


def measure(port: int, connections: int, seconds: float, build: Builder, run: Run) -> None:
    """Adds `seconds` of load to `run`: its answers, latencies and elapsed time accumulate over rounds."""
    part = Run(run.name)
    asyncio.run(drive(port, connections, seconds, build, part))
    run.latencies += part.latencies
    for status, count in part.statuses.items():
        run.statuses[status] = run.statuses.get(status, 0) + count
    run.failures += part.failures
    run.elapsed += part.elapsed


def report(run: Run) -> str:
    others = {s: c for s, c in sorted(run.statuses.items()) if not 200 <= s < 300}
    extra = f"; other answers {others}" if others else ""
    extra += f"; no answer {run.failures}" if run.failures else ""
    return (
        f"{run.name:30} {run.throughput:8.1f} req/s   p50 {run.percentile(50) * 1000:7.1f} ms"
        f"   p95 {run.percentile(95) * 1000:7.1f} ms   ({run.ok:,} ok in {run.elapsed:.1f} s{extra})"
    )


# --- Main --------------------------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="measured time of each endpoint")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=2, help="the seconds are split into rounds of (a) then (b)")
    # Processes rather than threads: a Python thread holding the audit chain's row lock waits for the GIL.
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1), help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=2, help="threads per gunicorn worker (gthread)")
    parser.add_argument(
        "--database-url", default=os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    )
    parser.add_argument(
        "--check", action="store_true", help=f"exit 1 below a ratio of {TARGET_RATIO} or on lost writes"
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="attune-bench-") as folder, scratch_database(args.database_url) as db:
        port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("ATTUNE_")}
        env.update(
            ATTUNE_ENV="development",
            ATTUNE_DEBUG="false",
            ATTUNE_VAR_DIR=folder,
            DATABASE_URL=db,
            ATTUNE_DB_CONN_MAX_AGE="60",  # persistent connections, as a deployment would run
            ATTUNE_DEMO_PASSWORD=DEMO_PASSWORD,
            ATTUNE_SITE_URL=f"http://{HOST}:{port}",
            ATTUNE_LOG_LEVEL="WARNING",
        )
        attune(env, "migrate", "--no-input", "-v", "0")
        attune(env, "demo")
        log = Path(folder, "gunicorn.log")
        with gunicorn(env, port, args.workers, args.threads, log) as url:
            token, client_id = api_token(url)
            print(
                f"gunicorn gthread, {args.workers} workers x {args.threads} threads, PostgreSQL; "
                f"{args.connections} keep-alive connections for {args.seconds:g} s each in {args.rounds} interleaved "
                f"rounds, after {WARM_UP_SECONDS:g} s of warm-up; {os.cpu_count()} CPUs shared by the server, the "
                "database and this load generator"
            )

            def me(n: int) -> tuple[bytes, bytes]:
                return get_me(token)

            def entry(n: int) -> tuple[bytes, bytes]:
                return post_entry(token, client_id, n)

            measure(port, args.connections, WARM_UP_SECONDS, me, Run("warm-up"))
            measure(port, args.connections, WARM_UP_SECONDS, entry, Run("warm-up"))
            before = stored_entries(db, client_id)  # after the warm-up's writes: only the measured runs count
            floor, write = Run("(a) GET /api/v1/me"), Run("(b) POST diary entry")
            # Interleaved, so that a busy spell of the machine falls on both.
            for _ in range(args.rounds):
                measure(port, args.connections, args.seconds / args.rounds, me, floor)
                measure(port, args.connections, args.seconds / args.rounds, entry, write)
            print(report(floor))
            print(report(write))
        after = stored_entries(db, client_id)
        errors = "Traceback" in log.read_text(errors="replace")
        verify = subprocess.run(
            [str(BIN / "attune"), "audit", "verify"], env=env, cwd=PROJECT_DIR, capture_output=True, text=True
        )
    return summarise(floor, write, before, after, errors, verify, check=args.check)


def summarise(
    floor: Run,
    write: Run,
    before: int,
    after: int,
    errors: bool,
    verify: subprocess.CompletedProcess[str],
    *,
    check: bool,
) -> int:
    ratio = write.throughput / floor.throughput if floor.throughput else 0.0
    verdict = "meets" if ratio >= TARGET_RATIO else "misses"
    print(f"ratio b/a: {ratio:.2f} ({verdict} the target of {TARGET_RATIO})")
    stored = after - before
    same = "equal" if stored == write.ok else "NOT EQUAL"
    print(f"entries acknowledged (2xx): {write.ok:,}; entries stored: {stored:,} ({same})")
    print(f"audit chain: {(verify.stdout or verify.stderr).strip() or 'verified'} (exit {verify.returncode})")
    if errors:
        print("the server logged a traceback during the run")
    failed = ratio < TARGET_RATIO or stored != write.ok or verify.returncode != 0 or errors
    return 1 if check and failed else 0


if __name__ == "__main__":
    sys.exit(main())
