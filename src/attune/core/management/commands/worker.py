"""`attune worker`: runs background jobs (django-tasks-db's worker loop) and, once a minute, the tick.

Run one on each host that should do background work, all against the same database: jobs are claimed row by
row, and each minute's tick is claimed by exactly one worker (attune.core.ticks).
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from django.core.management.base import CommandError
from django.db import close_old_connections, connection
from django.utils import timezone
from django_tasks import task_backends
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.management.commands import db_worker

from attune.core import ticks

logger = logging.getLogger("attune.worker")


def _tick_once() -> None:
    close_old_connections()
    try:
        ticks.run_due(timezone.now())
    except Exception as exc:  # a database hiccup must not stop the heartbeat; the next slot tries again
        logger.error("tick could not run: %s", type(exc).__name__)


def _beat(stop: threading.Event) -> None:
    """Wake at the start of each slot and run its tick if no other worker has claimed it."""
    try:
        while not stop.is_set():
            _tick_once()
            stop.wait(max(0.05, (ticks.next_slot(timezone.now()) - timezone.now()).total_seconds()))
    finally:
        connection.close()


class Command(db_worker.Command):
    help = "Run background jobs and the periodic tick (one or more per deployment, on any host)."

    def add_arguments(self, parser: Any) -> None:
        super().add_arguments(parser)
        parser.add_argument("--no-tick", action="store_true", help="run jobs only, never the tick")

    def handle(self, *args: Any, **options: Any) -> None:
        no_tick = options.pop("no_tick", False)
        if not isinstance(task_backends[options["backend_name"]], DatabaseBackend):
            raise CommandError(
                "ATTUNE_TASKS_BACKEND is not the database backend: run that backend's own worker, "
                "and `attune tick` every minute from cron."
            )
        # The reloader would run the tick in two processes; restart the worker by hand after code changes.
        options["reload"] = False
        if options["batch"]:
            # Used by tests and one-off catch-ups: this slot's tick (if due), then the queue until it is empty.
            if not no_tick:
                _tick_once()
            return super().handle(*args, **options)
        if not no_tick:
            threading.Thread(target=_beat, args=(threading.Event(),), name="attune-tick", daemon=True).start()
        return super().handle(*args, **options)
