"""Shared fixtures: every test gets its own folders, never the user's real data or logs."""

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.db import Database
from core.launch import LaunchResult, open_database

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
def db(launched: LaunchResult) -> Database:
    return launched.database
