"""The traps measured on this stack (issue 2), each caught by a test on a real file."""

import logging
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from core import migrate
from tests.migrations.support import REPO_ROOT, connect, leftover_temp_tables, migrated, plain


def count(path: Path, table: str) -> int:
    with plain(path) as conn:
        return int(conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0])


def add_device_with_readings(path: Path, readings: int, *, location: bool = True) -> None:
    """One device (0001/0002 columns) and ``readings`` readings of it, with raw SQL."""
    extra = ", location" if location else ""
    with plain(path) as conn:
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute(
            f"INSERT INTO devices (id, uid, name, serial_number, created_at{extra}) "
            f"VALUES (1, ?, 'Boiler gauge', 'SN-1', 1700000000000{', NULL' if location else ''})",
            (bytes(range(16)),),
        )
        conn.executemany(
            "INSERT INTO readings (device_id, recorded_at, value, unit) VALUES (1, ?, ?, 'bar')",
            [(1700000000000 + n * 60_000, n / 10) for n in range(readings)],
        )
        conn.commit()


def test_rebuilding_devices_keeps_every_reading(tmp_path: Path) -> None:
    path = migrated(tmp_path / "cascade.db", "0002")
    add_device_with_readings(path, 50)
    migrated(path, "head")  # 0003 rebuilds devices in batch mode
    assert count(path, "readings") == 50
    with plain(path) as conn:
        assert conn.execute("SELECT DISTINCT device_id FROM readings").fetchall() == [(1,)]


def test_foreign_keys_are_on_for_a_fresh_connection_after_upgrading(tmp_path: Path) -> None:
    path = migrated(tmp_path / "fk.db", "head")
    with connect(path) as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_foreign_keys_are_back_on_for_the_migrating_connection(tmp_path: Path) -> None:
    with connect(tmp_path / "fk.db") as conn:
        migrate.upgrade(conn, "head")
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        conn.rollback()


@pytest.fixture
def host_logger() -> Iterator[logging.Logger]:
    """A logger the host application configured before any migration ran."""
    logger = logging.getLogger("host.app")
    handler = logging.NullHandler()
    logger.addHandler(handler)
    yield logger
    logger.removeHandler(handler)
    logger.disabled = False


def test_migrating_leaves_the_host_logging_alone(tmp_path: Path, host_logger) -> None:
    with connect(tmp_path / "log.db") as conn:
        migrate.upgrade(conn, "head")
    assert logging.getLogger("host.app").disabled is False


LOGGING_PROBE = """
import logging, sys
from alembic.config import main
logger = logging.getLogger("host.app")
logger.addHandler(logging.StreamHandler())
main(argv=["-c", "alembic.ini", "-x", "db=" + sys.argv[1], "upgrade", "head"])
print("disabled" if logger.disabled else "enabled")
"""


@pytest.mark.slow
def test_alembic_command_line_leaves_existing_loggers_enabled(tmp_path: Path) -> None:
    """The CLI path runs env.py's fileConfig(): it must not disable loggers made before it."""
    probe = subprocess.run(
        [sys.executable, "-c", LOGGING_PROBE, str(tmp_path / "cli.db")],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert probe.returncode == 0, probe.stderr
    assert probe.stdout.strip() == "enabled"


def test_upgrade_with_data_leaves_no_temp_table_and_sound_keys(tmp_path: Path) -> None:
    path = migrated(tmp_path / "clean.db", "0001")
    add_device_with_readings(path, 5, location=False)
    migrated(path, "head")
    assert leftover_temp_tables(path) == []
    with plain(path) as conn:
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
