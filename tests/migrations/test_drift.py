"""No drift at head: the migrated schema is exactly what the models say."""

import subprocess
from pathlib import Path

import pytest
from alembic import command

from core import migrate
from tests.migrations.support import REPO_ROOT, connect, executable, migrated, revision_of


def test_models_and_migrated_head_agree(tmp_path: Path) -> None:
    with connect(tmp_path / "head.db") as conn:
        migrate.upgrade(conn, "head")
        assert migrate.schema_drift(conn) == []


def test_migrated_head_has_every_named_index_and_check(tmp_path: Path) -> None:
    with connect(tmp_path / "head.db") as conn:
        migrate.upgrade(conn, "head")
        assert migrate.schema_object_problems(conn) == []


def test_alembic_check_passes_at_head(tmp_path: Path) -> None:
    path = migrated(tmp_path / "head.db", "head")
    with connect(path) as conn, migrate.migration_transaction(conn):
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
def test_alembic_command_line_upgrades_and_checks(tmp_path: Path) -> None:
    target = tmp_path / "cli.db"
    upgraded = alembic_cli("-x", f"db={target}", "upgrade", "head")
    assert upgraded.returncode == 0, upgraded.stderr
    assert revision_of(target) == migrate.script_directory().get_current_head()
    checked = alembic_cli("-x", f"db={target}", "check")
    assert checked.returncode == 0, checked.stderr + checked.stdout
