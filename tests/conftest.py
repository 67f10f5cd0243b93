from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client as DjangoClient
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import settings as hypothesis_settings

from tests import cast as standing_cast

# Property tests judge answers, never speed: the machine is shared and noisy, so no example has a wall-clock
# deadline (Hypothesis' default of 200 ms failed a scoring property under load). Loaded before any test module
# is imported, so every @settings(...) in the suite inherits it.
hypothesis_settings.register_profile("attune", deadline=None)
hypothesis_settings.load_profile("attune")


def pytest_configure(config: pytest.Config) -> None:
    from django.conf import settings

    # Argon2id is the production hasher (asserted in tests/accounts/test_passwords.py); the suite signs in
    # hundreds of times, so it hashes the cast's passwords with a fast hasher that Argon2 can still verify.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *settings.PASSWORD_HASHERS]
    _flush_past_audit_triggers()


def _flush_past_audit_triggers() -> None:
    """PostgreSQL refuses TRUNCATE of the audit trail (core migration 0004). A transactional test empties the
    database with TRUNCATE afterwards; the suite connects as a superuser, which may switch the session to
    replica mode, where ordinary triggers do not fire. The application's role cannot do this."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    original = DatabaseOperations.execute_sql_flush

    def execute_sql_flush(self: Any, sql_list: Any) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = replica")
        try:
            original(self, sql_list)
        finally:
            with self.connection.cursor() as cursor:
                cursor.execute("SET session_replication_role = DEFAULT")

    DatabaseOperations.execute_sql_flush = execute_sql_flush  # type: ignore[method-assign]


@pytest.fixture(autouse=True)
def _audit_checkpoints(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Each test has its own (empty) audit checkpoint directory: the database is rolled back after each test,
    so a checkpoint written by one test would not describe the next test's trail."""
    from django.conf import settings

    old = settings.ATTUNE_AUDIT_CHECKPOINT_DIR
    settings.ATTUNE_AUDIT_CHECKPOINT_DIR = tmp_path_factory.mktemp("checkpoints")
    try:
        yield
    finally:
        settings.ATTUNE_AUDIT_CHECKPOINT_DIR = old


@pytest.fixture(autouse=True)
def _practice_instruments(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Each test has its own (empty) folder of the practice's imported instruments: a test (or a demo seed) that
    imports a practice's copy, stand-in wording say, must not change what later tests load, nor the project's var/."""
    from django.conf import settings

    from attune.measures import library

    old = settings.ATTUNE_INSTRUMENTS_DIR
    settings.ATTUNE_INSTRUMENTS_DIR = tmp_path_factory.mktemp("instruments")
    library.use_local_dir(settings.ATTUNE_INSTRUMENTS_DIR)
    try:
        yield
    finally:
        settings.ATTUNE_INSTRUMENTS_DIR = old
        library.use_local_dir(old)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> None:
    with django_db_blocker.unblock():
        standing_cast.seed()


@pytest.fixture
def cast(db: Any) -> standing_cast.Cast:
    loaded = standing_cast.load()
    if "alice" not in loaded.users:
        # A transactional test flushed the database after itself: seed the cast again.
        standing_cast.seed()
        loaded = standing_cast.load()
    return loaded


@pytest.fixture
def client_for(db: Any) -> Any:
    """A Django test client signed in as one member of the cast, with CSRF checks on (as in a browser)."""

    def make(user: Any, *, verified: bool = True) -> DjangoClient:
        browser = DjangoClient(enforce_csrf_checks=True)
        if user is not None:
            browser.force_login(user)
            device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
            if verified and device is not None:
                # As if the person had entered their authenticator code at sign-in.
                session = browser.session
                session[DEVICE_ID_SESSION_KEY] = device.persistent_id
                session.save()
        return browser

    return make


@pytest.fixture
def api_for(db: Any) -> Any:
    """A Django test client that calls the API with a fresh personal access token of this user."""
    from attune.accounts.services import create_api_token

    def make(user: Any) -> DjangoClient:
        _, raw = create_api_token(user, "test")
        return DjangoClient(enforce_csrf_checks=True, headers={"authorization": f"Bearer {raw}"})

    return make


@pytest.fixture
def captured_logs() -> Iterator[list[str]]:
    records: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(self.format(record))

    handler = Collect(level=logging.DEBUG)
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield records
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
