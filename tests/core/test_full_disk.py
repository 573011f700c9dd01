"""On a full disk every command says so in one line, and nothing is half-written (issue 12).

The disk is real: a 4 MB tmpfs in a private mount namespace (``unshare -m``, as root on
Linux), filled to the last byte after the database is copied onto it."""

import subprocess
import sys
from pathlib import Path

import pytest

from tests.core.launch_support import REPO_ROOT, gauge_database

COMMANDS = {
    "reading add": ("reading", "add", "1", "2.5"),
    "device add": ("device", "add", "Another gauge"),
    "xlsx export": ("export", "-o", "{disk}/out.xlsx", "--format", "xlsx"),
    "csv export": ("export", "-o", "{disk}/out.csv"),
    "backup": ("db", "backup"),
}


def on_a_full_disk(database: Path, disk: Path, *commands: tuple[str, ...]) -> list[str]:
    """Each command's exit code, stdout and stderr, run on a copy of ``database`` on a full
    tmpfs mounted at ``disk``; and what the disk held afterwards."""
    runs = "; ".join(
        f"'{sys.executable}' -m core --db '{disk}/site.db' "
        + " ".join(f"'{a.format(disk=disk)}'" for a in command)
        + '; echo "exit=$?"; echo ==='
        for command in commands
    )
    script = (
        f"mount -t tmpfs -o size=4m tmpfs '{disk}' && cp '{database}' '{disk}/site.db' && "
        f"(dd if=/dev/zero of='{disk}/filler' bs=64k 2>/dev/null; true) && cd '{REPO_ROOT}' && "
        f"{runs}; ls '{disk}'"
    )
    done = subprocess.run(["unshare", "-m", "sh", "-c", script], capture_output=True,
                          text=True, timeout=300)  # fmt: skip
    return [done.stdout, done.stderr]


@pytest.mark.slow
def test_every_command_on_a_full_disk_is_one_clear_line(tmp_path: Path) -> None:
    path = gauge_database(tmp_path / "site.db", readings=50)
    disk = tmp_path / "disk"
    disk.mkdir()
    stdout, stderr = on_a_full_disk(path, disk, *COMMANDS.values(), ("db", "status"))
    outcomes = stdout.split("===\n")
    lines = [ln for ln in stderr.splitlines() if ln.startswith("fieldlog:")]
    assert "Traceback" not in stderr and "unexpected error" not in stderr, stderr
    for name, outcome in zip(COMMANDS, outcomes, strict=False):
        assert "exit=1" in outcome, (name, outcome, stderr)
    assert len(lines) == len(COMMANDS) and all("full" in ln for ln in lines), stderr
    assert "exit=0" in outcomes[len(COMMANDS)] and "readings: 50" in outcomes[len(COMMANDS)]
    left = outcomes[-1].split()
    assert "out.xlsx" not in left and "out.csv" not in left  # no half-written export
    assert not any(name.endswith(".partial") for name in left)
