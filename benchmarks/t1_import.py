"""T1: import a CSV of N readings (parse, validate, insert, commit) against a raw executemany.

FieldLog's side is the whole import path a user runs: ``open_import`` detects the layout, reads
and checks every row, and ``import_parsed`` matches devices, looks for duplicates and writes one
batch in one transaction, into a database at head with the devices already there. The baseline
gets the same rows already parsed, in the file's (unsorted) order, and only inserts them into the
reference schema and commits (docs/PERFORMANCE.md). Each run starts from a fresh copy of each empty
database, so no run sees the previous one's rows as duplicates. On PostgreSQL the baseline is a
bare binary ``COPY`` (``run_postgres``).
"""

import csv
import sqlite3
import tempfile
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

from benchmarks import data, postgres
from benchmarks.harness import Result, Sizes, interleaved, timed
from core.db import SqliteDatabase, apply_pragmas, create_sqlite_engine
from core.devices import DeviceFields, create_device
from core.importing.formats import ImportOptions, open_import
from core.importing.service import import_parsed
from devtools.postgres_server import Server

DEVICES = 100


def write_csv(path: Path, rows: list[data.Row]) -> None:
    """A generic export: serial, ISO 8601 time with offset, value and unit per row."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(("serial", "time", "value", "unit"))
        for device, value, moment in rows:
            stamp = datetime.fromtimestamp(moment / 1000, UTC).isoformat(timespec="seconds")
            writer.writerow((f"SN-{device:04d}", stamp, repr(value), "bar"))


def fieldlog_template(path: Path) -> Path:
    """An empty FieldLog database at head with devices SN-0001... (serials as in the CSV)."""
    made = data.fieldlog_db(path, devices=0)
    for number in range(1, DEVICES + 1):
        fields = DeviceFields(f"Device {number}", serial_number=f"SN-{number:04d}",
                              default_unit="bar")  # fmt: skip
        create_device(made.database, fields)
    made.database.close()
    data.checkpoint(path)
    return path


def run(sizes: Sizes, folder: Path, repeat: int) -> Result:
    count = sizes.pick(100_000, 1_000_000)
    rows = data.rows(count, DEVICES)
    source = folder / "t1.csv"
    write_csv(source, rows)
    ours_empty = fieldlog_template(folder / "t1-fieldlog-empty.db")
    reference_empty = folder / "t1-reference-empty.db"
    with data.reference_db(reference_empty):
        pass
    problems: list[str] = []

    def ours() -> float:
        work = folder / "t1-fieldlog.db"
        data.fresh_copy(ours_empty, work)
        db = SqliteDatabase(work, create_sqlite_engine(work))
        try:

            def one_import() -> None:
                parsed = open_import(source, ImportOptions())
                report = import_parsed(db, parsed)
                if report.accepted != count:
                    problems.append(f"imported {report.accepted:,} of {count:,}")

            return timed(one_import)
        finally:
            db.close()

    def baseline() -> float:
        work = folder / "t1-reference.db"
        data.fresh_copy(reference_empty, work)
        with closing(sqlite3.connect(work, isolation_level=None)) as conn:
            apply_pragmas(conn)
            return timed(lambda: data.fill_reference(conn, rows))

    ours(), baseline()  # the first run of each pays one-off costs (imports, caches)
    mine, theirs = interleaved(ours, baseline, repeat)
    note = ", ".join(sorted(set(problems)))
    return Result("T1", f"import a CSV of {count:,} readings", mine * 1000, theirs * 1000,
                  "ms", 1.0, note=note, holds=not problems)  # fmt: skip


def run_postgres(sizes: Sizes, server: Server, repeat: int) -> Result:
    """The same import into FieldLog's database on PostgreSQL (its bulk path is ``COPY``),
    against a bare binary ``COPY`` of the same pre-parsed, unsorted rows, then COMMIT. Each run
    starts from empty tables (emptied outside the timing)."""
    count = sizes.pick(100_000, 1_000_000)
    rows = data.rows(count, DEVICES)
    with tempfile.TemporaryDirectory(prefix="fieldlog-bench-T1-pg-") as folder:
        source = Path(folder) / "t1.csv"
        write_csv(source, rows)
        db = postgres.fieldlog_db(server, devices=0)
        for number in range(1, DEVICES + 1):
            create_device(db, DeviceFields(f"Device {number}", serial_number=f"SN-{number:04d}",
                                           default_unit="bar"))  # fmt: skip
        ours_url = db.url.render_as_string(hide_password=False)
        reference = postgres.reference_db(server)
        problems: list[str] = []

        def ours() -> float:
            _empty(server, ours_url, "TRUNCATE readings", "DELETE FROM import_batches")

            def one_import() -> None:
                report = import_parsed(db, open_import(source, ImportOptions()))
                if report.accepted != count:
                    problems.append(f"imported {report.accepted:,} of {count:,}")

            return timed(one_import)

        def baseline() -> float:
            reference.execute(b"TRUNCATE readings")
            reference.commit()
            return timed(lambda: postgres.copy_reference(reference, rows))

        try:
            ours(), baseline()  # the first run of each pays one-off costs
            mine, theirs = interleaved(ours, baseline, repeat)
        finally:
            reference.close()
            db.close()
    note = ", ".join(sorted(set(problems)))
    return Result("T1", f"import a CSV of {count:,} readings, PostgreSQL", mine * 1000,
                  theirs * 1000, "ms", 1.0, note=note, holds=not problems)  # fmt: skip


def _empty(server: Server, url: str, *statements: str) -> None:
    with server.connect(url) as conn:
        for statement in statements:
            conn.execute(statement.encode())
