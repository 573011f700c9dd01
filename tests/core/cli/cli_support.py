"""Running ``fieldlog`` in the test's process, as a script would, and reading what it said."""

from pathlib import Path

import pytest

from core.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    """The exit code, stdout and stderr of ``fieldlog *argv``."""
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err
