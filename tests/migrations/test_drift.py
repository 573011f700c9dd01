"""No drift at head: the migrated schema is exactly what the models say, on SQLite and on
PostgreSQL (``new_database``)."""

import subprocess
from pathlib import Path

import pytest
from alembic import command

from core import maintenance, migrate
from tests.migrations.databases import NewDatabase
from tests.migrations.support import (
    REPO_ROOT,
    executable,
    migrated,
    plain,
    rebuild_from_reflection,
)


def test_models_and_migrated_head_agree(new_database: NewDatabase) -> None:
    with new_database().migrated("head").connect() as conn:
        assert migrate.schema_drift(conn) == []


def test_migrated_head_has_every_named_index_and_check(new_database: NewDatabase) -> None:
    with new_database().migrated("head").connect() as conn:
        assert migrate.schema_object_problems(conn) == []


def test_alembic_check_passes_at_head(new_database: NewDatabase) -> None:
    with new_database().migrated("head").connect() as conn, migrate.migration_transaction(conn):
        command.check(migrate.alembic_config(conn))


def alembic_cli(*args: str) -> subprocess.CompletedProcess[str]:
    """The developers' command line, run from the repository root as the README says."""
    return subprocess.run(
        [executable("alembic"), *args],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.slow
def test_alembic_command_line_upgrades_and_checks(new_database: NewDatabase) -> None:
    database = new_database()
    upgraded = alembic_cli("-x", f"db={database.where}", "upgrade", "head")
    assert upgraded.returncode == 0, upgraded.stderr
    assert database.revision() == migrate.script_directory().get_current_head()
    checked = alembic_cli("-x", f"db={database.where}", "check")
    assert checked.returncode == 0, checked.stderr + checked.stdout
    assert "No new upgrade operations detected" in checked.stdout


def test_the_schema_check_reports_a_foreign_key_that_lost_its_name(tmp_path: Path) -> None:
    path = migrated(tmp_path / "rebuilt.db", "head")
    rebuild_from_reflection(path, "devices")
    with plain(path) as conn:
        (sql,) = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'devices'").fetchone()
    assert "fk_devices_batch_id_import_batches" not in sql  # the trap is real
    problems = maintenance.check(path)
    assert problems == [
        "constraint fk_devices_batch_id_import_batches of devices is missing or has lost its name"
    ]


def test_the_schema_check_reports_a_renamed_constraint(tmp_path: Path) -> None:
    path = migrated(tmp_path / "renamed.db", "head")
    with plain(path) as conn:
        (sql,) = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'readings'").fetchone()
        renamed = sql.replace("fk_readings_device_id_devices", "fk_readings_device")
        conn.execute("PRAGMA writable_schema = ON")
        conn.execute("UPDATE sqlite_master SET sql = ? WHERE name = 'readings'", (renamed,))
        conn.commit()
    problems = maintenance.check(path)
    assert (
        "constraint fk_readings_device_id_devices of readings is missing or has lost its name"
        in problems
    )
    assert (
        "readings has a constraint named fk_readings_device, which the models do not declare "
        "(renamed?)" in problems
    )
