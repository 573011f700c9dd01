"""One import, all or nothing: dry runs, cancel, failures, progress, nothing new."""

from pathlib import Path

import pytest

from core.db import Database
from core.devices import count_devices
from core.importing.history import list_batches
from core.importing.parsed import Rejected
from core.importing.report import ImportCancelled
from core.importing.service import import_parsed
from tests.core.importing.rows import batches_of, parsed_from_rows, rows_of
from tests.core.importing.support import (
    RH,
    TEMP,
    Records,
    parsed_file,
    reading_count,
    rows,
    samples,
)
from tests.databases import both_databases  # noqa: F401  (db: SQLite, then PostgreSQL)


def test_a_dry_run_reports_exactly_and_writes_nothing(db: Database, tmp_path: Path) -> None:
    records: Records = [*samples(0, 5), Rejected(9, "bad")]
    dry = import_parsed(db, parsed_file(tmp_path, [TEMP], records), dry_run=True,
                        create_devices=True)  # fmt: skip
    assert (dry.accepted, dry.rejected_count, dry.devices_created) == (5, 1, ["Logger 7 Temp"])
    assert "would be imported" in dry.text() and "would be created" in dry.text()
    assert reading_count(db) == 0 and rows(db, "SELECT count(*) FROM devices") == [(0,)]
    assert list_batches(db) == []
    real = import_parsed(db, parsed_file(tmp_path, [TEMP], records), create_devices=True)
    assert (real.accepted, real.rejected_count) == (dry.accepted, dry.rejected_count)


def test_cancel_leaves_nothing_behind(db: Database, tmp_path: Path) -> None:
    parsed = parsed_file(tmp_path, [TEMP], samples(0, 30))
    asked: list[int] = []

    def cancelled() -> bool:
        asked.append(1)
        return len(asked) > 2  # after two chunks are written

    with pytest.raises(ImportCancelled, match="nothing was imported"):
        import_parsed(db, parsed, create_devices=True, batches=batches_of(rows_of(parsed), 10),
                      cancelled=cancelled)  # fmt: skip
    assert reading_count(db) == 0 and list_batches(db) == []
    assert rows(db, "SELECT count(*) FROM devices") == [(0,)]


def test_an_error_half_way_rolls_everything_back(db: Database, tmp_path: Path) -> None:
    def records():  # a parser failing after its first rows
        yield from samples(0, 5)
        raise OSError("the USB stick was pulled out")

    parsed = parsed_from_rows(tmp_path / "x.csv", "test", "t", [TEMP], records())
    parsed.path.write_text("x", encoding="utf-8")
    with pytest.raises(OSError, match="USB"):
        import_parsed(db, parsed, create_devices=True, batches=batches_of(rows_of(parsed), 2))
    assert reading_count(db) == 0 and list_batches(db) == []


def test_progress_is_reported_per_chunk(db: Database, tmp_path: Path) -> None:
    parsed = parsed_file(tmp_path, [TEMP], samples(0, 25))
    parsed.total_bytes = 100
    seen: list[tuple[int, int]] = []
    import_parsed(db, parsed, create_devices=True, batches=batches_of(rows_of(parsed), 10),
                  progress=lambda done, total: seen.append((done, total)))  # fmt: skip
    assert len(seen) == 3 and all(total == 100 for _, total in seen)


def test_an_import_with_nothing_new_writes_no_batch_and_no_device(
    db: Database, tmp_path: Path
) -> None:
    # Every row was refused by the parser, so the devices it would make would hold nothing.
    refused = parsed_file(tmp_path, [TEMP, RH], [Rejected(2, "'x' is not a number")])
    report = import_parsed(db, refused, create_devices=True)
    assert report.nothing_importable and not report.written and report.batch_id is None
    assert list_batches(db) == [] and count_devices(db, include_archived=True) == 0
    assert "not kept" in report.text() and "nothing was written" in report.text()
