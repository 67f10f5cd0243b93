"""`GET /health/`: is this deployment able to serve and keep its promises? For a load balancer or a monitor.

Five checks, each answered as ok or not with a short reason (never data, never configuration values):
- **database**: a round trip to the database;
- **cache**: a value written to and read back from the cache;
- **worker**: the tick was claimed within three tick periods (some worker is alive and running it);
- **mail**: the mail backend can be reached (SMTP: a connection, remembered for a minute so monitors do not open
  one per probe; other backends: they are loaded);
- **audit checkpoint**: the newest signed checkpoint is valid and no older than three tick periods.

The answer is 200 when every check passes and 503 otherwise, so a proxy can take an app server out of rotation.
It is public (a load balancer has no account) and the same for everyone.
"""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.core.mail import get_connection
from django.db import connection
from django.utils import timezone

from attune.core import audit
from attune.core.models import TickRun

Check = Callable[[], tuple[bool, str]]


def _period() -> datetime.timedelta:
    return datetime.timedelta(seconds=3 * max(1, settings.ATTUNE_TICK_SECONDS) + 30)


def database() -> tuple[bool, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return True, "answers"


def cache_roundtrip() -> tuple[bool, str]:
    key, value = f"attune-health-{secrets.token_hex(4)}", secrets.token_hex(8)
    cache.set(key, value, 10)
    ok = cache.get(key) == value
    cache.delete(key)
    return ok, "answers" if ok else "a value written could not be read back"


def worker() -> tuple[bool, str]:
    newest = TickRun.objects.order_by("-slot").values_list("slot", flat=True).first()
    if newest is None:
        return False, "no worker has run the tick yet"
    age = timezone.now() - newest
    if age > _period():
        return False, f"the tick last ran {int(age.total_seconds())} s ago"
    return True, f"the tick ran {max(0, int(age.total_seconds()))} s ago"


def mail() -> tuple[bool, str]:
    backend = settings.EMAIL_BACKEND
    if not backend.endswith("smtp.EmailBackend"):
        get_connection(fail_silently=False)
        return True, "the backend loads"
    remembered = cache.get("attune-health-mail")
    if remembered is not None:
        return bool(remembered), "reachable" if remembered else "the mail server could not be reached"
    try:
        conn = get_connection(fail_silently=False, timeout=5)
        conn.open()
        conn.close()
        ok = True
    except Exception:  # any failure to connect is the answer
        ok = False
    cache.set("attune-health-mail", ok, 60)
    return ok, "reachable" if ok else "the mail server could not be reached"


def audit_checkpoint() -> tuple[bool, str]:
    try:
        newest = audit.newest_checkpoint()
    except audit.CheckpointError:
        return False, "the newest checkpoint is not signed by the audit key"
    if newest is None:
        return False, "no checkpoint yet"
    age = timezone.now() - newest.time
    if age > _period():
        return False, f"the newest checkpoint is {int(age.total_seconds())} s old"
    return True, f"written {max(0, int(age.total_seconds()))} s ago"


CHECKS: dict[str, Check] = {
    "database": database,
    "cache": cache_roundtrip,
    "worker": worker,
    "mail": mail,
    "audit_checkpoint": audit_checkpoint,
}


def run() -> dict[str, dict[str, object]]:
    results: dict[str, dict[str, object]] = {}
    for name, check in CHECKS.items():
        try:
            ok, detail = check()
        except Exception as exc:  # a check that raises has failed; the class name only (messages carry data)
            ok, detail = False, f"failed ({type(exc).__name__})"
        results[name] = {"ok": ok, "detail": detail}
    return results
