"""A small run of the kill-during-upgrade attack (``tests/attacks/kill_upgrade.py``): every
kill leaves the file as it was or fully upgraded, and the next launch finishes the job."""

from pathlib import Path

import pytest

from tests.attacks.kill_upgrade import attack


@pytest.mark.slow
def test_killed_upgrades_lose_nothing_and_half_upgrade_nothing(tmp_path: Path) -> None:
    assert attack(tmp_path, rows=60_000, kills=8, seed=13) == []
