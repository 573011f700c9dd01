"""What the chart asks for: each device's current readings as numpy series.

Series are read with the driver cursor straight into numpy (docs/PERFORMANCE.md, T3). They carry
each point's reading id instead of its operator and note, so that a hovered point is looked up
on its own (``core.readings.get_reading``) rather than loading a million notes.
"""

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import numpy.typing as npt

from core.db import Database, DriverConnection


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
    "SELECT recorded_at, value, id FROM readings WHERE device_id = ? AND superseded = FALSE "
    "ORDER BY recorded_at"
)


def chart_series(db: Database, device_ids: list[int]) -> list[ChartSeries]:
    """The current readings of each device (corrected originals left out), in time order.

    Devices that no longer exist are left out.
    """
    with db.driver_read() as conn:  # T3
        return [s for s in (_one_series(conn, i) for i in device_ids) if s is not None]


def _one_series(conn: DriverConnection, device_id: int) -> ChartSeries | None:
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
