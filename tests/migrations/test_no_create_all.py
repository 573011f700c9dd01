"""No ``create_all`` anywhere: schemas are built only by migrating (docs/ARCHITECTURE.md,
migration rules)."""

from pathlib import Path

from tests.migrations.support import REPO_ROOT

SCANNED = ("core", "gui", "migrations", "tests", "benchmarks")
NEEDLE = "create_all" + "("


def python_files() -> list[Path]:
    folders = [REPO_ROOT / name for name in SCANNED if (REPO_ROOT / name).is_dir()]
    return sorted(path for folder in folders for path in folder.rglob("*.py"))


def test_the_scan_sees_the_code() -> None:
    assert REPO_ROOT / "core" / "migrate.py" in python_files()


def test_no_python_file_calls_create_all() -> None:
    here = Path(__file__).resolve()
    offenders = [
        path.relative_to(REPO_ROOT).as_posix()
        for path in python_files()
        if path.resolve() != here and NEEDLE in path.read_text(encoding="utf-8", errors="replace")
    ]
    assert offenders == [], f"create_all() found in {offenders}: build schemas by migrating"
