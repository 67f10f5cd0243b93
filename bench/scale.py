"""Scale-out run: one PostgreSQL, two app servers on two ports, two workers; the same load against one server and
then spread across both, then checks that nothing was lost.

    .venv/bin/python bench/scale.py [--seconds 10] [--connections 16] [--workers 1] [--threads 4]
                                    [--database-url postgres://postgres@127.0.0.1:5432/postgres] [--check]

Seeds the demo in a scratch database, takes API tokens for two clients (Dana and Eli), starts two gunicorn servers
and two `attune worker` processes. The load: --connections keep-alive connections, half writing diary entries (each
with a new client-made key) for one of the two clients, half reading (`GET /api/v1/me` and the client's diary
list). Phase 1 sends everything to server 1; phase 2 spreads the connections across both servers. It prints the
throughput of each phase and the ratio two/one, then checks: diary entries acknowledged (2xx) = entries stored,
no 5xx and no dropped connection, `attune audit verify` passes, and no traceback in any server or worker log.
Absolute numbers depend on the machine (which the load generator, both servers, both workers and PostgreSQL
share here).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import load
import psycopg

ELI = "eli@demo.attune.test"


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


def stored(database_url: str) -> int:
    with psycopg.connect(database_url.replace("postgres://", "postgresql://", 1)) as conn:
        row = conn.execute("SELECT count(*) FROM diary_diaryentry").fetchone()
    return int(row[0]) if row else 0


def phase(ports: list[int], connections: int, seconds: float, people: list[tuple[str, str]]) -> load.Run:
    """`connections` connections, half writing and half reading, spread over `ports`; one Run for all."""
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
            else:

                def build(n: int, token: str = token, client_id: str = client_id) -> tuple[bytes, bytes]:
                    return load.get_me(token) if n % 2 else list_entries(token, client_id)

            run = load.Run(f"c{i}")
            run.name = "write" if i % 2 == 0 else "read"
            jobs.append((run, load.drive(port, 1, seconds, build, run)))
        await asyncio.gather(*(job for _, job in jobs))
        for run, _ in jobs:
            for status, count in run.statuses.items():
                total.statuses[status] = total.statuses.get(status, 0) + count
            total.failures += run.failures
            total.latencies += run.latencies
            if run.name == "write":
                total.statuses[-1] = total.statuses.get(-1, 0) + run.ok  # acknowledged writes, kept apart
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
    parser.add_argument("--check", action="store_true", help="exit 1 on a lost write, a 5xx or a broken chain")
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
                phase(ports[:1], args.connections, 2.0, people)  # warm-up
                before = stored(db)
                one = phase(ports[:1], args.connections, args.seconds, people)
                two = phase(ports, args.connections, args.seconds, people)
                after = stored(db)
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
        f"{args.connections} connections (half writing, half reading), {args.seconds:g} s per phase; two servers of "
        f"{args.workers} x {args.threads} threads, two workers, one PostgreSQL; {os.cpu_count()} CPUs shared by all"
    )
    print(f"one server : {rate_one:8.1f} req/s ({ok(one):,} 2xx, 5xx {fives(one)}, no answer {one.failures})")
    print(f"two servers: {rate_two:8.1f} req/s ({ok(two):,} 2xx, 5xx {fives(two)}, no answer {two.failures})")
    print(f"ratio two/one: {rate_two / rate_one if rate_one else float('nan'):.2f}")
    acknowledged = one.statuses.get(-1, 0) + two.statuses.get(-1, 0)
    same = "equal" if acknowledged == after - before else "NOT EQUAL"
    print(f"diary entries acknowledged: {acknowledged:,}; stored: {after - before:,} ({same})")
    print(f"audit: {(verify.stdout or verify.stderr).strip()} (exit {verify.returncode})")
    if tracebacks:
        print(f"tracebacks in: {', '.join(tracebacks)}")
    failed = (
        acknowledged != after - before
        or fives(one) + fives(two) > 0
        or one.failures + two.failures > 0
        or verify.returncode != 0
        or bool(tracebacks)
    )
    return 1 if args.check and failed else 0


if __name__ == "__main__":
    sys.exit(main())
