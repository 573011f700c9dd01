"""What the chart and the readings table ask for: numpy series and pages of rows.

Series are read with the driver cursor straight into numpy (docs/PERFORMANCE.md, T3). They carry
each point's reading id instead of its operator and note, so that a hovered point is looked up
on its own (``core.readings.get_reading``) rather than loading a million notes.
"""

import os
import sqlite3
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from core.db import Database
from core.models import ReadingSource
from core.readings import LimitFlag
from core.timeutil import from_epoch_ms, to_epoch_ms
from core.validation import value_text

ALL_TIME_MS = (-(2**62), 2**62)


def limit_flags(
    values: npt.NDArray[np.float64], low: float | None, high: float | None
) -> npt.NDArray[np.int8]:
    """-1 below the low limit, +1 above the high one, 0 within (as ``LimitFlag.of``)."""
    flags = np.zeros(len(values), dtype=np.int8)
    if high is not None:
        flags[values > high] = 1
    if low is not None:
        flags[values < low] = -1
    return flags


@dataclass(frozen=True, eq=False)  # arrays: equality would be element-wise, so identity
class ChartSeries:
    """One device's current readings in time order, with what the chart says about it."""

    device_id: int
    name: str
    serial: str | None
    unit: str
    low: float | None
    high: float | None
    times_s: npt.NDArray[np.float64]  # seconds since the epoch: float64, as pyqtgraph wants
    values: npt.NDArray[np.float64]
    ids: npt.NDArray[np.int64]

    @cached_property
    def flags(self) -> npt.NDArray[np.int8]:
        """-1, 0 or +1 for each point (computed once; ``chart_series`` does it off the UI)."""
        return limit_flags(self.values, self.low, self.high)

    @cached_property
    def flagged_index(self) -> npt.NDArray[np.intp]:
        """The indexes of the points outside the device's limits."""
        return np.flatnonzero(self.flags)

    @property
    def flagged(self) -> npt.NDArray[np.bool_]:
        """Points outside the device's limits."""
        flagged: npt.NDArray[np.bool_] = self.flags != 0
        return flagged

    def visible(self, start_s: float, end_s: float) -> slice:
        """The points with ``start_s <= time <= end_s`` (the series is sorted by time)."""
        first = int(np.searchsorted(self.times_s, start_s, side="left"))
        return slice(first, int(np.searchsorted(self.times_s, end_s, side="right")))


_DEVICE_SQL = (
    "SELECT name, serial_number, coalesce(default_unit, (SELECT unit FROM readings "
    "WHERE device_id = d.id ORDER BY recorded_at DESC LIMIT 1), ''), low_limit, high_limit "
    "FROM devices AS d WHERE id = ?"
)
_SERIES_SQL = (
    "SELECT recorded_at, value, id FROM readings WHERE device_id = ? AND superseded = 0 "
    "ORDER BY recorded_at"
)


def chart_series(db: Database, device_ids: list[int]) -> list[ChartSeries]:
    """The current readings of each device (corrected originals left out), in time order.

    Devices that no longer exist are left out.
    """
    with db.raw() as conn:
        return [s for s in (_one_series(conn, i) for i in device_ids) if s is not None]


def _one_series(conn: sqlite3.Connection, device_id: int) -> ChartSeries | None:
    device = conn.execute(_DEVICE_SQL, (device_id,)).fetchone()
    if device is None:
        return None
    rows = conn.execute(_SERIES_SQL, (device_id,)).fetchall()
    table = np.array(rows, dtype=np.float64).reshape(-1, 3)  # ids and ms are exact below 2**53
    name, serial, unit, low, high = device
    made = ChartSeries(
        device_id, name, serial, unit, low, high, times_s=table[:, 0] / 1000.0,
        values=np.ascontiguousarray(table[:, 1]), ids=table[:, 2].astype(np.int64),
    )  # fmt: skip
    made.flagged_index  # noqa: B018 -- computed here, on the database thread, not in the UI
    return made


# --- files ----------------------------------------------------------------------------


def write_atomically(path: Path, write: Callable[[Path], Any]) -> None:
    """Call ``write`` on a temporary file beside ``path``, then rename it over ``path``.

    A failure (an exception, or ``write`` returning False) leaves ``path`` as it was and no
    temporary file behind.
    """
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(handle)
    tmp = Path(name)
    try:
        if write(tmp) is False:
            raise OSError(f"Could not write {path}.")
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)


# --- pages of the readings table ---------------------------------------------------------


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
    decimals: int | None = None  # as typed (see core.validation.value_text)

    @property
    def text(self) -> str:
        return value_text(self.value, self.decimals)

    @property
    def superseded(self) -> bool:
        return self.corrected_by is not None

    @property
    def key(self) -> tuple[int, int]:
        """Where the next page starts (see ``readings_page``)."""
        return to_epoch_ms(self.recorded_at), self.id


_PAGE_SQL = """
SELECT r.id, r.device_id, d.name, r.recorded_at, r.value, r.unit, r.operator, r.note,
       r.source, d.low_limit, d.high_limit, r.corrects_id,
       (SELECT c.id FROM readings AS c WHERE c.corrects_id = r.id) AS corrected_by, r.decimals
FROM readings AS r JOIN devices AS d ON d.id = r.device_id
WHERE r.device_id IN ({marks}) AND r.recorded_at >= ? AND r.recorded_at <= ?
  AND (r.recorded_at, r.id) < (?, ?)
ORDER BY r.recorded_at DESC, r.id DESC
LIMIT ?
"""


def readings_page(
    db: Database,
    device_ids: list[int],
    start_ms: int | None = None,
    end_ms: int | None = None,
    *,
    after: tuple[int, int] | None = None,
    limit: int = 500,
) -> list[ReadingRow]:
    """Readings of several devices in ``[start_ms, end_ms)``, newest first, including the
    originals that corrections replaced (each says which reading corrected it).

    ``after`` is the ``key`` of the last row of the previous page. Paging by key rather than by
    offset keeps the thousandth page as fast as the first.
    """
    if not device_ids:
        return []
    sql = _PAGE_SQL.format(marks=", ".join("?" * len(device_ids)))
    start = ALL_TIME_MS[0] if start_ms is None else start_ms
    end = ALL_TIME_MS[1] if end_ms is None else end_ms
    key = after if after is not None else (end, 0)
    last = min(end - 1, key[0])  # a plain bound, so that SQLite seeks to the page in the index
    with db.raw() as conn:
        rows = conn.execute(sql, (*device_ids, start, last, *key, limit)).fetchall()
    return [_row(r) for r in rows]


def _row(r: Any) -> ReadingRow:
    value = float(r[4])
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
        flag=LimitFlag.of(value, r[9], r[10]),
        corrects_id=r[11],
        corrected_by=r[12],
        decimals=r[13],
    )
