"""The CSV export: one header row, then one row per reading, by device name, then time; and
the devices, every field of each, in a devices file beside it (``core.device_table``).

Each time is written three ways: ``time``, ISO 8601 with the local offset (exact: what
FieldLog's importer reads); ``local time``, the wall-clock time as ``YYYY-MM-DD HH:MM:SS``,
which Excel and LibreOffice read as a date-time (to sort, filter and chart); and ``UTC time``,
the same in UTC, which does not repeat an hour when the clocks go back.

Text a spreadsheet could take for a formula is written with a leading apostrophe, which Excel
and LibreOffice show as text; FieldLog's importer strips it again, so a FieldLog CSV imports
back. Values are written as ``repr(value)``, which reads back as the same float.
"""

import csv
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from core.device_table import HEADER as DEVICE_HEADER
from core.device_table import utc_text
from core.exporting.job import (
    SOURCE_NAMES,
    ExportDevice,
    ExportJob,
    Offsets,
    TableCell,
    plain_text,
    table_row,
)

CSV_COLUMNS = ("device", "serial", "time", "local time", "UTC time", "value", "unit", "limit",
               "operator", "note", "source")  # fmt: skip
DAY_MS = 86_400_000
BOM = "\ufeff"  # the byte-order mark: EF BB BF in UTF-8


def write_csv(job: ExportJob, tmp: Path) -> None:
    """One header row, then one row per reading: by device name, then time."""
    with tmp.open("w", encoding="utf-8", newline="") as handle:
        if job.request.excel_bom:  # as "utf-8-sig" would, without its Python encoder per row
            handle.write(BOM)
        writer = csv.writer(handle)
        writer.writerow(CSV_COLUMNS)
        rows = _RowTexts(job, _Clock(job.has_milliseconds))
        for device, page in job.all_plain_pages():
            writer.writerows(rows.of(device, page))


def write_devices_csv(job: ExportJob, tmp: Path) -> None:
    """The devices file beside the readings (``core.device_table``): one row per device of the
    export, readings or not, with every field, so that an import re-creates it whole."""
    with tmp.open("w", encoding="utf-8", newline="") as handle:
        if job.request.excel_bom:
            handle.write(BOM)
        writer = csv.writer(handle)
        writer.writerow(DEVICE_HEADER)
        writer.writerows([_table_text(c) for c in table_row(d)] for d in job.devices)


def _table_text(cell: TableCell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, str):
        return plain_text(cell)
    if isinstance(cell, float):
        return repr(cell)
    if isinstance(cell, int):  # the archiving time
        return utc_text(cell)
    return cell.isoformat()


class _RowTexts:
    """The CSV's fields of each reading. Millions of rows repeat a few devices, units and
    operators, so their safe text is made once each (T10: per-row work is what an export of
    a million rows costs beyond the csv module itself)."""

    def __init__(self, job: ExportJob, clock: "_Clock") -> None:
        self._job, self._clock = job, clock
        self._texts: dict[str | None, str] = {None: ""}

    def of(self, device: ExportDevice, page: list[tuple[Any, ...]]) -> Iterator[list[str]]:
        """The rows of one page (``Row``'s fields, by position)."""
        name, serial = self._text(device.name), self._text(device.serial)
        local, times, text, flag = self._job.local, self._clock.texts, self._text, device.flag
        for recorded_at, value, unit, operator, note, source, _id in page:
            iso, wall, utc = times(recorded_at, local(recorded_at).utcoffset())
            yield [
                name,
                serial,
                iso,
                wall,
                utc,
                repr(value),
                text(unit),
                flag(value),
                text(operator),
                plain_text(note),  # notes differ from row to row: not kept
                SOURCE_NAMES.get(source, str(source)),
            ]

    def _text(self, value: str | None) -> str:
        found = self._texts.get(value)
        if found is None:
            found = self._texts[value] = plain_text(value)
            if len(self._texts) > _KEPT_TEXTS:
                self._texts = {None: ""}
        return found


class _Clock:
    """The three texts of each time, from integer arithmetic and a few tables (T10: a million
    ``isoformat`` calls cost more than the csv module writing the rows). The local time is the
    UTC one moved by the offset in force, which ``ExportJob.local`` finds."""

    def __init__(self, milliseconds: bool) -> None:
        self._days: dict[int, tuple[str, str]] = {}
        self._offsets = Offsets()
        self._minutes = [f"{h:02d}:{m:02d}:" for h in range(24) for m in range(60)]
        self._seconds = [f"{s:02d}" for s in range(60)]
        self._fractions = [f".{n:03d}" for n in range(1000)] if milliseconds else None

    def texts(self, ms: int, offset: timedelta | None) -> tuple[str, str, str]:
        """ISO 8601 with the offset, local wall-clock time, UTC wall-clock time (one function,
        written out: it runs once per exported reading)."""
        shift, written = self._offsets.known.get(offset) or self._offsets.of(offset)
        minutes, seconds, fractions = self._minutes, self._seconds, self._fractions
        day, rest = divmod(ms + shift, DAY_MS)
        local = minutes[rest // 60_000] + seconds[rest // 1000 % 60]
        utc_day, rest = divmod(ms, DAY_MS)
        utc = minutes[rest // 60_000] + seconds[rest // 1000 % 60]
        if fractions is not None:
            local += fractions[(ms + shift) % 1000]
            utc += fractions[ms % 1000]
        iso_day, wall_day = self._days.get(day) or self._day(day)
        utc_wall = (self._days.get(utc_day) or self._day(utc_day))[1]
        return f"{iso_day}{local}{written}", f"{wall_day}{local}", f"{utc_wall}{utc}"

    def _day(self, day: int) -> tuple[str, str]:
        """The date as ISO 8601 writes it before a time, and as a spreadsheet does."""
        found = self._days.get(day)
        if found is None:
            text = (_EPOCH + timedelta(days=day)).isoformat()
            found = self._days[day] = (f"{text}T", f"{text} ")
        return found


_EPOCH = date(1970, 1, 1)
_KEPT_TEXTS = 10_000  # distinct units and operators kept at once: a bound, never reached
