"""Import a parsed file into the database as one batch: all or nothing, and never twice.

The whole import is one transaction on the driver connection (``Database.driver_write``: the
import is what benchmark T1 measures). A dry run does exactly the same work and rolls back at
the end, so its report is the report the real import would give; an import with nothing new
rolls back too, and writes nothing at all.

The pieces, each in its own module: ``matching`` (which device each channel goes to),
``dedupe`` (which rows are new), ``writer`` (checks and inserts a chunk, records the batch),
``report`` (what the user is told) and ``history`` (the batches, and undoing one).
"""

from collections.abc import Callable, Iterable

from core.db import Database
from core.files import sha256
from core.importing.parsed import ParsedFile, SampleBatch
from core.importing.report import ImportCancelled, ImportReport
from core.importing.writer import IMPORT_PRAGMAS, BatchWriter
from core.progress import Progress


def import_parsed(
    db: Database,
    parsed: ParsedFile,
    *,
    dry_run: bool = False,
    create_devices: bool = False,
    device_map: dict[str, int] | None = None,
    batches: Iterable[SampleBatch] | None = None,
    progress: Progress | None = None,  # (bytes read, file size)
    cancelled: Callable[[], bool] | None = None,
) -> ImportReport:
    """Import ``parsed`` as one batch (or, with ``dry_run``, report what that would do).

    ``batches`` replaces ``parsed.batches`` (tests cut them small).
    Raises ``ImportCancelled`` when ``cancelled()`` turns true; nothing is written then.
    """
    report = ImportReport(parsed.path, parsed.format, parsed.description, parsed.timezone,
                          dry_run)  # fmt: skip
    digest = sha256(parsed.path)
    with db.driver_write(IMPORT_PRAGMAS, sole_writer_of="readings") as conn:  # T1
        writer = BatchWriter(conn, parsed, report, digest, device_map or {}, create_devices)
        for chunk in batches if batches is not None else parsed.batches:
            if cancelled is not None and cancelled():
                raise ImportCancelled(parsed.path)
            writer.write(chunk)
            if progress is not None:
                progress(parsed.position(), parsed.total_bytes)
        writer.finish()
        keep = not dry_run and report.writes
        if not keep:
            conn.rollback()  # a dry run, or nothing new: nothing written at all
    if not keep:
        report.batch_id = None
        if not dry_run:
            report.written = False
    return report
