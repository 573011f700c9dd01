"""Kill the launch upgrade at many moments and check that nothing is lost or half-upgraded.

    python -m tests.attacks.kill_upgrade [--rows 1000000] [--kills 60] [--seed 1] [--folder DIR]

A database at revision 0003 (the committed fixture, with ``--rows`` readings added) is
upgraded to head by ``python -m core db upgrade`` in a child process, once to time it and then
``--kills`` times more, each killed (``Popen.kill``: SIGKILL, or TerminateProcess on Windows)
at a moment spread over that time. After each kill the file must be either exactly what it was
(revision 0003) or fully upgraded (head, as an uninterrupted upgrade leaves it), with the same
devices and readings, and sound (``quick_check``); then a second, uninterrupted launch must
bring it to head with the same data. Exit status 1 when any attempt breaks that, with one
line per problem.

This is the attack issue 12 was found with; ``tests/core/test_kill_upgrade.py`` runs a small
one with the test suite.
"""

import argparse
import hashlib
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
FIXTURE = REPO_ROOT / "tests" / "fixtures" / "db" / "rev_0003.db"
START = "0003"


def prepare(folder: Path, rows: int) -> Path:
    """The fixture at 0003 with ``rows`` more readings, copied from its first one."""
    path = folder / "pristine.db"
    shutil.copyfile(FIXTURE, path)
    with closing(sqlite3.connect(path)) as conn:
        columns = [row[1] for row in conn.execute("PRAGMA table_info(readings)") if row[1] != "id"]
        picked = ", ".join("recorded_at + n * 1000" if c == "recorded_at" else c for c in columns)
        conn.execute(
            f"WITH RECURSIVE counter(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM counter "
            f"WHERE n < {rows}) INSERT INTO readings ({', '.join(columns)}) SELECT {picked} "
            "FROM readings, counter WHERE readings.id = (SELECT min(id) FROM readings)"
        )
        conn.commit()
    return path


def fingerprint(path: Path) -> tuple[str | None, str, str]:
    """(revision, digest of the file's devices and readings, quick_check) of ``path``.

    The readings' unit is left out: revision 0004 fills in a missing one from the device,
    so it is the one column an upgrade may change; every other one must stay as it was."""
    with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as conn:
        revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        digest = hashlib.sha256()
        for query in (
            "SELECT id, name, serial_number FROM devices ORDER BY id",
            "SELECT id, device_id, recorded_at, value, note FROM readings ORDER BY id",
        ):
            for row in conn.execute(query):
                digest.update(repr(row).encode())
        check = conn.execute("PRAGMA quick_check").fetchone()[0]
    return (revision[0] if revision else None), digest.hexdigest(), check


def units(path: Path) -> str:
    """A digest of the readings' units, which only an upgrade through 0004 may change."""
    with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as conn:
        rows = conn.execute("SELECT id, unit FROM readings ORDER BY id").fetchall()
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def launch(path: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "core", "--db", str(path), "db", "upgrade"],
        cwd=REPO_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip


def finished(process: subprocess.Popen[bytes]) -> str | None:
    """None when the launch succeeded, else the last line it printed."""
    _, err = process.communicate()
    if process.returncode == 0:
        return None
    lines = err.decode(errors="replace").strip().splitlines()
    return lines[-1] if lines else f"exit code {process.returncode}"


def attack(folder: Path, rows: int, kills: int, seed: int = 1) -> list[str]:
    from core.schema import HEAD_REVISION

    pristine = prepare(folder, rows)
    _, data, _ = fingerprint(pristine)
    timed = folder / "timed.db"
    shutil.copyfile(pristine, timed)
    began = time.monotonic()
    if (failure := finished(launch(timed))) is not None:
        return [f"the uninterrupted upgrade failed: {failure}"]
    duration = time.monotonic() - began
    problems = _check(timed, data, HEAD_REVISION, "the uninterrupted upgrade")
    moments = random.Random(seed)
    for attempt in range(kills):
        work = folder / f"attempt-{attempt}" / "site.db"
        work.parent.mkdir()
        shutil.copyfile(pristine, work)
        delay = duration * (attempt + moments.random()) / kills
        process = launch(work)
        time.sleep(delay)
        process.kill()
        process.communicate()
        what = f"attempt {attempt} (killed after {delay:.2f} s)"
        revision, after, check = fingerprint(work)
        unit_digest = {START: units(pristine), HEAD_REVISION: units(timed)}.get(revision or "")
        if unit_digest != units(work) or after != data or check != "ok":
            problems.append(f"{what}: left at {revision}, data same: {after == data}, {check}")
        if (failure := finished(launch(work))) is not None:
            problems.append(f"{what}: the next launch failed: {failure}")
            continue
        problems += _check(work, data, HEAD_REVISION, f"{what}, then relaunched")
        if units(work) != units(timed):
            problems.append(f"{what}, then relaunched: the units differ from an upgrade's")
        shutil.rmtree(work.parent)  # a failed attempt's folder is kept, to look at
    return problems


def _check(path: Path, data: str, head: str, what: str) -> list[str]:
    revision, after, check = fingerprint(path)
    if (revision, after, check) == (head, data, "ok"):
        return []
    return [f"{what}: at {revision}, data same: {after == data}, quick_check {check}"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.attacks.kill_upgrade")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--kills", type=int, default=60)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--folder", type=Path, default=None)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="fieldlog-kill-") as scratch:
        folder = args.folder or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        problems = attack(folder, args.rows, args.kills, args.seed)
    for problem in problems:
        print(problem)
    print(f"{args.kills} kills of an upgrade of {args.rows:,} readings: "
          f"{'no problem' if not problems else f'{len(problems)} problem(s)'}")  # fmt: skip
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
