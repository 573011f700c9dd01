"""``core.cli.main``: one line on any failure, and the installed command."""

import subprocess
import sys
from pathlib import Path

from core.cli import EXIT_ERROR
from tests.core.cli.cli_support import run


def test_errors_are_one_line_without_a_traceback(capsys, tmp_path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not a database" * 10)
    code, _, err = run(capsys, "--db", junk, "db", "upgrade")
    assert code == EXIT_ERROR
    assert err.count("\n") == 1 and "Traceback" not in err and str(junk) in err


def test_the_installed_command_runs(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "core", "--db", str(tmp_path / "x.db"), "db", "status"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0 and "does not exist" in done.stdout
