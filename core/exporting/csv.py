"""The CSV export: one header row, then one row per reading, by device name, then time.

Text a spreadsheet could take for a formula is written with a leading apostrophe, which Excel
and LibreOffice show as text; FieldLog's importer strips it again, so a FieldLog CSV imports
back. Values are written as ``repr(value)``, which reads back as the same float.
"""

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from core.exporting.job import SOURCE_NAMES, ExportDevice, ExportJob, plain_text

CSV_COLUMNS = ("device", "serial", "time", "value", "unit", "limit", "operator", "note",
               "source")  # fmt: skip


def write_csv(job: ExportJob, tmp: Path) -> None:
    """One header row, then one row per reading: by device name, then time."""
    timespec = "milliseconds" if job.has_milliseconds else "seconds"
    encoding = "utf-8-sig" if job.request.excel_bom else "utf-8"
    with tmp.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_COLUMNS)
        rows = _RowTexts(job, timespec)
        for device, page in job.all_plain_pages():
            writer.writerows(rows.of(device, page))


class _RowTexts:
    """The CSV's fields of each reading. Millions of rows repeat a few devices, units and
    operators, so their safe text is made once each (T10: per-row work is what an export of
    a million rows costs beyond the csv module itself)."""

    def __init__(self, job: ExportJob, timespec: str) -> None:
        self._job, self._timespec = job, timespec
        self._texts: dict[str | None, str] = {None: ""}

    def of(self, device: ExportDevice, page: list[tuple[Any, ...]]) -> Iterator[list[str]]:
        """The rows of one page (``Row``'s fields, by position)."""
        name, serial = self._text(device.name), self._text(device.serial)
        local, timespec, text, flag = self._job.local, self._timespec, self._text, device.flag
        for recorded_at, value, unit, operator, note, source, _id in page:
            yield [
                name,
                serial,
                local(recorded_at).isoformat(timespec=timespec),
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


_KEPT_TEXTS = 10_000  # distinct units and operators kept at once: a bound, never reached
