"""A database open for writing in one FieldLog process cannot be replaced or written by
another: restore is refused while it is open, with the holder named, and a file replaced under
a running process is never written to (issue 12). Tested with real processes."""

import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from core import backup as backups
from core import maintenance
from core.errors import DatabaseReplacedError
from core.launch import open_database
from core.launch_errors import DatabaseInUseError
from core.open_lock import holder_path, read_holder
from core.readings import NewReading, add_reading, count_readings
from tests.core.launch_support import REPO_ROOT, gauge_database

# A FieldLog that keeps the file open and saves a reading whenever a line arrives on stdin,
# answering "saved N" once it is committed (the acknowledgement a technician sees).
WRITER = """
import sys
from datetime import UTC, datetime
from core.launch import open_database
from core.readings import NewReading, add_reading
db = open_database(sys.argv[1]).database
print("ready", flush=True)
for n, _line in enumerate(sys.stdin, start=1):
    try:
        add_reading(db, NewReading(1, float(n), datetime.now(UTC)))
        print(f"saved {n}", flush=True)
    except Exception as exc:
        print(f"refused {type(exc).__name__}", flush=True)
db.close()
"""


@pytest.fixture
def with_device(tmp_path: Path) -> Path:
    return gauge_database(tmp_path / "site.db")


@pytest.fixture
def writer(with_device: Path) -> Iterator[subprocess.Popen[str]]:
    process = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(with_device)], cwd=REPO_ROOT, text=True,
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    assert process.stdout is not None and process.stdout.readline().strip() == "ready"
    yield process
    if process.poll() is None:
        process.kill()
    process.communicate(timeout=30)  # and closes the pipes


def save(process: subprocess.Popen[str]) -> str:
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write("x\n")
    process.stdin.flush()
    return process.stdout.readline().strip()


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "core", *args], cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=120)  # fmt: skip


@pytest.mark.slow
def test_restore_is_refused_while_another_fieldlog_writes(with_device, writer) -> None:
    backup = backups.make_backup(with_device, "manual")
    acknowledged = [save(writer) for _ in range(5)]
    assert acknowledged == [f"saved {n}" for n in range(1, 6)]
    done = cli("--db", str(with_device), "db", "restore", str(backup), "--yes")
    assert done.returncode != 0
    assert f"process {writer.pid}" in done.stderr and "is open in" in done.stderr
    assert "Traceback" not in done.stderr
    acknowledged += [save(writer) for _ in range(5)]
    assert acknowledged[-1] == "saved 10"
    writer.communicate(timeout=30)  # end of input: the writer closes the file and quits
    assert writer.returncode == 0
    db = open_database(with_device).database
    try:
        assert count_readings(db) == 10  # every acknowledged reading is in the file
    finally:
        db.close()
    assert not holder_path(with_device).exists()
    assert cli("--db", str(with_device), "db", "restore", str(backup), "--yes").returncode == 0


@pytest.mark.slow
def test_another_writer_is_refused_and_a_reader_is_not(with_device, writer) -> None:
    save(writer)
    holder = read_holder(with_device)
    assert holder is not None and holder.pid == writer.pid
    added = cli("--db", str(with_device), "reading", "add", "1", "4.5")
    assert added.returncode != 0 and f"process {writer.pid}" in added.stderr
    listed = cli("--db", str(with_device), "reading", "list", "1")
    assert listed.returncode == 0 and len(listed.stdout.splitlines()) == 1
    assert cli("--db", str(with_device), "db", "status").returncode == 0
    started = time.monotonic()
    with pytest.raises(DatabaseInUseError, match=f"process {writer.pid}"):
        open_database(with_device)
    assert time.monotonic() - started < 10  # refused, not left waiting for 5 minutes


def test_a_file_replaced_under_a_running_fieldlog_is_never_written(with_device, tmp_path) -> None:
    db = open_database(with_device).database
    try:
        add_reading(db, NewReading(1, 1.0, datetime.now(UTC)))
        with db.driver_read() as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # (a stale WAL is issue 12's item 2)
        other = tmp_path / "other.db"
        shutil.copyfile(with_device, other)
        other.replace(with_device)  # a sync tool or a copy by hand puts another file there
        with pytest.raises(DatabaseReplacedError, match="was replaced by another file"):
            add_reading(db, NewReading(1, 2.0, datetime.now(UTC)))
        with_device.unlink()
        with pytest.raises(DatabaseReplacedError, match="was moved or deleted"):
            count_readings(db)
    finally:
        db.close()


def test_a_restore_in_the_same_process_after_closing_works(with_device) -> None:
    """The window closes its database before it restores: its own lock is no obstacle."""
    backup = backups.make_backup(with_device, "manual")
    db = open_database(with_device).database
    add_reading(db, NewReading(1, 1.0, datetime.now(UTC)))
    db.close()
    assert maintenance.restore(with_device, backup) is not None
    again = open_database(with_device).database
    try:
        assert count_readings(again) == 0
    finally:
        again.close()
