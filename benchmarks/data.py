"""The reference schema of docs/PERFORMANCE.md and the generated rows both sides get."""

import os
import shutil
import sqlite3
import time
from collections.abc import Iterable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from core.db import apply_pragmas
from core.devices import DeviceFields, create_device
from core.launch import LaunchResult, open_database

REFERENCE_SCHEMA = (
    "CREATE TABLE readings (id INTEGER PRIMARY KEY, device_id INTEGER, value REAL, "
    "recorded_at INTEGER)",
    "CREATE INDEX ix_reference ON readings (device_id, recorded_at)",
)
T0_MS = 1_700_000_000_000


Row = tuple[int, float, int]  # (device_id, value, recorded_at)


def rows(count: int, devices: int, seed: int = 1) -> list[Row]:
    """(device_id, value, recorded_at) in random order, one reading a minute per device."""
    device, values, moment = _columns(count, devices, seed)
    order = np.random.default_rng(seed).permutation(count)
    return _zipped(device[order], values[order], moment[order])


def sorted_rows(count: int, devices: int, seed: int = 1) -> list[Row]:
    """The same rows as ``rows``, sorted by (device_id, recorded_at): the fast way to build."""
    device, values, moment = _columns(count, devices, seed)
    order = np.lexsort((moment, device))
    return _zipped(device[order], values[order], moment[order])


def _columns(count: int, devices: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    values = np.round(rng.normal(50, 10, count), 3)
    return np.arange(count) % devices + 1, values, T0_MS + (np.arange(count) // devices) * 60_000


def _zipped(device: np.ndarray, values: np.ndarray, moment: np.ndarray) -> list[Row]:
    return list(zip(device.tolist(), values.tolist(), moment.tolist(), strict=True))


@contextmanager
def reference_db(path: Path) -> Iterator[sqlite3.Connection]:
    with closing(sqlite3.connect(path, isolation_level=None)) as conn:
        apply_pragmas(conn)
        for statement in REFERENCE_SCHEMA:
            conn.execute(statement)
        yield conn


def fill_reference(conn: sqlite3.Connection, data: Iterable[Row]) -> None:
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO readings (device_id, value, recorded_at) VALUES (?, ?, ?)",
                     data)  # fmt: skip
    conn.execute("COMMIT")


def fieldlog_db(path: Path, devices: int) -> LaunchResult:
    """A FieldLog database made by migrating, with devices 1 to ``devices`` made by the core."""
    result = open_database(path)
    for number in range(1, devices + 1):
        made = create_device(result.database, DeviceFields(f"Device {number}", default_unit="bar"))
        if made.id != number:
            raise RuntimeError(f"device {number} got id {made.id}: the rows name devices 1..N")
    return result


def fill_fieldlog(result: LaunchResult, data: Iterable[Row]) -> None:
    with result.database.driver_write() as conn:
        conn.executemany(
            "INSERT INTO readings (device_id, value, recorded_at, unit, source, created_at) "
            "VALUES (?, ?, ?, 'bar', 0, ?)",
            ((d, v, t, t) for d, v, t in data),
        )


def size_on_disk(path: Path) -> int:
    wal = path.with_name(path.name + "-wal")
    return path.stat().st_size + (wal.stat().st_size if wal.exists() else 0)


def fresh_copy(source: Path, target: Path) -> None:
    """Copy a checkpointed database, leaving no stale ``-wal``/``-shm`` of an earlier copy.

    The copy is flushed to disk here: otherwise the first fsync of whatever is timed next
    writes out the whole copy, and an O(1) ALTER looks O(rows).
    """
    for suffix in ("-wal", "-shm"):
        target.with_name(target.name + suffix).unlink(missing_ok=True)
    shutil.copyfile(source, target)
    with target.open("rb+") as copied:
        os.fsync(copied.fileno())


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
