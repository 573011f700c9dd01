"""A WAL beside a database is applied only when it belongs to the file (issue 12).

Each test makes its WAL the way it happens: a FieldLog process that dies with the file open
leaves one, and a file copied back by hand (or a sync tool) lands beside a WAL of another copy.
Before this, the launch applied any WAL it found: an older copy's WAL replaced newer readings,
and ``db check`` folded it into the file for good and said "ok".
"""

import shutil
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from core import maintenance, wal
from core.errors import DatabaseError
from core.files import sha256
from core.launch import open_database
from core.launch_errors import StrayWalError
from core.readings import NewReading, add_reading, count_readings
from tests.core.launch_support import REPO_ROOT, crash_after_saving, gauge_database


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return gauge_database(tmp_path / "site.db")


def readings_in(path: Path) -> int:
    db = open_database(path, write=False).database
    try:
        return count_readings(db)
    finally:
        db.close()


def cli(path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "core", "--db", str(path), *args],
                          cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)  # fmt: skip


def unchanged(*paths: Path) -> dict[Path, str]:
    return {p: sha256(p) for p in paths}


@pytest.mark.slow
def test_a_crash_wal_is_read_by_status_and_check_without_folding_it_in(site: Path) -> None:
    crashed = crash_after_saving(site, 30)
    before = unchanged(site, crashed)
    status = cli(site, "db", "status")
    assert status.returncode == 0 and "readings: 30" in status.stdout, status.stderr
    check = cli(site, "db", "check")
    assert check.returncode == 0 and check.stdout.strip().endswith(": ok"), check.stderr
    assert unchanged(site, crashed) == before  # read-only: never checkpointed into the file
    assert readings_in(site) == 30  # and the launch applies it: those readings were saved


@pytest.mark.slow
def test_an_older_copys_wal_beside_the_newer_file_is_refused(site: Path, tmp_path: Path) -> None:
    old_wal = tmp_path / "old-site.db-wal"
    shutil.copyfile(crash_after_saving(site, 50), old_wal)  # the pair as it was after a crash
    db = open_database(site).database  # the next launch applies it; then much more is saved
    assert count_readings(db) == 50
    db.close()
    crash_after_saving(site, 2000)
    open_database(site).database.close()  # its own WAL folded in: the newer file has it all
    assert not wal.wal_path(site).exists() and readings_in(site) == 2050
    shutil.copyfile(old_wal, wal.wal_path(site))  # an older copy's WAL put back beside it
    before = unchanged(site, wal.wal_path(site))

    with pytest.raises(StrayWalError) as refused:
        open_database(site)
    assert "older copy of this database" in str(refused.value)
    assert "set-aside-wal" in str(refused.value)
    status = cli(site, "db", "status")
    assert status.returncode == 1 and status.stderr.count("\n") == 1
    assert status.stderr.startswith("fieldlog: The file site.db-wal beside")
    assert cli(site, "db", "check").returncode == 1
    assert unchanged(site, wal.wal_path(site)) == before  # neither file touched

    moved = cli(site, "db", "set-aside-wal")
    assert moved.returncode == 0, moved.stderr
    kept = [p for p in site.parent.iterdir() if p.name.startswith("site.db-wal.set-aside-")]
    assert len(kept) == 1 and sha256(kept[0]) == sha256(old_wal)
    assert readings_in(site) == 2050  # nothing newer was lost


def foreign_wal(tmp_path: Path, page_size: int, rows: int = 40) -> Path:
    """The WAL of another SQLite database, as its program left it."""
    other = tmp_path / "other" / "notes.db"
    other.parent.mkdir()
    conn = sqlite3.connect(other, isolation_level=None)
    conn.execute(f"PRAGMA page_size = {page_size}")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("CREATE TABLE note (text TEXT)")
    conn.executemany("INSERT INTO note VALUES (?)", [("x" * 500,)] * rows)
    copy = tmp_path / "notes.db-wal"
    shutil.copyfile(other.with_name("notes.db-wal"), copy)  # while it is open: a crash's view
    conn.close()
    return copy


def test_a_wal_with_other_pages_is_refused_and_nothing_changes(site: Path, tmp_path) -> None:
    shutil.copyfile(foreign_wal(tmp_path, 8192), wal.wal_path(site))
    before = unchanged(site, wal.wal_path(site))
    with pytest.raises(StrayWalError, match="8192-byte pages"):
        open_database(site)
    with pytest.raises(StrayWalError):
        maintenance.check(site)
    assert unchanged(site, wal.wal_path(site)) == before


def test_a_wal_of_another_database_that_would_damage_it_is_refused(site, tmp_path) -> None:
    shutil.copyfile(foreign_wal(tmp_path, 4096, rows=400), wal.wal_path(site))
    before = unchanged(site, wal.wal_path(site))  # more pages than the file: sizes agree
    with pytest.raises(StrayWalError, match="no longer a FieldLog database"):
        maintenance.status(site)
    assert unchanged(site, wal.wal_path(site)) == before


def test_a_wal_sqlite_would_ignore_is_no_reason_to_refuse(site: Path) -> None:
    wal.wal_path(site).write_bytes(b"\x00" * 5000)  # no WAL header: SQLite applies nothing
    assert readings_in(site) == 0


def test_a_wal_that_belongs_is_not_set_aside(site: Path) -> None:
    crash_after_saving(site, 3)
    with pytest.raises(DatabaseError, match="belongs to"):
        maintenance.set_aside_wal(site)
    assert readings_in(site) == 3


def test_set_aside_is_refused_while_a_fieldlog_has_the_file_open(site: Path) -> None:
    db = open_database(site).database  # its WAL is live: setting it aside would lose writes
    try:
        add_reading(db, NewReading(1, 2.5, datetime(2026, 1, 1, tzinfo=UTC)))
        refused = cli(site, "db", "set-aside-wal")
        assert refused.returncode == 1 and "is open in" in refused.stderr
        assert wal.wal_path(site).exists()
        assert not [p for p in site.parent.iterdir() if ".set-aside-" in p.name]
        assert count_readings(db) == 1
    finally:
        db.close()
    assert readings_in(site) == 1


def test_a_live_wal_of_a_running_fieldlog_is_read_not_judged(site: Path) -> None:
    db = open_database(site).database  # this process writes: its WAL changes as it is read
    try:
        add_reading(db, NewReading(1, 2.5, datetime(2026, 1, 1, tzinfo=UTC)))
        assert wal.summary(site) is not None  # a WAL with a commit in it
        assert maintenance.status(site).counts["readings"] == 1
        beside = cli(site, "db", "status")  # another process, beside the writer
        assert beside.returncode == 0 and "readings: 1" in beside.stdout, beside.stderr
    finally:
        db.close()


def pages_in_wal(wal_file: Path) -> set[int]:
    import struct

    data = wal_file.read_bytes()
    page_size = struct.unpack(">I", data[8:12])[0]
    found, at = set(), 32
    while at + 24 + page_size <= len(data):
        found.add(struct.unpack(">I", data[at : at + 4])[0])
        at += 24 + page_size
    return found


@pytest.mark.slow
def test_a_crash_during_a_checkpoint_is_not_taken_for_a_stray_wal(site: Path) -> None:
    """A kill while SQLite copies the WAL into the file leaves the file alone half written:
    only the file and its WAL together read soundly. (The attack script found this.)"""
    crashed = crash_after_saving(site, 400)
    data = bytearray(site.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    newer = pages_in_wal(crashed)  # pages the WAL holds newer copies of
    assert 1 in newer  # the schema page: the file grew, and its header says so
    for page in sorted(newer):
        start = 100 if page == 1 else (page - 1) * page_size  # page 1 keeps its file header
        end = page * page_size
        if start < len(data):
            data[start:end] = b"\x00" * (end - start)  # half copied, as a torn checkpoint is
    site.write_bytes(bytes(data))
    assert readings_in(site) == 400
