"""The reference schema of PERFORMANCE.md and the generated rows both sides get."""

import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from core.db import apply_pragmas
from core.ids import uuid7
from core.launch import LaunchResult, open_database

REFERENCE_SCHEMA = (
    "CREATE TABLE readings (id INTEGER PRIMARY KEY, device_id INTEGER, value REAL, "
    "recorded_at INTEGER)",
    "CREATE INDEX ix_reference ON readings (device_id, recorded_at)",
)
T0_MS = 1_700_000_000_000


def rows(count: int, devices: int, seed: int = 1) -> list[tuple[int, float, int]]:
    """(device_id, value, recorded_at) in random order, one reading a minute per device."""
    rng = np.random.default_rng(seed)
    device = np.arange(count) % devices + 1
    moment = T0_MS + (np.arange(count) // devices) * 60_000
    values = np.round(rng.normal(50, 10, count), 3)
    order = rng.permutation(count)
    return list(zip(device[order].tolist(), values[order].tolist(), moment[order].tolist(),
                    strict=True))  # fmt: skip


def sorted_rows(count: int, devices: int) -> list[tuple[int, float, int]]:
    return sorted(rows(count, devices), key=lambda r: (r[0], r[2]))


@contextmanager
def reference_db(path: Path) -> Iterator[sqlite3.Connection]:
    with closing(sqlite3.connect(path, isolation_level=None)) as conn:
        apply_pragmas(conn)
        for statement in REFERENCE_SCHEMA:
            conn.execute(statement)
        yield conn


def fill_reference(conn: sqlite3.Connection, data: list[tuple[int, float, int]]) -> None:
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO readings (device_id, value, recorded_at) VALUES (?, ?, ?)",
                     data)  # fmt: skip
    conn.execute("COMMIT")


def fieldlog_db(path: Path, devices: int) -> LaunchResult:
    """A FieldLog database made by migrating, with ``devices`` devices."""
    result = open_database(path)
    with result.database.raw() as conn:
        conn.execute("BEGIN")
        conn.executemany(
            "INSERT INTO devices (id, uid, name, default_unit, created_at, updated_at) "
            "VALUES (?, ?, ?, 'bar', 0, 0)",
            [(n, uuid7().bytes, f"Device {n}") for n in range(1, devices + 1)],
        )
        conn.execute("COMMIT")
    return result


def fill_fieldlog(result: LaunchResult, data: list[tuple[int, float, int]]) -> None:
    with result.database.raw() as conn:
        conn.execute("BEGIN")
        conn.executemany(
            "INSERT INTO readings (device_id, value, recorded_at, unit, source, created_at) "
            "VALUES (?, ?, ?, 'bar', 0, ?)",
            ((d, v, t, t) for d, v, t in data),
        )
        conn.execute("COMMIT")


def size_on_disk(path: Path) -> int:
    wal = path.with_name(path.name + "-wal")
    return path.stat().st_size + (wal.stat().st_size if wal.exists() else 0)


def checkpoint(path: Path) -> None:
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def quiet_env() -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


_APP: list[object] = []


def qt_app() -> Any:
    """One QApplication for every GUI target, kept alive until the process ends."""
    from PySide6.QtWidgets import QApplication  # noqa: TID251 - the GUI targets need one

    if not _APP:
        _APP.append(QApplication.instance() or QApplication([]))
    return _APP[0]


def spin(app: Any, until: Any) -> None:
    """Process events until ``until()`` holds, yielding the GIL to the database thread."""
    while not until():
        app.processEvents()
        time.sleep(0.0005)
