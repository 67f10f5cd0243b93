"""Scale-out run: one PostgreSQL, two app servers on two ports, two workers; the same load against one server and
then spread across both, then checks that nothing was lost.

    .venv/bin/python bench/scale.py [--seconds 10] [--connections 16] [--workers 1] [--threads 4]
                                    [--database-url postgres://postgres@127.0.0.1:5432/postgres] [--check]

Seeds the demo in a scratch database, takes API tokens for two clients (Dana and Eli), starts two gunicorn servers
and two `attune worker` processes. The load: --connections keep-alive connections, half writing diary entries (each
with a new client-made key) for one of the two clients, a quarter reading (`GET /api/v1/me` and the client's diary
list), a quarter drafting couples agreements as Frank, Dana's partner (each puts a message for Dana in the outbox,
which the two workers deliver as mail files). Phase 1 sends everything to server 1; phase 2 spreads the
connections across both servers. It prints the throughput of each phase and the ratio two/one, then checks:
diary entries acknowledged (2xx) = entries stored,
no 5xx and no dropped connection, `attune audit verify` passes, no traceback in any server or worker log, and
every notification sent exactly once: agreements acknowledged = stored, one outbox row per agreement and channel,
each sent on its first and only attempt (a second delivery would take a second attempt), one mail file per email
row and no mail file without a row.
Absolute numbers depend on the machine (which the load generator, both servers, both workers and PostgreSQL
share here).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import load
import psycopg

ELI = "eli@demo.attune.test"
FRANK = "frank@demo.attune.test"


def token_for(url: str, email: str) -> tuple[str, str]:
    body = json.dumps({"email": email, "password": load.DEMO_PASSWORD, "name": "scale"}).encode()
    request = urllib.request.Request(  # noqa: S310
        f"{url}/api/v1/auth/token", data=body, headers={"Content-Type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        token = json.load(response)["token"]
    me = urllib.request.Request(f"{url}/api/v1/me", headers={"Authorization": f"Bearer {token}"})  # noqa: S310
    with urllib.request.urlopen(me, timeout=30) as response:  # noqa: S310
        return token, json.load(response)["client_id"]


def list_entries(token: str, client_id: str) -> tuple[bytes, bytes]:
    head = (
        f"GET /api/v1/clients/{client_id}/diary/entries HTTP/1.1\r\nHost: {load.HOST}\r\n"
        f"Authorization: Bearer {token}\r\nAccept: application/json\r\n\r\n"
    )
    return head.encode(), b""


def partner_token(url: str) -> tuple[str, int]:
    """Frank (Dana's partner in the demo): a token and the couples link's id."""
    body = json.dumps({"email": FRANK, "password": load.DEMO_PASSWORD, "name": "scale"}).encode()
    request = urllib.request.Request(  # noqa: S310
        f"{url}/api/v1/auth/token", data=body, headers={"Content-Type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        token = json.load(response)["token"]
    links = urllib.request.Request(f"{url}/api/v1/couples", headers={"Authorization": f"Bearer {token}"})  # noqa: S310
    with urllib.request.urlopen(links, timeout=30) as response:  # noqa: S310
        return token, int(json.load(response)[0]["id"])


def draft_agreement(token: str, link_id: int, n: int) -> tuple[bytes, bytes]:
    """One new agreement from Frank: the outbox gets one message for Dana (per channel she has)."""
    body = json.dumps({"kind": "boundary", "title": f"Scale agreement {n}", "text": "Written by bench/scale.py."})
    head = (
        f"POST /api/v1/couples/{link_id}/agreements HTTP/1.1\r\nHost: {load.HOST}\r\n"
        f"Authorization: Bearer {token}\r\nContent-Type: application/json\r\nAccept: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode(), body.encode()


def _connect(database_url: str) -> psycopg.Connection[Any]:
    return psycopg.connect(database_url.replace("postgres://", "postgresql://", 1))


def stored(database_url: str) -> int:
    with _connect(database_url) as conn:
        row = conn.execute("SELECT count(*) FROM diary_diaryentry").fetchone()
    return int(row[0]) if row else 0


def database_now(database_url: str) -> datetime.datetime:
    with _connect(database_url) as conn:
        row = conn.execute("SELECT now()").fetchone()
    assert row is not None
    return row[0]


@dataclass
class Outbox:
    agreements: int  # agreements stored since the start
    rows: int  # their notifications in the outbox
    keys: int  # distinct (agreement, channel) among them
    sent: int
    once: int  # sent on their first and only attempt
    waiting: int  # still queued or sending when the wait ended
    other: int  # failed or cancelled
    files: int  # mail files written for the email rows
    stray_files: int  # mail files that belong to no outbox row at all


def drain(database_url: str, since: datetime.datetime, mail_dir: Path, timeout: float) -> Outbox:
    """Wait (workers still running) until the run's notifications are all delivered, then count them."""
    stop = time.monotonic() + timeout
    while True:
        with _connect(database_url) as conn:
            agreements = conn.execute("SELECT count(*) FROM couples_agreement WHERE created >= %s", [since]).fetchone()
            rows = conn.execute(
                "SELECT id, channel, dedupe_key, status, attempts FROM notify_notification "
                "WHERE created >= %s AND dedupe_key LIKE 'agreement:%%'",
                [since],
            ).fetchall()
            every = {str(r[0]) for r in conn.execute("SELECT id FROM notify_notification").fetchall()}
        waiting = sum(1 for r in rows if r[3] in ("queued", "sending"))
        if not waiting or time.monotonic() > stop:
            break
        time.sleep(1)
    emails = {str(r[0]) for r in rows if r[1] == "email"}
    names = {p.stem for p in mail_dir.glob("*.eml")} if mail_dir.is_dir() else set()
    return Outbox(
        agreements=int(agreements[0]) if agreements else 0,
        rows=len(rows),
        keys=len({(r[1], r[2]) for r in rows}),
        sent=sum(1 for r in rows if r[3] == "sent"),
        once=sum(1 for r in rows if r[3] == "sent" and r[4] == 1),
        waiting=waiting,
        other=sum(1 for r in rows if r[3] not in ("queued", "sending", "sent")),
        files=len(emails & names),
        stray_files=len(names - every),
    )


def phase(
    ports: list[int], connections: int, seconds: float, people: list[tuple[str, str]], partner: tuple[str, int]
) -> load.Run:
    """`connections` connections spread over `ports`, one Run for all: half write diary entries, a quarter read,
    a quarter draft couples agreements (each sends Dana a notification through the outbox)."""
    import asyncio

    total = load.Run(f"{len(ports)} server(s)")

    async def everything() -> None:
        jobs = []
        for i in range(connections):
            token, client_id = people[i % len(people)]
            port = ports[i % len(ports)]
            if i % 2 == 0:

                def build(n: int, token: str = token, client_id: str = client_id) -> tuple[bytes, bytes]:
                    return load.post_entry(token, client_id, n)
            elif i % 4 == 3:

                def build(n: int, token: str = token, client_id: str = client_id) -> tuple[bytes, bytes]:
                    return draft_agreement(partner[0], partner[1], n)
            else:

                def build(n: int, token: str = token, client_id: str = client_id) -> tuple[bytes, bytes]:
                    return load.get_me(token) if n % 2 else list_entries(token, client_id)

            run = load.Run(f"c{i}")
            run.name = "write" if i % 2 == 0 else "agree" if i % 4 == 3 else "read"
            jobs.append((run, load.drive(port, 1, seconds, build, run)))
        await asyncio.gather(*(job for _, job in jobs))
        for run, _ in jobs:
            for status, count in run.statuses.items():
                total.statuses[status] = total.statuses.get(status, 0) + count
            total.failures += run.failures
            total.latencies += run.latencies
            if run.name == "write":
                total.statuses[-1] = total.statuses.get(-1, 0) + run.ok  # acknowledged writes, kept apart
            if run.name == "agree":
                total.statuses[-2] = total.statuses.get(-2, 0) + run.ok  # acknowledged agreements, kept apart
        total.elapsed = seconds

    asyncio.run(everything())
    return total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=1, help="gunicorn processes per server")
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--drain-seconds", type=float, default=120.0, help="longest wait for the outbox to empty")
    parser.add_argument(
        "--check",
        action="store_true",
        help="exit 1 on a lost write, a 5xx, a broken chain or a notification not sent once",
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="attune-scale-") as folder, load.scratch_database(args.database_url) as db:
        ports = [load.free_port(), load.free_port()]
        env = {k: v for k, v in os.environ.items() if not k.startswith("ATTUNE_")}
        env.update(
            ATTUNE_ENV="development",
            ATTUNE_DEBUG="false",
            ATTUNE_VAR_DIR=folder,
            DATABASE_URL=db,
            ATTUNE_DB_CONN_MAX_AGE="60",
            ATTUNE_DEMO_PASSWORD=load.DEMO_PASSWORD,
            ATTUNE_SITE_URL=f"http://{load.HOST}:{ports[0]}",
            ATTUNE_LOG_LEVEL="WARNING",
        )
        load.attune(env, "migrate", "--no-input", "-v", "0")
        load.attune(env, "demo")
        logs = [Path(folder, name) for name in ("web1.log", "web2.log", "worker1.log", "worker2.log")]
        mail_dir = Path(folder, "mail")
        workers = []
        with contextlib.ExitStack() as stack:
            urls = [
                stack.enter_context(load.gunicorn(env, port, args.workers, args.threads, log))
                for port, log in zip(ports, logs[:2], strict=True)
            ]
            for log in logs[2:]:
                out = log.open("wb")
                stack.callback(out.close)
                workers.append(
                    subprocess.Popen(
                        [str(load.BIN / "attune"), "worker", "--no-startup-delay"],
                        env=env,
                        cwd=load.PROJECT_DIR,
                        stdout=out,
                        stderr=subprocess.STDOUT,
                    )
                )
            try:
                people = [token_for(urls[0], load.DANA), token_for(urls[1], ELI)]
                partner = partner_token(urls[1])
                phase(ports[:1], args.connections, 2.0, people, partner)  # warm-up
                before, since = stored(db), database_now(db)
                one = phase(ports[:1], args.connections, args.seconds, people, partner)
                two = phase(ports, args.connections, args.seconds, people, partner)
                after = stored(db)
                outbox = drain(db, since, mail_dir, args.drain_seconds)
            finally:
                for worker in workers:
                    worker.terminate()
                    worker.wait(timeout=30)
        verify = subprocess.run(
            [str(load.BIN / "attune"), "audit", "verify"], env=env, cwd=load.PROJECT_DIR, capture_output=True, text=True
        )
        tracebacks = [log.name for log in logs if "Traceback" in log.read_text(errors="replace")]

    def ok(run: load.Run) -> int:
        return sum(c for s, c in run.statuses.items() if 200 <= s < 300)

    def fives(run: load.Run) -> int:
        return sum(c for s, c in run.statuses.items() if s >= 500)

    rate_one, rate_two = ok(one) / one.elapsed, ok(two) / two.elapsed
    print(
        f"{args.connections} connections (half writing diary entries, a quarter reading, a quarter drafting couples "
        f"agreements), {args.seconds:g} s per phase; two servers of "
        f"{args.workers} x {args.threads} threads, two workers, one PostgreSQL; {os.cpu_count()} CPUs shared by all"
    )
    print(f"one server : {rate_one:8.1f} req/s ({ok(one):,} 2xx, 5xx {fives(one)}, no answer {one.failures})")
    print(f"two servers: {rate_two:8.1f} req/s ({ok(two):,} 2xx, 5xx {fives(two)}, no answer {two.failures})")
    print(f"ratio two/one: {rate_two / rate_one if rate_one else float('nan'):.2f}")
    acknowledged = one.statuses.get(-1, 0) + two.statuses.get(-1, 0)
    same = "equal" if acknowledged == after - before else "NOT EQUAL"
    print(f"diary entries acknowledged: {acknowledged:,}; stored: {after - before:,} ({same})")
    print(f"audit: {(verify.stdout or verify.stderr).strip()} (exit {verify.returncode})")
    agreed = one.statuses.get(-2, 0) + two.statuses.get(-2, 0)
    exactly_once = (
        outbox.agreements == agreed
        and outbox.keys == outbox.rows
        and outbox.rows >= outbox.agreements > 0
        and outbox.sent == outbox.once == outbox.rows
        and outbox.files == outbox.rows
        and outbox.stray_files == 0
    )
    print(
        f"notifications: agreements acknowledged {agreed:,}, stored {outbox.agreements:,}; outbox rows "
        f"{outbox.rows:,} ({outbox.keys:,} distinct), sent {outbox.sent:,} (on the first attempt {outbox.once:,}), "
        f"still waiting {outbox.waiting}, failed or cancelled {outbox.other}; mail files {outbox.files:,}, "
        f"stray {outbox.stray_files} ({'exactly once' if exactly_once else 'NOT exactly once'})"
    )
    if tracebacks:
        print(f"tracebacks in: {', '.join(tracebacks)}")
    failed = (
        acknowledged != after - before
        or fives(one) + fives(two) > 0
        or one.failures + two.failures > 0
        or verify.returncode != 0
        or bool(tracebacks)
        or not exactly_once
    )
    return 1 if args.check and failed else 0


if __name__ == "__main__":
    sys.exit(main())
