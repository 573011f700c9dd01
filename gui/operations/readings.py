"""The readings' actions: save one, correct one, withdraw one, and the readings screens ask for
(a device's context, a page of the readings table, the chart's series)."""

from dataclasses import dataclass

from core import readings
from core.chart_data import ChartSeries, chart_series
from core.db import Database
from core.devices import DeviceRecord, get_device
from core.reading_pages import ReadingRow, readings_page
from core.readings import NewReading, ReadingRecord
from gui.operations import DatabaseOp
from gui.ops import Ops


@dataclass(frozen=True)
class DeviceContext:
    """What the entry panel shows for a device: the device, and its last reading."""

    device: DeviceRecord
    previous: ReadingRecord | None


def save_reading(ops: Ops, db: Database, new: NewReading) -> DatabaseOp[ReadingRecord]:
    """Save a typed reading; the record carries its limit flag."""
    return DatabaseOp(ops, lambda: readings.add_reading(db, new), "Saving the reading")


def correct_reading(ops: Ops, db: Database, reading_id: int, *, value: float,
                    note: str | None, operator: str | None, decimals: int | None,
                    reason: str | None) -> DatabaseOp[ReadingRecord]:  # fmt: skip
    """Record a correction of ``reading_id`` (the original stays, marked superseded), with
    the reason the audit trail keeps."""

    def work() -> ReadingRecord:
        return readings.correct_reading(db, reading_id, value=value, note=note,
                                        operator=operator, decimals=decimals,
                                        reason=reason)  # fmt: skip

    return DatabaseOp(ops, work, "Correcting the reading")


def withdraw_reading(ops: Ops, db: Database, reading_id: int, *,
                     who: str | None = None) -> DatabaseOp[ReadingRecord]:  # fmt: skip
    """Take back a reading or a correction (the undo of saving it)."""
    return DatabaseOp(ops, lambda: readings.withdraw_reading(db, reading_id, who=who),
                      "Withdrawing the reading")  # fmt: skip


def fetch_reading(ops: Ops, db: Database, reading_id: int) -> DatabaseOp[ReadingRecord]:
    """One reading as it is in the database now (to correct it)."""
    return DatabaseOp(ops, lambda: readings.get_reading(db, reading_id), "Opening the reading")


def device_context(ops: Ops, db: Database, device_id: int) -> DatabaseOp[DeviceContext]:
    """The device readings are entered for, and its last reading."""

    def work() -> DeviceContext:
        return DeviceContext(get_device(db, device_id), readings.latest_reading(db, device_id))

    return DatabaseOp(ops, work, "Loading the device")


Span = tuple[int | None, int | None]  # ms, either end open


def reading_page(
    ops: Ops, db: Database, device_ids: list[int], span: Span, *,
    after: tuple[int, int] | None, limit: int,
) -> DatabaseOp[list[ReadingRow]]:  # fmt: skip
    """Up to ``limit`` readings of the devices in ``span`` (ms), newest first, after the row
    keyed ``after`` (``core.reading_pages.readings_page``)."""
    start, end = span
    return DatabaseOp(ops, lambda: readings_page(db, device_ids, start, end, after=after,
                                                 limit=limit), "Loading readings")  # fmt: skip


def series(ops: Ops, db: Database, device_ids: list[int]) -> DatabaseOp[list[ChartSeries]]:
    """The devices' series for the chart (``core.chart_data.chart_series``)."""
    return DatabaseOp(ops, lambda: chart_series(db, device_ids), "Loading the chart")
