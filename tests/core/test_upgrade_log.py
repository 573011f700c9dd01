"""The per-attempt upgrade logs: one per attempt, and only the newest kept."""

from pathlib import Path

import pytest

from core.launch import open_database
from core.upgrade_log import KEEP_UPGRADE_LOGS


def test_upgrade_logs_are_pruned_to_the_newest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    logs = tmp_path / "logs"
    monkeypatch.setenv("FIELDLOG_LOG_DIR", str(logs))
    logs.mkdir()
    for n in range(40):
        (logs / f"upgrade-20261101T{n:06d}000000Z.log").write_text("old", encoding="utf-8")
    open_database(tmp_path / "new.db").database.close()  # a new file is an upgrade too
    kept = sorted(p.name for p in logs.glob("upgrade-*.log"))
    assert len(kept) == KEEP_UPGRADE_LOGS
    assert kept[0] == "upgrade-20261101T000011000000Z.log"  # the 11 oldest went
    assert kept[-1].startswith("upgrade-2026") and not kept[-1].startswith("upgrade-20261101")
