"""T3: one device's series (10k points) out of N rows, into numpy, by the chart's own reader;
on SQLite against a raw ``sqlite3`` fetch, on PostgreSQL against a bare psycopg one."""

import random
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks import data, postgres
from benchmarks.harness import Result, Sizes, interleaved, timed
from core.chart_data import chart_series
from devtools.postgres_server import Server


def device_rows(devices: int, points: int) -> Iterator[data.Row]:
    """``points`` readings per device, sorted by (device_id, recorded_at): the same every call."""
    rng = np.random.default_rng(3)
    moments = (data.T0_MS + np.arange(points) * 60_000).tolist()
    for device in range(1, devices + 1):
        values = np.round(rng.normal(50, 10, points), 3).tolist()
        yield from zip([device] * points, values, moments, strict=True)


def baseline_fetch(conn: sqlite3.Connection, device: int) -> np.ndarray:
    found = conn.execute("SELECT recorded_at, value FROM readings WHERE device_id = ? "
                         "ORDER BY recorded_at", (device,)).fetchall()  # fmt: skip
    return np.array(found, dtype=np.float64)


def run(sizes: Sizes, folder: Path, repeat: int) -> Result:
    devices, points = sizes.pick(20, 1000), sizes.pick(10_000, 10_000)
    reference = folder / "t3-reference.db"
    with data.reference_db(reference) as conn:
        data.fill_reference(conn, device_rows(devices, points))
    ours = data.fieldlog_db(folder / "t3-fieldlog.db", devices)
    data.fill_fieldlog(ours, device_rows(devices, points))
    db = ours.database
    pick = random.Random(5)
    with closing(sqlite3.connect(reference)) as conn:

        def mine() -> float:
            device = pick.randint(1, devices)
            return timed(lambda: chart_series(db, [device]))

        def theirs() -> float:
            device = pick.randint(1, devices)
            return timed(lambda: baseline_fetch(conn, device))

        mine(), theirs()  # warm the caches of both
        ours_s, base_s = interleaved(mine, theirs, repeat * 5)
    db.close()
    return Result("T3", f"series of {points:,} points out of {devices * points:,} rows",
                  ours_s * 1000, base_s * 1000, "ms", 1.5)  # fmt: skip


def run_postgres(sizes: Sizes, server: Server, repeat: int) -> Result:
    """The same series on PostgreSQL, against a bare psycopg SELECT into numpy."""
    devices, points = sizes.pick(20, 1000), sizes.pick(10_000, 10_000)
    db = postgres.fieldlog_db(server, devices)
    postgres.fill_fieldlog(server, db, device_rows(devices, points))
    with postgres.reference_db(server) as conn:
        postgres.copy_reference(conn, device_rows(devices, points))
        reference = server.url(conn.info.dbname)
    postgres.analyze(server, reference)
    pick = random.Random(5)
    with server.connect(reference) as conn:

        def mine() -> float:
            device = pick.randint(1, devices)
            return timed(lambda: chart_series(db, [device]))

        def theirs() -> float:
            device = pick.randint(1, devices)
            return timed(lambda: baseline_fetch_postgres(conn, device))

        mine(), theirs()
        ours_s, base_s = interleaved(mine, theirs, repeat * 5)
    db.close()
    return Result("T3", f"series of {points:,} of {devices * points:,} rows, PostgreSQL",
                  ours_s * 1000, base_s * 1000, "ms", 1.5)  # fmt: skip


def baseline_fetch_postgres(conn: Any, device: int) -> np.ndarray:
    """The bare way: psycopg's binary rows (faster than text for numbers), into numpy."""
    found = conn.execute(b"SELECT recorded_at, value FROM readings WHERE device_id = %s "
                         b"ORDER BY recorded_at", (device,), binary=True).fetchall()  # fmt: skip
    conn.rollback()
    return np.array(found, dtype=np.float64)
