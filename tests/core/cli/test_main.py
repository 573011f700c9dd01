"""``core.cli.main``: one line on any failure, the traceback in the log, the installed command."""

import subprocess
import sys
from pathlib import Path

import pytest

from core import maintenance
from core.cli import EXIT_CLOSED_PIPE, EXIT_ERROR
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


@pytest.fixture
def status_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    """``db status`` meets an error nobody foresaw."""

    def broken(path: Path) -> None:
        raise RuntimeError("the disk said no")

    monkeypatch.setattr(maintenance, "status", broken)


def test_an_unexpected_error_is_one_line_and_its_traceback_goes_to_the_log(
    capsys, status_fails, tmp_path
) -> None:
    code, _, err = run(capsys, "--db", tmp_path / "x.db", "db", "status")
    log = tmp_path / "logs" / "fieldlog-cli.log"  # FIELDLOG_LOG_DIR (tests/conftest.py)
    assert code == EXIT_ERROR
    assert err == f"fieldlog: unexpected error: the disk said no (details in {log})\n"
    written = log.read_text(encoding="utf-8")
    assert "Traceback" in written and "RuntimeError: the disk said no" in written


def test_a_log_folder_that_cannot_be_written_is_said_so(
    capsys, monkeypatch, status_fails, tmp_path
) -> None:
    not_a_folder = tmp_path / "logs-file"
    not_a_folder.write_text("", encoding="utf-8")
    monkeypatch.setenv("FIELDLOG_LOG_DIR", str(not_a_folder))
    code, _, err = run(capsys, "--db", tmp_path / "x.db", "db", "status")
    assert code == EXIT_ERROR
    assert (
        err == "fieldlog: unexpected error: the disk said no "
        "(details in no log: the log folder cannot be written)\n"
    )


def test_a_closed_pipe_ends_quietly_as_a_unix_tool_does(tmp_path: Path) -> None:
    """``fieldlog reading list X | head -1``: the reader goes away, and fieldlog ends without a
    word, with the status a tool stopped by a closed pipe gets (128 + SIGPIPE)."""
    from core.demo import create_demo
    from core.launch import open_database

    path = tmp_path / "pipe.db"
    db = open_database(path).database
    create_demo(db, devices=5, years=0.2)  # device 5 logs every 15 min: 7,000 lines
    db.close()
    command = [sys.executable, "-m", "core", "--db", str(path), "reading", "list", "id:5",
               "--limit", "100000"]  # fmt: skip
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as child:
        assert child.stdout is not None and child.stderr is not None
        assert child.stdout.readline()
        child.stdout.close()  # as head -1 does, with the rest unread
        err = child.stderr.read()
        code = child.wait(timeout=60)
    assert err == b""
    assert code == EXIT_CLOSED_PIPE == 141
