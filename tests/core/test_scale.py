"""The scale-out run (bench/scale.py) once, bounded, in CI's PostgreSQL pass: two app servers and two workers on
one PostgreSQL; every acknowledged write stored, every audit chain verified, every notification sent exactly
once, no 5xx, no dropped connection, no traceback. Throughput is printed, never asserted (it is the machine's)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

pytestmark = [
    pytest.mark.slow,
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the scale run needs a PostgreSQL server"),
]

PROJECT = Path(__file__).resolve().parents[2]


def test_two_servers_and_two_workers_lose_nothing_and_send_each_notification_once() -> None:
    settings = connection.settings_dict
    server = f"postgres://{settings['USER'] or 'postgres'}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ATTUNE_", "DJANGO_", "PYTEST_"))}
    env["PYTHONPATH"] = str(PROJECT / "src")
    done = subprocess.run(
        [
            sys.executable,
            str(PROJECT / "bench" / "scale.py"),
            "--seconds",
            "8",
            "--connections",
            "8",
            "--drain-seconds",
            "120",
            "--database-url",
            f"{server}/postgres",
            "--check",
        ],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    print(done.stdout)
    assert done.returncode == 0, done.stdout + done.stderr[-3000:]
    assert "equal" in done.stdout and "NOT EQUAL" not in done.stdout
    assert "(exactly once)" in done.stdout
    assert "audit trail intact" in done.stdout
