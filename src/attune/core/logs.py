"""Structured logs: one JSON object per line, carrying the request id and the signed-in user's id.

Messages in Attune hold ids and codes only (SECURITY.md 14); this formatter adds no request data beyond the ids
the request context sets (never paths' query strings, bodies, headers or names). An exception is reduced to its
class name: its message and traceback can carry data.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
from datetime import UTC, datetime

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("attune_request_id", default="")
_user_id: contextvars.ContextVar[int | None] = contextvars.ContextVar("attune_user_id", default=None)

# A request id from a proxy (X-Request-ID) is kept only when it is plainly an id.
_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def accept_request_id(candidate: str) -> str | None:
    return candidate if _ID.match(candidate) else None


def bind(request_id: str, user_id: int | None) -> tuple[contextvars.Token[str], contextvars.Token[int | None]]:
    return _request_id.set(request_id), _user_id.set(user_id)


def bind_user(user_id: int | None) -> None:
    _user_id.set(user_id)


def unbind(tokens: tuple[contextvars.Token[str], contextvars.Token[int | None]]) -> None:
    _request_id.reset(tokens[0])
    _user_id.reset(tokens[1])


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if _request_id.get():
            entry["request_id"] = _request_id.get()
        if _user_id.get() is not None:
            entry["user_id"] = _user_id.get()
        status = getattr(record, "status_code", None)
        if isinstance(status, int):
            entry["status"] = status
        if record.exc_info and record.exc_info[0] is not None:
            entry["exception"] = record.exc_info[0].__name__
        return json.dumps(entry, ensure_ascii=True)
