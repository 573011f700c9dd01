"""What every export does: refuse a bad request clearly, keep the target safe,
report progress, stay in bounded memory."""

import time
import tracemalloc
from datetime import UTC
from pathlib import Path

import pytest

from core.db import Database
from core.devices import DeviceRecord
from core.errors import FieldLogError, NotFoundError
from core.exporting import ExportCancelled, ExportFormat, ExportRequest, export
from tests.databases import both_databases  # noqa: F401  (db: SQLite, then PostgreSQL)


def test_a_bad_selection_is_refused_with_a_message(
    db: Database, boiler: DeviceRecord, tmp_path: Path
) -> None:
    with pytest.raises(NotFoundError, match="no device with id 999"):
        export(db, tmp_path / "x.csv", ExportFormat.CSV, ExportRequest(device_ids=[boiler.id, 999]))
    with pytest.raises(FieldLogError, match="No devices were chosen"):
        export(db, tmp_path / "x.csv", ExportFormat.CSV, ExportRequest(device_ids=[]))
    with pytest.raises(FieldLogError, match="end of the export period"):
        export(db, tmp_path / "x.csv", ExportFormat.CSV, ExportRequest(start_ms=5, end_ms=5))
    assert not list(tmp_path.glob("*.csv")) and not list(tmp_path.glob(".*"))


def test_a_missing_folder_is_named(two_devices: Database, tmp_path: Path) -> None:
    with pytest.raises(FieldLogError, match=r"folder .*nowhere does not exist"):
        export(two_devices, tmp_path / "nowhere" / "x.csv", ExportFormat.CSV)
    assert not (tmp_path / "nowhere").exists()


def test_a_locked_target_is_explained(
    two_devices: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def locked(self: Path, target: Path) -> Path:
        raise PermissionError(13, "The process cannot access the file", str(target))

    monkeypatch.setattr(Path, "replace", locked)
    with pytest.raises(FieldLogError, match="open in another program"):
        export(two_devices, tmp_path / "x.csv", ExportFormat.CSV)
    assert not list(tmp_path.glob("*.csv")) and not list(tmp_path.glob(".x.csv*"))


def test_no_devices_at_all_is_refused(db: Database, tmp_path: Path) -> None:
    with pytest.raises(FieldLogError, match="no devices to export"):
        export(db, tmp_path / "x.csv", ExportFormat.CSV)


@pytest.mark.parametrize("fmt", list(ExportFormat))
def test_a_cancel_leaves_the_old_file_and_nothing_else(
    two_devices: Database, tmp_path: Path, fmt: ExportFormat
) -> None:
    """The cancel comes after the first page, when the writers are under way."""
    answers = iter([False, True])
    out = tmp_path / "out"
    out.mkdir()
    target = out / f"report.{fmt}"
    target.write_text("the old export")
    with pytest.raises(ExportCancelled, match="cancelled"):
        export(two_devices, target, fmt, cancelled=lambda: next(answers, True))
    assert target.read_text() == "the old export"
    assert list(out.iterdir()) == [target]


def test_a_failure_leaves_the_old_file(two_devices: Database, tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    target = tmp_path / "out" / "report.csv"
    target.write_text("the old export")

    def fail(done: int, total: int) -> None:
        raise OSError("disk full")

    with pytest.raises(FieldLogError, match=r"Cannot export to .*report\.csv: disk full"):
        export(two_devices, target, ExportFormat.CSV, progress=fail)
    assert target.read_text() == "the old export"
    assert list(target.parent.iterdir()) == [target]


def test_progress_reaches_the_total(two_devices: Database, tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    export(two_devices, tmp_path / "x.csv", ExportFormat.CSV, progress=lambda *p: seen.append(p))
    assert seen[-1] == (3, 3)


@pytest.mark.parametrize("fmt", [ExportFormat.CSV])  # the PDF's: test_pdf.py
def test_200k_readings_export_in_bounded_memory(
    big: Database, tmp_path: Path, fmt: ExportFormat
) -> None:
    path = tmp_path / f"big.{fmt}"
    tracemalloc.start()
    started = time.perf_counter()
    try:
        summary = export(big, path, fmt, local_zone=UTC)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert summary.readings == 200_000
    assert peak < 30 * 2**20, f"peak {peak / 2**20:.1f} MB"
    print(f"{fmt}: {time.perf_counter() - started:.1f} s, {path.stat().st_size / 1e6:.1f} MB")
