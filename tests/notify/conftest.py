from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from django_tasks.backends.dummy import DummyBackend

from attune.notify.tasks import deliver


@pytest.fixture
def mail_dir(tmp_path: Path, settings) -> Path:
    settings.ATTUNE_MAIL_DIR = tmp_path / "mail"
    return settings.ATTUNE_MAIL_DIR


@pytest.fixture
def jobs() -> Iterator[DummyBackend]:
    """The jobs queued so far (pytest's backend records them); tests run them with run_jobs."""
    backend = task_backends[DEFAULT_TASK_BACKEND_ALIAS]
    assert isinstance(backend, DummyBackend)
    backend.clear()
    yield backend
    backend.clear()


@pytest.fixture
def run_jobs(jobs: DummyBackend) -> Callable[[], list[str]]:
    """Run every queued delivery job once, in order (as a worker would), regardless of its run_after."""

    def run() -> list[str]:
        pending = [r for r in jobs.results if r.task.func is deliver.func]
        jobs.clear()
        return [deliver.call(*r.args, **r.kwargs) for r in pending]

    return run
