"""The suite never reaches a real user's per-user folders, whatever the scope: at import, in a
fixture of any scope, in a test, in a process a test starts (``tests/user_folders.py``)."""

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from core import paths
from tests.user_folders import sandbox, user_folders


def where_fieldlog_writes() -> list[Path]:
    """Every per-user place FieldLog would write to now: the folders platformdirs gives, the
    default database, the database of this moment (``FIELDLOG_DB``) and its backups, the logs."""
    database = paths.resolve_db_path()
    found = [*user_folders(), paths.default_db_path(), database, paths.backups_dir(database)]
    return [*found, paths.log_dir()]


AT_IMPORT = where_fieldlog_writes()


def outside_the_sandbox(places: list[Path]) -> list[Path]:
    root = sandbox().root
    return [place for place in places if not place.resolve().is_relative_to(root)]


def in_real_folders(places: list[Path]) -> list[Path]:
    real = sandbox().real
    return [p for p in places if any(p.resolve().is_relative_to(r) for r in real)]


@pytest.fixture(scope="session")
def at_session_scope() -> Iterator[list[Path]]:
    yield where_fieldlog_writes()


@pytest.fixture(scope="module")
def at_module_scope() -> list[Path]:
    return where_fieldlog_writes()


class TestEveryScope:
    @pytest.fixture(scope="class")
    @classmethod
    def at_class_scope(cls) -> list[Path]:
        return where_fieldlog_writes()

    def test_at_import(self) -> None:
        assert outside_the_sandbox(AT_IMPORT) == []

    def test_in_a_session_fixture(self, at_session_scope: list[Path]) -> None:
        assert outside_the_sandbox(at_session_scope) == []

    def test_in_a_module_fixture(self, at_module_scope: list[Path]) -> None:
        assert outside_the_sandbox(at_module_scope) == []

    def test_in_a_class_fixture(self, at_class_scope: list[Path]) -> None:
        assert outside_the_sandbox(at_class_scope) == []

    def test_in_a_test(self, tmp_path: Path) -> None:
        """A test has its own database and logs too (conftest.py), in its ``tmp_path``."""
        places = where_fieldlog_writes()
        database = paths.resolve_db_path()
        own = [database, paths.backups_dir(database), paths.log_dir()]
        assert all(place.is_relative_to(tmp_path) for place in own)
        assert outside_the_sandbox([p for p in places if p not in own]) == []


def test_no_place_is_a_real_users_folder(at_session_scope: list[Path]) -> None:
    assert sandbox().real, "the real folders were not recorded"
    assert in_real_folders([*AT_IMPORT, *at_session_scope, *where_fieldlog_writes()]) == []


def test_the_sandbox_is_one_for_the_session() -> None:
    assert sandbox() is sandbox()
    assert paths.default_db_path().is_relative_to(sandbox().root)


PROBE = """
from core import paths
from tests.user_folders import user_folders
print(paths.default_db_path())
print(paths.log_dir())
for folder in user_folders():
    print(folder)
"""


@pytest.mark.slow
def test_a_process_a_test_starts_is_in_the_sandbox_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FIELDLOG_LOG_DIR")  # so that the probe asks platformdirs for the logs
    probe = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=Path(__file__).resolve().parents[1],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    places = [Path(line) for line in probe.stdout.splitlines()]
    assert len(places) == 7 and outside_the_sandbox(places) == []
