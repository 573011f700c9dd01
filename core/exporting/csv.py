"""The CSV export: one header row, then one row per reading, by device name, then time.

Text a spreadsheet could take for a formula is written with a leading apostrophe, which Excel
and LibreOffice show as text; FieldLog's importer strips it again, so a FieldLog CSV imports
back. Values are written as ``repr(value)``, which reads back as the same float.
"""

import csv
from pathlib import Path

from core.exporting.job import SOURCE_NAMES, ExportDevice, ExportJob, Row, plain_text

CSV_COLUMNS = ("device", "serial", "time", "value", "unit", "limit", "operator", "note",
               "source")  # fmt: skip


def write_csv(job: ExportJob, tmp: Path) -> None:
    """One header row, then one row per reading: by device name, then time."""
    timespec = "milliseconds" if job.has_milliseconds else "seconds"
    encoding = "utf-8-sig" if job.request.excel_bom else "utf-8"
    with tmp.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_COLUMNS)
        for device, page in job.all_pages():
            writer.writerows(_csv_row(job, device, row, timespec) for row in page)


def _csv_row(job: ExportJob, device: ExportDevice, row: Row, timespec: str) -> list[str]:
    return [
        plain_text(device.name),
        plain_text(device.serial),
        job.local(row.recorded_at).isoformat(timespec=timespec),
        repr(row.value),
        plain_text(row.unit),
        device.flag(row.value),
        plain_text(row.operator),
        plain_text(row.note),
        SOURCE_NAMES.get(row.source, str(row.source)),
    ]
