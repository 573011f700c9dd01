"""What the PDF report reads: a device's readings with their typed decimals, and a first pass
over them for what must be printed before the table (the chart, the precision, the days).

The report reads each device's readings twice in the export's snapshot: once here (the
``Survey``), and once as it lists them. Keyset pages as ``ExportJob.pages``, with the column
the other formats do not need (``decimals``), and optionally only the out-of-limit readings.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from typing import NamedTuple

import numpy as np

from core.exporting.job import PAGE_ROWS, ExportDevice, ExportJob
from core.exporting.pdf_chart import Envelope
from core.exporting.pdf_numbers import reading_decimals
from core.validation import MAX_DECIMALS

_PAGE_SQL = """
SELECT recorded_at, value, unit, operator, note, decimals, id FROM readings
WHERE device_id = ? AND recorded_at >= ? AND recorded_at < ? AND (superseded = FALSE OR ?)
  AND (recorded_at, id) > (?, ?) {only}
ORDER BY recorded_at, id
LIMIT ?
"""
_OUT_OF_LIMITS = "AND (value < ? OR value > ?)"  # a NULL limit compares as NULL: never out


class Reading(NamedTuple):
    recorded_at: int
    value: float
    unit: str
    operator: str | None
    note: str | None
    decimals: int | None
    id: int


def readings(
    job: ExportJob, device: ExportDevice, *, out_of_limits: bool = False, count: bool = False
) -> Iterator[list[Reading]]:
    """The device's readings in the period, in time order, a page at a time. ``count``: this
    pass is the one that reports progress (each reading counted once per export)."""
    sql = _PAGE_SQL.format(only=_OUT_OF_LIMITS if out_of_limits else "")
    limits = (device.low, device.high) if out_of_limits else ()
    key = (job.start, -1)
    while True:
        job.check_cancelled()
        low = max(job.start, key[0])  # a plain bound, so that SQLite seeks in the index
        params = (device.id, low, job.end, job.request.include_superseded, *key, *limits,
                  PAGE_ROWS)  # fmt: skip
        page = list(map(Reading._make, job.conn.execute(sql, params).fetchall()))
        if not page:
            return
        yield page
        if count:
            job.advance(len(page))
        key = (page[-1].recorded_at, page[-1].id)


@dataclass
class Day:
    """One local day of a device's readings."""

    day: str  # YYYY-MM-DD, local
    count: int = 0
    minimum: float = float("inf")
    maximum: float = float("-inf")
    total: float = 0.0
    out_of_limits: int = 0

    @property
    def mean(self) -> float:
        return self.total / self.count


@dataclass
class Survey:
    """A first pass over a device's readings: the chart's envelope, the most decimals any
    reading shows, and (when asked) the per-day summary."""

    envelope: Envelope
    decimals: int = 0
    days: list[Day] | None = None
    _day_end: int = field(default=-(2**62), repr=False)

    def add(self, job: ExportJob, device: ExportDevice, page: list[Reading]) -> None:
        self.envelope.add_arrays(
            np.fromiter((r.recorded_at for r in page), np.int64, len(page)),
            np.fromiter((r.value for r in page), np.float64, len(page)),
        )
        most = max(reading_decimals(r.value, r.decimals) for r in page)
        self.decimals = min(MAX_DECIMALS, max(self.decimals, most))
        if self.days is not None:
            self._add_days(job, device, page)

    def _add_days(self, job: ExportJob, device: ExportDevice, page: list[Reading]) -> None:
        assert self.days is not None
        for reading in page:
            if reading.recorded_at >= self._day_end:  # readings come in time order
                self._day_end = _next_midnight_ms(job.local(reading.recorded_at), job.zone)
                self.days.append(Day(f"{job.local(reading.recorded_at):%Y-%m-%d}"))
            day, value = self.days[-1], reading.value
            day.count += 1
            day.total += value
            day.minimum = min(day.minimum, value)
            day.maximum = max(day.maximum, value)
            day.out_of_limits += bool(device.flag(value))


def _next_midnight_ms(moment: datetime, zone: tzinfo | None) -> int:
    """The next midnight after ``moment`` in ``zone`` (None: the machine's), in epoch ms,
    across a DST change too."""
    tomorrow = moment.date() + timedelta(days=1)
    midnight = datetime(tomorrow.year, tomorrow.month, tomorrow.day)
    local = midnight.astimezone() if zone is None else midnight.replace(tzinfo=zone)
    return int(local.timestamp() * 1000)


def survey(job: ExportJob, device: ExportDevice, envelope: Envelope, *, daily: bool) -> Survey:
    """Read the device's readings once for what precedes the table. In daily mode this is the
    pass that counts progress (the second reads only the out-of-limit readings)."""
    found = Survey(envelope, days=[] if daily else None)
    for page in readings(job, device, count=daily):
        found.add(job, device, page)
    return found
