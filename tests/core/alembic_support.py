"""The developers' ``alembic`` command, run for real: a copy of the checkout, a user's home.

Each test gets a copy of the checkout (alembic.ini, pyproject.toml, core/, migrations/, and the
suite's migration tests when asked) and runs the venv's ``alembic`` in it as a developer would,
from its root, with HOME and the XDG folders pointed at a home of the test's own. That home
holds a user's real database, at the place platformdirs gives, so that a test can prove the
command line never touches it.
"""

import hashlib
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from core import paths
from tests.migrations.support import REPO_ROOT, executable
from tests.user_folders import HOME_VARIABLES

COPIED = ("alembic.ini", "pyproject.toml", "core", "migrations", "devtools")
COPIED_TESTS = (
    "tests/__init__.py",
    "tests/conftest.py",
    "tests/user_folders.py",
    "tests/postgres.py",
    "tests/databases.py",
    "tests/migrations",
)
FIXTURE_DB = REPO_ROOT / "tests" / "fixtures" / "db"


@dataclass
class Checkout:
    """A copy of the repository, and the ``alembic`` command run from its root."""

    root: Path

    @property
    def dev_db(self) -> Path:
        return self.root / "dev.db"

    def alembic(self, *args: str) -> subprocess.CompletedProcess[str]:
        return self.run(executable("alembic"), *args)

    def run(self, *command: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            list(command), cwd=self.root, capture_output=True, text=True, timeout=180, check=False
        )

    def files(self) -> set[str]:
        """Every file at the root of the checkout (where dev.db and its companions go)."""
        return {path.name for path in self.root.iterdir()}


def copy_checkout(target: Path, *, with_tests: bool = False) -> Checkout:
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".mypy_cache", ".ruff_cache")
    for name in (*COPIED, *(COPIED_TESTS if with_tests else ())):
        source = REPO_ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=ignore)
        else:
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return Checkout(target)


@dataclass
class UserHome:
    """A user's home for the test: the per-user database in it, and one ``FIELDLOG_DB`` names."""

    root: Path
    user_db: Path
    named_db: Path

    def fingerprint(self) -> dict[str, str]:
        """Every file below the home, by its SHA-256: equal means not a byte changed or added."""
        return {
            str(path.relative_to(self.root)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(self.root.rglob("*"))
            if path.is_file()
        }


@pytest.fixture
def checkout(tmp_path: Path) -> Checkout:
    return copy_checkout(tmp_path / "checkout")


@pytest.fixture
def user_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[UserHome]:
    """HOME and the XDG folders in ``tmp_path/user``, for this process and every one it starts,
    with a user's database (at 0004, full of data) where FieldLog keeps it, and another at 0006
    that ``FIELDLOG_DB`` names."""
    root = tmp_path / "user"
    for name, inside in HOME_VARIABLES.items():
        monkeypatch.setenv(name, str(root / inside))
    (root / "runtime").mkdir(parents=True)
    (root / "runtime").chmod(0o700)
    user_db = paths.default_db_path()
    named_db = root / "elsewhere" / "field.db"
    for source, target in (
        (FIXTURE_DB / "rev_0004.db", user_db),
        (FIXTURE_DB / "rev_0006.db", named_db),
    ):
        target.parent.mkdir(parents=True)
        shutil.copyfile(source, target)
    monkeypatch.setenv(paths.DB_ENV, str(named_db))
    yield UserHome(root, user_db, named_db)
