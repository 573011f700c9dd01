"""T2: the database size of N readings, FieldLog's schema against the reference schema."""

from pathlib import Path

from benchmarks import data
from benchmarks.harness import Result, Sizes


def run(sizes: Sizes, folder: Path, repeat: int) -> Result:
    count = sizes.pick(100_000, 1_000_000)
    rows = data.rows(count, devices=100)
    reference = folder / "t2-reference.db"
    with data.reference_db(reference) as conn:
        data.fill_reference(conn, rows)
    ours = data.fieldlog_db(folder / "t2-fieldlog.db", devices=100)
    data.fill_fieldlog(ours, rows)
    ours.database.close()
    for path in (reference, ours.database.path):
        data.checkpoint(path)
    mb = 1024 * 1024
    return Result("T2", f"database size, {count:,} readings",
                  data.size_on_disk(ours.database.path) / mb, data.size_on_disk(reference) / mb,
                  "MB", 2.0)  # fmt: skip
