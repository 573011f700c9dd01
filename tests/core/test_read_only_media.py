"""On read-only media (a write-protected card, a read-only share) the commands that only read
work, and the file is left as it is (issue 12). The media are real: a read-only bind mount in
a private mount namespace (``unshare -m``), which root may make on Linux."""

import subprocess
import sys
from pathlib import Path

import pytest

from tests.core.launch_support import REPO_ROOT, crash_after_saving, gauge_database
from tests.core.test_wal import unchanged

COMMANDS = (("db", "status"), ("db", "check"), ("reading", "list", "1"), ("export", "-o", "{out}"))


def on_read_only_media(folder: Path, out: Path, *command: str) -> subprocess.CompletedProcess[str]:
    """Run ``fieldlog --db <folder>/site.db COMMAND`` with ``folder`` mounted read-only."""
    mount = out.parent / "media"
    mount.mkdir(exist_ok=True)
    args = " ".join(f"'{a.format(out=out)}'" for a in command)
    script = (
        f"mount --bind '{folder}' '{mount}' && mount -o remount,ro,bind '{mount}' && "
        f"cd '{REPO_ROOT}' && '{sys.executable}' -m core --db '{mount}/site.db' {args}"
    )
    return subprocess.run(["unshare", "-m", "sh", "-c", script], capture_output=True,
                          text=True, timeout=120)  # fmt: skip


@pytest.mark.slow
@pytest.mark.parametrize("crashed", [False, True], ids=["closed", "with a crash WAL"])
def test_read_only_commands_work_on_read_only_media(tmp_path: Path, crashed: bool) -> None:
    path = gauge_database(tmp_path / "card" / "site.db", readings=1)
    if crashed:
        crash_after_saving(path, 5)
    files = [p for p in path.parent.iterdir() if p.name.startswith("site.db")]
    before = unchanged(*files)
    expected = 6 if crashed else 1
    for command in COMMANDS:
        done = on_read_only_media(path.parent, tmp_path / "out.csv", *command)
        assert done.returncode == 0, (command, done.stderr)
        assert "Read-only file system" not in done.stderr
    status = on_read_only_media(path.parent, tmp_path / "out.csv", "db", "status")
    assert f"readings: {expected}" in status.stdout
    exported = (tmp_path / "out.csv").read_text(encoding="utf-8").splitlines()
    assert len(exported) == 1 + expected
    assert unchanged(*files) == before
    assert sorted(p.name for p in path.parent.iterdir()) == sorted(p.name for p in files)
