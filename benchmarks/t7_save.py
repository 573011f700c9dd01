"""T7: saving one reading in its own transaction (p50), against a raw INSERT + COMMIT; on
SQLite, and on PostgreSQL against a bare psycopg INSERT + COMMIT."""

import sqlite3
import statistics
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

from benchmarks import data, postgres
from benchmarks.harness import Result, Sizes, timed
from core.readings import NewReading, add_reading
from devtools.postgres_server import Server


def run(sizes: Sizes, folder: Path, repeat: int) -> Result:
    saves = sizes.pick(200, 2000)
    ours = data.fieldlog_db(folder / "t7-fieldlog.db", devices=10)
    db = ours.database
    mine: list[float] = []
    theirs: list[float] = []
    with data.reference_db(folder / "t7-reference.db") as conn:
        for n in range(saves):
            entry = NewReading(n % 10 + 1, 4.2, datetime.now(UTC))
            theirs.append(timed(partial(_raw_save, conn, n)))
            mine.append(timed(partial(add_reading, db, entry)))
    db.close()
    return Result("T7", "save one reading, p50", statistics.median(mine) * 1000,
                  statistics.median(theirs) * 1000, "ms", 20.0, absolute_limit=5.0)  # fmt: skip


def _raw_save(conn: sqlite3.Connection, n: int) -> None:
    conn.execute("BEGIN")
    conn.execute("INSERT INTO readings (device_id, value, recorded_at) VALUES (?, ?, ?)",
                 (n % 10 + 1, 4.2, data.T0_MS + n))  # fmt: skip
    conn.execute("COMMIT")


def run_postgres(sizes: Sizes, server: Server, repeat: int) -> Result:
    """The same save on PostgreSQL, against a bare psycopg INSERT + COMMIT on the same server."""
    saves = sizes.pick(200, 2000)
    db = postgres.fieldlog_db(server, devices=10)
    mine: list[float] = []
    theirs: list[float] = []
    with postgres.reference_db(server) as conn:
        for n in range(saves):
            entry = NewReading(n % 10 + 1, 4.2, datetime.now(UTC))
            theirs.append(timed(partial(_raw_save_postgres, conn, n)))
            mine.append(timed(partial(add_reading, db, entry)))
    db.close()
    return Result("T7", "save one reading, p50, PostgreSQL", statistics.median(mine) * 1000,
                  statistics.median(theirs) * 1000, "ms", 20.0, absolute_limit=5.0)  # fmt: skip


def _raw_save_postgres(conn: Any, n: int) -> None:
    conn.execute(b"INSERT INTO readings (device_id, value, recorded_at) VALUES (%s, %s, %s)",
                 (n % 10 + 1, 4.2, data.T0_MS + n))  # fmt: skip
    conn.commit()
