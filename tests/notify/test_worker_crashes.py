"""Workers killed with SIGKILL in the middle of delivering (50 of them, two at a time) leave every notification
delivered exactly once: one mail file per notification, every row sent. Real `attune` processes against a file
SQLite database, with a one-second lease and tick so that recovery happens within the test."""

from __future__ import annotations

import email
import email.policy
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

NOTIFICATIONS = 40
KILLS = 50
WORKERS = 5  # started and killed together, so that 50 kills need only 10 start-ups

SEED = f"""
from django.db import transaction
from attune.accounts.models import User
from attune.notify import services
user = User.objects.create_user("someone@example.org", "a-password-for-this-test", display_name="Someone")
with transaction.atomic():
    for n in range({NOTIFICATIONS}):
        services.enqueue(recipient_id=user.pk, purpose="message", target="/", dedupe_key=f"crash:{{n}}")
"""

REPORT = """
from attune.notify.models import Notification
for row in Notification.objects.all():
    print("ROW", row.pk, row.status, row.attempts)
"""


def _attune(env: dict[str, str], *args: str, **kwargs: object) -> subprocess.Popen[bytes]:
    command = [str(Path(sys.executable).parent / "attune"), *args]
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, **kwargs)  # type: ignore[call-overload,no-any-return]


def _run(env: dict[str, str], *args: str) -> str:
    command = [str(Path(sys.executable).parent / "attune"), *args]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=180, check=False)
    assert done.returncode == 0, f"attune {' '.join(args)} failed:\n{done.stderr[-3000:]}"
    return done.stdout


def _mail_count(folder: Path) -> int:
    return sum(1 for p in folder.glob("*.eml")) if folder.is_dir() else 0


def _worker(env: dict[str, str], *extra: str) -> subprocess.Popen[bytes]:
    return _attune(env, "worker", "--no-startup-delay", "--interval", "0.05", "--skip-checks", "-v", "0", *extra)


def _kill_mid_delivery(env: dict[str, str], mail: Path) -> None:
    """Start the workers; once a new message appears (or at a random moment), kill them all with SIGKILL."""
    before = _mail_count(mail)
    workers = [_worker(env) for _ in range(WORKERS)]
    # Mostly right after a message lands (mid-way through a batch); sometimes at a random moment. A slow machine
    # takes seconds to start a worker, so the wait for a message is generous.
    anytime = before > 0 and (random.random() < 0.3 or before == NOTIFICATIONS)
    deadline = time.monotonic() + (random.uniform(0.2, 2.5) if anytime else 30.0)
    while time.monotonic() < deadline and (anytime or _mail_count(mail) == before):
        time.sleep(0.005)
    time.sleep(random.uniform(0, 0.08))
    for worker in workers:
        worker.send_signal(signal.SIGKILL)
    for worker in workers:
        worker.wait(timeout=10)


def test_workers_killed_mid_delivery_deliver_each_notification_once(tmp_path: Path) -> None:
    mail = tmp_path / "mail"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "attune.settings",
        "ATTUNE_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'crash.sqlite3'}",
        "ATTUNE_MAIL_DIR": str(mail),
        "ATTUNE_TASKS_BACKEND": "django_tasks_db.backend.DatabaseBackend",
        "ATTUNE_NOTIFY_LEASE_SECONDS": "1",
        "ATTUNE_TICK_SECONDS": "1",
        # Every kill may land on the same row; the cap on attempts is for sends that fail, tested elsewhere.
        "ATTUNE_NOTIFY_MAX_ATTEMPTS": str(KILLS + 10),
    }
    _run(env, "migrate", "-v", "0")
    _run(env, "shell", "-c", SEED)

    for _ in range(KILLS // WORKERS):
        _kill_mid_delivery(env, mail)
    assert _mail_count(mail) < NOTIFICATIONS, "the kills should have interrupted delivery"
    started = time.monotonic()

    # Restart: after the leases of the killed workers expire, the tick re-queues their rows.
    for _ in range(10):
        time.sleep(1.1)
        _run(env, "worker", "--batch", "--no-startup-delay", "--skip-checks", "-v", "0")
        rows = [line.split()[1:] for line in _run(env, "shell", "-c", REPORT).splitlines() if line.startswith("ROW ")]
        if all(status == "sent" for _, status, _ in rows):
            break

    print(f"recovered in {time.monotonic() - started:.1f} s")
    assert len(rows) == NOTIFICATIONS
    assert {status for _, status, _ in rows} == {"sent"}
    assert any(int(attempts) > 1 for _, _, attempts in rows), "some delivery should have been interrupted"
    files = sorted(mail.glob("*.eml"))
    assert sorted(p.stem for p in files) == sorted(pk for pk, _, _ in rows)
    for path in files:
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        assert path.stem in message["Message-ID"] and message["To"] == "someone@example.org"
