"""Exports of readings: CSV, an Excel workbook, or a PDF report per device.

Every export reads one consistent snapshot of the database (a read transaction: in WAL mode it
blocks nobody) and streams readings in keyset pages of one device at a time, so memory stays
bounded for millions of rows. The file is written beside the target and renamed over it only
when complete (``write_atomically``): a failure or a cancel leaves the old file untouched.

Text that a spreadsheet could take for a formula (starting with ``= + - @``, tab or CR) is
written as plain text: in CSV with a leading apostrophe, which Excel and LibreOffice show as
text (FieldLog's importer strips one leading apostrophe before those characters, so the round
trip holds); in XLSX as a string cell, so the text is exact.

Values: CSV writes ``repr(value)``, which reads back as the same float; XlsxWriter writes XLSX
numbers with 16 significant digits (Excel shows 15), so the last bit can differ there.
XlsxWriter and fpdf2 are imported when used: the export dialog imports this package at start-up.

The pieces: ``job`` (the snapshot, the devices, the pages), and one writer per format in
``csv``, ``xlsx`` and ``pdf``.
"""

from collections.abc import Callable
from datetime import tzinfo
from pathlib import Path

from core.db import Database
from core.device_table import devices_path
from core.errors import FieldLogError, os_error_text
from core.exporting.job import (
    Cancelled,
    ExportCancelled,
    ExportFormat,
    ExportJob,
    ExportRequest,
    ExportSummary,
    selected_devices,
    snapshot,
)
from core.exporting.report_options import PdfDetail, ReportOptions
from core.files import write_atomically
from core.progress import Progress

__all__ = [
    "ExportCancelled",
    "ExportFormat",
    "ExportRequest",
    "ExportSummary",
    "PdfDetail",
    "ReportOptions",
    "export",
]

EVERYTHING = ExportRequest()  # every device not archived, all time (frozen: safe to share)


def export(
    db: Database,
    path: Path,
    fmt: ExportFormat,
    request: ExportRequest = EVERYTHING,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
    *,
    local_zone: tzinfo | None = None,
) -> ExportSummary:
    """Write the readings of ``request`` to ``path`` as ``fmt``.

    ``progress(done, total)`` is called after each page of readings; ``cancelled()`` is asked
    as often, and when it says True the export stops with ``ExportCancelled``. Times are shown
    in ``local_zone`` (default: the machine's zone at each moment).
    """
    fmt = ExportFormat(fmt)
    _check_period(request)
    _check_target(path)
    beside = devices_path(path) if fmt is ExportFormat.CSV else None
    if beside is not None:
        _check_target(beside)
    with snapshot(db) as conn:
        devices = selected_devices(conn, request)
        job = ExportJob(conn, request, devices, local_zone, progress, cancelled)

        def readings() -> None:
            _written(path, lambda tmp: _writer(fmt)(job, tmp))

        if beside is None:
            readings()
        else:  # the readings are renamed into place first, the devices last: a failure or a
            # cancel in either leaves both files as they were
            _written(beside, lambda tmp: _write_devices_csv(job, tmp, readings))
    return ExportSummary(path, job.done, len(devices), fmt, beside)


def _written(path: Path, write: Callable[[Path], object]) -> None:
    """``write_atomically``, its failures said of ``path``."""
    try:
        write_atomically(path, write)
    except PermissionError as exc:
        raise FieldLogError(
            f"Cannot write {path}: it is open in another program (Excel locks the files it "
            "shows) or the folder is read-only. Close it, or choose another folder."
        ) from exc
    except OSError as exc:  # a full disk, a pulled stick: name the export, not a temp file
        raise FieldLogError(os_error_text(exc, f"Cannot export to {path}", str(path))) from exc


def _write_devices_csv(job: ExportJob, tmp: Path, then: Callable[[], None]) -> None:
    """The devices file into ``tmp``, then ``then()``: the readings, renamed into place."""
    from core.exporting.csv import write_devices_csv

    write_devices_csv(job, tmp)
    then()


def _check_period(request: ExportRequest) -> None:
    start, end = request.start_ms, request.end_ms
    if start is not None and end is not None and end <= start:
        raise FieldLogError("The end of the export period must come after its start.")


def _check_target(path: Path) -> None:
    """Say plainly what is wrong with the target before any work is done."""
    if not path.parent.is_dir():
        raise FieldLogError(f"Cannot export to {path}: the folder {path.parent} does not exist.")
    if path.is_dir():
        raise FieldLogError(f"Cannot export to {path}: it is a folder; choose a file name.")


def _writer(fmt: ExportFormat) -> Callable[[ExportJob, Path], None]:
    """The writer of ``fmt``, imported when asked for: XlsxWriter, fpdf2 and the fonts load only
    for the export that needs them."""
    if fmt is ExportFormat.CSV:
        from core.exporting.csv import write_csv

        return write_csv
    if fmt is ExportFormat.XLSX:
        from core.exporting.xlsx import write_xlsx

        return write_xlsx
    from core.exporting.pdf import write_pdf

    return write_pdf
