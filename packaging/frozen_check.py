"""Prove a PyInstaller build of FieldLog works, from a folder that is not the repository.

    python packaging/frozen_check.py [--bundle dist/FieldLog] [--source-fieldlog PATH]

Used by .ci/frozen-check (Linux CI) and .github/workflows/release.yml (Windows, macOS, Linux).
Standard library only, so any Python 3.11+ runs it. Every run of the frozen app happens in a
temporary working directory, offscreen, with the per-user folders pointed into a temporary home:

1. ``--version`` prints this source tree's version;
2. ``--self-test --screenshot`` passes on a new database (schema created by migrating) and
   writes a real PNG;
3. a copy of the fixture database at revision 0001 is upgraded by the frozen app's CLI
   (``db upgrade``): it reaches head, a backup is taken first, every row is intact (the same
   rules as tests/migrations/test_fixtures.py, and the counts and spot values of expected.json);
4. that database exports to CSV, XLSX and PDF, and the CSV and XLSX import back into a new
   database (pyarrow, openpyxl and fpdf2 with its fonts are bundled), as does a real HOBOware
   export from tests/fixtures/loggers;
5. ``db status`` says "up to date", ``db check`` finds no problem;
6. the logs land in the per-user log folder, and nothing is written inside the bundle;
7. (Linux) every Qt library a bundled Qt plugin or library links is in the bundle.

Then it prints the bundle's size, its biggest items, and cold starts next to the source run's.
"""

import argparse
import json
import os
import re
import shutil
import sqlite3
import statistics
import struct
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures" / "db"
FIRST_FIXTURE = "rev_0001.db"
DATA_TABLES = ("origins", "devices", "readings")
TIMEOUT_S = 180
IS_WINDOWS = sys.platform == "win32"
EXE_SUFFIX = ".exe" if IS_WINDOWS else ""

Row = dict[str, Any]
Table = dict[Any, Row]


class CheckFailedError(Exception):
    pass


@dataclass
class Report:
    passed: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def check(self, name: str, work: Callable[[], str | None]) -> None:
        try:
            detail = work()
        except (CheckFailedError, OSError, subprocess.SubprocessError, sqlite3.Error) as exc:
            self.failed.append(name)
            print(f"FAIL  {name}: {exc}", flush=True)
            return
        self.passed.append(name)
        print(f"ok    {name}{f': {detail}' if detail else ''}", flush=True)


@dataclass(frozen=True)
class Frozen:
    """The bundle's two programs: the app, and the console program for the CLI."""

    bundle: Path
    app: Path
    cli: Path


def find_frozen(bundle: Path) -> Frozen:
    """The programs in a one-folder build, or in a macOS .app (Contents/MacOS)."""
    programs = bundle / "Contents" / "MacOS" if bundle.suffix == ".app" else bundle
    app = programs / f"FieldLog{EXE_SUFFIX}"
    cli = programs / f"fieldlog-cli{EXE_SUFFIX}"
    if not app.is_file():
        raise SystemExit(f"frozen check: no {app}: build it first (pyinstaller build.spec)")
    return Frozen(bundle, app, cli if cli.is_file() else app)


# --- running the frozen app --------------------------------------------------------------------


def isolated_env(home: Path) -> dict[str, str]:
    """The environment for every run: offscreen Qt, per-user folders inside ``home``.

    On Linux and macOS platformdirs follows HOME (and XDG_*), so the logs go where an installed
    copy's would, inside ``home``. Windows resolves AppData through the shell API, not the
    environment, so there the log folder is set with FIELDLOG_LOG_DIR. FIELDLOG_DB points at a
    file in ``home``: nothing can touch a real user database.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "FIELDLOG_"))}
    env.update(HOME=str(home), QT_QPA_PLATFORM="offscreen", PYTHONDONTWRITEBYTECODE="1")
    env["FIELDLOG_DB"] = str(home / "default" / "fieldlog.db")
    if IS_WINDOWS:
        env["FIELDLOG_LOG_DIR"] = str(home / "logs")
    return env


def run(command: Sequence[str | Path], cwd: Path, env: dict[str, str]) -> str:
    """Run ``command``; its stdout, or CheckFailedError with its output if it exits non-zero."""
    done = subprocess.run(
        [str(c) for c in command],
        cwd=cwd,
        env=env,
        capture_output=True,
        encoding="utf-8",
        errors="replace",
        timeout=TIMEOUT_S,
    )
    if done.returncode != 0:
        tail = (done.stdout + done.stderr).strip()[-2000:]
        raise CheckFailedError(f"exit {done.returncode}: {' '.join(map(str, command))}\n{tail}")
    return done.stdout


def source_version() -> str:
    text = (REPO / "core" / "__init__.py").read_text(encoding="utf-8")
    found = re.search(r'^__version__ = "([^"]+)"', text, re.MULTILINE)
    if not found:
        raise SystemExit("frozen check: no __version__ in core/__init__.py")
    return found.group(1)


def head_revision() -> str:
    """The newest revision id: migrations/versions/NNNN_*.py, consecutive four-digit numbers."""
    numbers = [p.name[:4] for p in (REPO / "migrations" / "versions").glob("[0-9]" * 4 + "_*.py")]
    return max(numbers)


# --- 1, 2: version and self-test ---------------------------------------------------------------


def check_version(frozen: Frozen, cwd: Path, env: dict[str, str]) -> str:
    printed = run([frozen.cli, "--version"], cwd, env).strip()
    if printed != f"FieldLog {source_version()}":
        raise CheckFailedError(f"--version printed {printed!r}, the source says {source_version()}")
    if frozen.app != frozen.cli:
        run([frozen.app, "--version"], cwd, env)  # a GUI program on Windows: no output to read
    return printed


def png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    if header[:8] != b"\x89PNG\r\n\x1a\n" or header[12:16] != b"IHDR":
        raise CheckFailedError(f"{path} is not a PNG file")
    width, height = struct.unpack(">II", header[16:24])
    return width, height


def check_self_test(frozen: Frozen, cwd: Path, env: dict[str, str]) -> str:
    shot = cwd / "shot.png"
    run([frozen.app, "--self-test", "--screenshot", shot.name], cwd, env)
    if not shot.is_file():
        raise CheckFailedError("the self-test passed but wrote no screenshot")
    width, height = png_size(shot)
    size = shot.stat().st_size
    if width < 400 or height < 300 or size < 10_000:
        raise CheckFailedError(f"the screenshot is {width}×{height}, {size} bytes: too small")
    return f"{shot}: {width}×{height}, {size:,} bytes"


# --- 3: the first revision's database, upgraded with every row intact -------------------------


def read_tables(path: Path) -> dict[str, Table]:
    uri = f"{path.resolve().as_uri()}?mode=ro"
    with closing(sqlite3.connect(uri, uri=True)) as conn:
        conn.row_factory = sqlite3.Row
        return {
            t: {r["id"]: dict(r) for r in conn.execute(f'SELECT * FROM "{t}"')} for t in DATA_TABLES
        }


def same(a: object, b: object) -> bool:
    return type(a) is type(b) and a == b


def row_differences(table: str, before: Table, after: Table, devices: Table) -> list[str]:
    """Rows lost or added, values changed; a NULL reading unit must become the device's unit."""
    found = [f"{table} row {key} vanished" for key in before.keys() - after.keys()]
    found += [f"{table} row {key} appeared" for key in after.keys() - before.keys()]
    for key in sorted(before.keys() & after.keys()):
        old, new = before[key], after[key]
        for column in old.keys() & new.keys():
            expected = old[column]
            if table == "readings" and column == "unit" and expected is None:
                expected = devices[old["device_id"]].get("default_unit") or ""
            if not same(expected, new[column]):
                found.append(f"{table} row {key} {column}: {expected!r:.60} -> {new[column]!r:.60}")
    return found


def manifest_problems(name: str, after: dict[str, Table]) -> list[str]:
    entry = json.loads((FIXTURES / "expected.json").read_text(encoding="utf-8"))[name]
    problems = []
    counts = {t: len(after[t]) for t in DATA_TABLES}
    if counts != entry["counts"]:
        problems.append(f"counts {counts} != expected {entry['counts']}")
    for spot in entry["spot"]:
        value = after[spot["table"]].get(spot["id"], {}).get(spot["column"])
        if not same(value, spot["value"]):
            problems.append(f"spot value {spot} is now {value!r:.60}")
    return problems


def check_upgrade(frozen: Frozen, cwd: Path, env: dict[str, str]) -> str:
    copy = cwd / "data" / "fieldlog.db"
    copy.parent.mkdir(parents=True)
    shutil.copyfile(FIXTURES / FIRST_FIXTURE, copy)
    before = read_tables(copy)
    printed = run([frozen.cli, "--db", copy, "db", "upgrade"], cwd, env)
    if f"upgraded, revision {head_revision()}" not in printed:
        raise CheckFailedError(f"db upgrade did not reach {head_revision()}: {printed.strip()}")
    backups = list((copy.parent / "backups").glob("*-r0001-pre-upgrade.db"))
    if not backups:
        raise CheckFailedError("no pre-upgrade backup next to the database")
    after = read_tables(copy)
    devices = before["devices"]
    problems = [p for t in DATA_TABLES for p in row_differences(t, before[t], after[t], devices)]
    problems += manifest_problems(FIRST_FIXTURE, after)
    if problems:
        raise CheckFailedError(f"{len(problems)} differences: " + "; ".join(problems[:10]))
    rows = sum(len(t) for t in after.values())
    return f"0001 -> {head_revision()}, {rows} rows intact, backup {backups[0].name}"


# --- 4: exports (once the CLI has them) --------------------------------------------------------

EXPORT_MAGIC = {"csv": b"", "xlsx": b"PK\x03\x04", "pdf": b"%PDF-"}


def check_exports(frozen: Frozen, cwd: Path, env: dict[str, str]) -> str:
    """The upgraded database exported as CSV, XLSX and PDF: libraries and fonts are bundled."""
    try:
        run([frozen.cli, "export", "--help"], cwd, env)
    except CheckFailedError:
        return "skipped: this FieldLog has no export command"
    written = []
    for suffix, magic in EXPORT_MAGIC.items():
        out = cwd / f"export.{suffix}"
        run([frozen.cli, "--db", cwd / "data" / "fieldlog.db", "export", "-o", out], cwd, env)
        data = out.read_bytes() if out.is_file() else b""
        if len(data) < 1000 or not data.startswith(magic):
            raise CheckFailedError(f"{out.name} is missing, too small or not a {suffix} file")
        written.append(f"{suffix} {len(data):,} bytes")
    return ", ".join(written)


def check_imports(frozen: Frozen, cwd: Path, env: dict[str, str]) -> str:
    """The exports read back into a fresh database, and a logger file: the parsers' libraries
    (pyarrow's CSV reader and compute functions, openpyxl) work frozen."""
    done = []
    fresh = cwd / "imported.db"
    for name in ("export.csv", "export.xlsx"):
        printed = run([frozen.cli, "--db", fresh, "import", cwd / name, "--create-devices",
                       "--tz", "UTC"], cwd, env)  # fmt: skip
        found = re.search(r"([\d,]+) new readings were imported", printed)
        if found is None:
            raise CheckFailedError(f"importing {name} printed no count:\n{printed}")
        done.append(f"{name} {found.group(1)} new")
    hobo = REPO / "tests" / "fixtures" / "loggers" / "hobo" / "hobo_defaults.csv"
    printed = run([frozen.cli, "--db", fresh, "import", hobo, "--create-devices"], cwd, env)
    if "260 new readings were imported" not in printed:
        raise CheckFailedError(f"the HOBOware sample did not import as expected:\n{printed}")
    return ", ".join([*done, "HOBOware sample 260 new"])


# --- 5, 6: status, check, and where things were written ----------------------------------------


def check_status(frozen: Frozen, cwd: Path, env: dict[str, str]) -> str:
    printed = run([frozen.cli, "--db", cwd / "data" / "fieldlog.db", "db", "status"], cwd, env)
    if "up to date" not in printed or f"revision: {head_revision()}" not in printed:
        raise CheckFailedError(f"db status says:\n{printed}")
    return " ".join(printed.split())


def check_db_check(frozen: Frozen, cwd: Path, env: dict[str, str]) -> str:
    printed = run([frozen.cli, "--db", cwd / "data" / "fieldlog.db", "db", "check"], cwd, env)
    if not printed.strip().endswith(": ok"):
        raise CheckFailedError(f"db check says:\n{printed}")
    return printed.strip().splitlines()[-1]


def check_logs(home: Path) -> str:
    logs = sorted(home.rglob("fieldlog.log"))
    if not logs:
        raise CheckFailedError(f"no fieldlog.log under the temporary home {home}")
    return f"log at {logs[0].relative_to(home)} (inside the temporary home)"


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {
        str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in folder.rglob("*")
        if p.is_file()
    }


def check_untouched(bundle: Path, before: dict[str, tuple[int, int]]) -> str:
    after = snapshot(bundle)
    changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    if changed:
        raise CheckFailedError(f"the runs wrote inside the bundle: {changed[:10]}")
    return f"{len(after)} files unchanged"


# --- 7: Qt libraries the bundle's Qt files link (Linux) ----------------------------------------


def check_qt_links(bundle: Path) -> str:
    """Every libQt6* a bundled Qt library or plugin links resolves inside the bundle."""
    qt_lib = next(bundle.rglob("libQt6Core.so.6")).parent
    env = {**os.environ, "LD_LIBRARY_PATH": f"{qt_lib}:{qt_lib.parents[2]}"}
    files = [p for p in bundle.rglob("*.so*") if "PySide6" in p.parts and p.is_file()]
    missing = set()
    for path in files:
        out = subprocess.run(["ldd", str(path)], env=env, capture_output=True, text=True).stdout
        missing |= {f"{path.name}: {m}" for m in re.findall(r"(libQt6\S+) => not found", out)}
    if missing:
        raise CheckFailedError(f"Qt libraries missing from the bundle: {sorted(missing)[:10]}")
    return f"{len(files)} Qt files, every libQt6 dependency bundled"


# --- size and cold starts ----------------------------------------------------------------------


def tree_size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def biggest(bundle: Path, count: int = 10) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """The biggest top-level items of _internal/ (folders summed) and the biggest files.

    Symbolic links are left out: PyInstaller links some libraries from _internal/ into place.
    """
    inners = (bundle / "_internal", bundle / "Contents" / "Frameworks")  # folder build, .app
    inner = next((folder for folder in inners if folder.is_dir()), bundle)
    items = [
        (tree_size(p), p.relative_to(bundle).as_posix())
        for p in inner.iterdir()
        if not p.is_symlink()
    ]
    files = [
        (p.stat().st_size, p.relative_to(bundle).as_posix())
        for p in bundle.rglob("*")
        if p.is_file() and not p.is_symlink()
    ]
    return sorted(items, reverse=True)[:count], sorted(files, reverse=True)[:count]


def print_size(bundle: Path) -> None:
    items, files = biggest(bundle)
    print(f"\nbundle {bundle}: {tree_size(bundle) / 2**20:.0f} MiB")
    for title, rows in (("biggest items in _internal", items), ("biggest files", files)):
        print(f"the 10 {title}:")
        for size, name in rows:
            print(f"  {size / 2**20:8.1f} MiB  {name}")


def median_seconds(
    command: Sequence[str | Path], cwd: Path, env: dict[str, str], repeat: int
) -> float:
    run(command, cwd, env)  # warm the disk cache
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run(command, cwd, env)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def print_cold_starts(
    frozen: Frozen, source: Path | None, cwd: Path, env: dict[str, str], repeat: int
) -> None:
    paint_env = {**env, "FIELDLOG_EXIT_AFTER_FIRST_PAINT": "1"}
    db = ["--db", str(cwd / "data" / "fieldlog.db")]
    cases: list[tuple[str, list[str | Path], dict[str, str]]] = [
        ("--version", [frozen.cli, "--version"], env),
        ("first painted window", [frozen.app, *db], paint_env),
        ("--self-test", [frozen.app, "--self-test"], env),
    ]
    print(f"\ncold start, median of {repeat} after one warm-up (frozen vs source {source}):")
    for name, command, case_env in cases:
        frozen_s = median_seconds(command, cwd, case_env, repeat)
        line = f"  {name:<22} frozen {frozen_s * 1000:7.0f} ms"
        if source is not None:
            source_s = median_seconds([source, *command[1:]], cwd, case_env, repeat)
            line += f"   source {source_s * 1000:7.0f} ms   ratio {frozen_s / source_s:4.2f}"
        print(line, flush=True)


def default_source() -> Path | None:
    for candidate in (
        REPO / ".venv" / "bin" / "fieldlog",
        REPO / ".venv" / "Scripts" / "fieldlog.exe",
    ):
        if candidate.is_file():
            return candidate
    found = shutil.which("fieldlog")
    return Path(found) if found else None


# --- main --------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--bundle",
        type=Path,
        default=REPO / "dist" / "FieldLog",
        help="the one-folder build, or FieldLog.app on macOS (default: dist/FieldLog)",
    )
    parser.add_argument(
        "--source-fieldlog",
        type=Path,
        default=None,
        help="the source install's fieldlog, for the cold-start comparison "
        "(default: .venv's, else fieldlog on PATH)",
    )
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per cold start")
    parser.add_argument("--no-timing", action="store_true", help="skip the cold starts")
    return parser.parse_args(argv)


def run_checks(frozen: Frozen, folder: Path) -> Report:
    cwd, home = folder / "cwd", folder / "home"
    cwd.mkdir()
    home.mkdir()
    env = isolated_env(home)
    report, before = Report(), snapshot(frozen.bundle)
    report.check("--version", lambda: check_version(frozen, cwd, env))
    report.check("--self-test --screenshot", lambda: check_self_test(frozen, cwd, env))
    report.check("db upgrade of rev_0001.db", lambda: check_upgrade(frozen, cwd, env))
    report.check("export csv/xlsx/pdf", lambda: check_exports(frozen, cwd, env))
    report.check("import csv/xlsx/logger", lambda: check_imports(frozen, cwd, env))
    report.check("db status", lambda: check_status(frozen, cwd, env))
    report.check("db check", lambda: check_db_check(frozen, cwd, env))
    report.check("logs in the per-user folder", lambda: check_logs(home))
    report.check("nothing written in the bundle", lambda: check_untouched(frozen.bundle, before))
    if sys.platform.startswith("linux"):
        report.check("Qt libraries complete", lambda: check_qt_links(frozen.bundle))
    return report


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    frozen = find_frozen(args.bundle.resolve())
    print(f"frozen check of {frozen.bundle} (app {frozen.app.name}, cli {frozen.cli.name})")
    with tempfile.TemporaryDirectory(prefix="fieldlog-frozen-") as name:
        report = run_checks(frozen, Path(name))
        print_size(frozen.bundle)
        if not args.no_timing and not report.failed:
            source = args.source_fieldlog or default_source()
            print_cold_starts(
                frozen, source, Path(name) / "cwd", isolated_env(Path(name) / "home"), args.repeat
            )
    print(f"\nfrozen check: {len(report.passed)} passed, {len(report.failed)} failed")
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main())
