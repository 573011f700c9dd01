"""Shared fixtures: every test gets its own folders, never the user's real data or logs.

The whole session runs in per-user folders of its own (``tests/user_folders.py``), set up here
before anything of FieldLog's is imported: no fixture of any scope, and no process a test
starts, can reach a real user's database, backups or logs. Each test then gets its own
``FIELDLOG_DB`` and log folder inside its ``tmp_path`` as well.

A test that takes ``postgres_url`` gets a database of its own on the session's private
PostgreSQL server, which the suite starts itself (``tests/postgres.py``); ``postgres_db`` is
one migrated to head, and a module that imports ``tests.databases.both_databases`` runs its
tests that take ``db`` on SQLite and on PostgreSQL.
"""

import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.user_folders import sandbox

USER_FOLDERS = sandbox()

from core.db import SqliteDatabase  # noqa: E402
from core.launch import LaunchResult, open_database  # noqa: E402
from tests.databases import postgres_db, sqlite_db  # noqa: E402, F401  (fixtures)
from tests.postgres import postgres_server, postgres_url  # noqa: E402, F401  (fixtures)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test that uses the PostgreSQL server is marked ``postgres`` (the release build,
    on machines without one, leaves them out: ``-m "not postgres"``)."""
    for item in items:
        if "postgres_server" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.postgres)


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(USER_FOLDERS.root, ignore_errors=True)


# Qt tests run without a screen; set before any test imports Qt.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FIELDLOG_LOG_DIR", str(tmp_path / "logs"))
    monkeypatch.setenv("FIELDLOG_DB", str(tmp_path / "default" / "fieldlog.db"))


@pytest.fixture
def kolkata() -> Iterator[None]:
    """Local time is India's (+05:30, no daylight saving) for the test."""
    old = os.environ.get("TZ")
    os.environ["TZ"] = "Asia/Kolkata"
    time.tzset()
    yield
    if old is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = old
    time.tzset()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "fieldlog.db"


@pytest.fixture
def launched(db_path: Path) -> Iterator[LaunchResult]:
    """A fresh database created by the real launch path (by migrating, never create_all)."""
    result = open_database(db_path)
    yield result
    result.database.close()


@pytest.fixture
def db(launched: LaunchResult) -> SqliteDatabase:
    return launched.database
