"""Reads from a PostgreSQL replica (DATABASE_REPLICA_URL), where it is safe, and everything else on the primary.

A replica lags the primary by a little, so only reads that can be a moment old go there:
- **only the capability apps' own records** (REPLICA_APPS: diary, questionnaires, skills, measures, monitoring,
  intake) are read from the replica. The policy's reads (clients, care teams, sharing grants, memberships),
  accounts, sessions, the audit trail, the outbox, jobs and ticks always read the primary: a permission or a
  revocation must take effect on the next request, and the audit chain is only ever extended from its head;
- **read-after-write**: once a request has written a record that could be read from the replica, the rest of that
  request reads the primary (bookkeeping writes to tables always read there do not count), and so do
  the same browser's requests for ATTUNE_REPLICA_PIN_SECONDS afterwards (a short-lived cookie set on every unsafe
  request), so a person always sees what they have just saved;
- writes and migrations go to the primary only.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db.models import Model
from django.http import HttpRequest, HttpResponse

REPLICA = "replica"
PRIMARY = "default"
PIN_COOKIE = "attune_primary"
REPLICA_APPS = frozenset({"diary", "questionnaires", "skills", "measures", "monitoring", "intake"})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

_pinned: contextvars.ContextVar[bool] = contextvars.ContextVar("attune_primary_pinned", default=False)


def pin() -> None:
    """Read the primary for the rest of this request (or task)."""
    _pinned.set(True)


def pinned() -> bool:
    return _pinned.get()


class ReplicaRouter:
    def db_for_read(self, model: type[Model], **hints: Any) -> str | None:
        if not settings.DATABASE_REPLICA_URL or _pinned.get():
            return PRIMARY
        return REPLICA if model._meta.app_label in REPLICA_APPS else PRIMARY

    def db_for_write(self, model: type[Model], **hints: Any) -> str | None:
        if model._meta.app_label in REPLICA_APPS:
            # Read-after-write: this request now reads what it wrote. Writes to tables that are always read on
            # the primary (a token's last use, a session, the audit trail) need no pin: pinning on them would
            # send every audited or token-authenticated read to the primary.
            _pinned.set(True)
        return PRIMARY

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool | None:
        return True  # one database, seen through two connections

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return db == PRIMARY


class ReplicaPinMiddleware:
    """Each request starts unpinned unless the same browser wrote a moment ago; an unsafe request pins itself and
    the browser's next few seconds."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        writes = request.method not in SAFE_METHODS
        token = _pinned.set(writes or PIN_COOKIE in request.COOKIES)
        try:
            response = self.get_response(request)
        finally:
            _pinned.reset(token)
        if writes and settings.DATABASE_REPLICA_URL:
            response.set_cookie(
                PIN_COOKIE,
                "1",
                max_age=settings.ATTUNE_REPLICA_PIN_SECONDS,
                httponly=True,
                samesite="Lax",
                secure=request.is_secure(),
            )
        return response
