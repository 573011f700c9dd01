"""What the chart and the readings table ask for: numpy series and pages of rows.

Series are read with the driver cursor straight into numpy (PERFORMANCE.md, T3); they carry the
reading ids so that a hovered point can be looked up without loading every note.
"""

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
import numpy.typing as npt

from core.db import Database
from core.models import ReadingSource
from core.readings import LimitFlag
from core.timeutil import from_epoch_ms

ALL_TIME_MS = (-(2**62), 2**62)


@dataclass(frozen=True)
class ChartSeries:
    device_id: int
    name: str
    unit: str
    low: float | None
    high: float | None
    times_s: npt.NDArray[np.float64]  # seconds since the epoch, float64 as pyqtgraph wants
    values: npt.NDArray[np.float64]
    ids: npt.NDArray[np.int64]

    @property
    def flagged(self) -> npt.NDArray[np.bool_]:
        """Points outside the device's limits."""
        outside = np.zeros(len(self.values), dtype=bool)
        if self.low is not None:
            outside |= self.values < self.low
        if self.high is not None:
            outside |= self.values > self.high
        return outside


_DEVICE_SQL = (
    "SELECT name, coalesce(default_unit, (SELECT unit FROM readings WHERE device_id = d.id "
    "ORDER BY recorded_at DESC LIMIT 1), ''), low_limit, high_limit FROM devices AS d "
    "WHERE id = ?"
)
_SERIES_SQL = (
    "SELECT recorded_at, value, id FROM readings WHERE device_id = ? AND superseded = 0 "
    "ORDER BY recorded_at"
)


def chart_series(db: Database, device_ids: list[int]) -> list[ChartSeries]:
    """The current readings of each device (corrected originals left out), in time order."""
    with db.raw() as conn:
        return [s for s in (_one_series(conn, i) for i in device_ids) if s is not None]


def _one_series(conn: sqlite3.Connection, device_id: int) -> ChartSeries | None:
    device = conn.execute(_DEVICE_SQL, (device_id,)).fetchone()
    if device is None:
        return None
    rows = conn.execute(_SERIES_SQL, (device_id,)).fetchall()
    table = np.array(rows, dtype=np.float64).reshape(-1, 3)
    ids = np.array([row[2] for row in rows], dtype=np.int64)
    return ChartSeries(
        device_id, device[0], device[1], device[2], device[3],
        table[:, 0] / 1000.0, np.ascontiguousarray(table[:, 1]), ids,
    )  # fmt: skip


@dataclass(frozen=True)
class ReadingRow:
    """One line of the readings table."""

    id: int
    device_id: int
    device_name: str
    recorded_at: datetime
    value: float
    unit: str
    operator: str | None
    note: str | None
    source: ReadingSource
    flag: LimitFlag
    corrects_id: int | None
    corrected_by: int | None  # set on a superseded original


_PAGE_SQL = """
SELECT r.id, r.device_id, d.name, r.recorded_at, r.value, r.unit, r.operator, r.note,
       r.source, d.low_limit, d.high_limit, r.corrects_id,
       (SELECT c.id FROM readings AS c WHERE c.corrects_id = r.id) AS corrected_by
FROM readings AS r JOIN devices AS d ON d.id = r.device_id
WHERE r.device_id IN ({marks}) AND r.recorded_at >= ? AND r.recorded_at < ?
ORDER BY r.recorded_at DESC, r.id DESC
LIMIT ? OFFSET ?
"""


def readings_page(
    db: Database,
    device_ids: list[int],
    start_ms: int | None,
    end_ms: int | None,
    offset: int = 0,
    limit: int = 500,
) -> list[ReadingRow]:
    """Newest first: current readings, corrections and the originals they replaced."""
    if not device_ids:
        return []
    sql = _PAGE_SQL.format(marks=", ".join("?" * len(device_ids)))
    start = ALL_TIME_MS[0] if start_ms is None else start_ms
    end = ALL_TIME_MS[1] if end_ms is None else end_ms
    with db.raw() as conn:
        rows = conn.execute(sql, (*device_ids, start, end, limit, offset)).fetchall()
    return [_row(r) for r in rows]


def _row(r: Any) -> ReadingRow:
    value = float(r[4])
    low, high = r[9], r[10]
    return ReadingRow(
        id=int(r[0]),
        device_id=int(r[1]),
        device_name=str(r[2]),
        recorded_at=from_epoch_ms(int(r[3])),
        value=value,
        unit=str(r[5]),
        operator=r[6],
        note=r[7],
        source=ReadingSource(r[8]),
        flag=LimitFlag.of(value, low, high),
        corrects_id=r[11],
        corrected_by=r[12],
    )
