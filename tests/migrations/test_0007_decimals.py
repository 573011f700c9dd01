"""0007 adds readings.decimals, the resolution a value was typed with: in place, NULL for every
reading made before it; downgrading drops it and leaves every value as it was. Worked on a copy
of the 0006 fixture."""

import shutil
from pathlib import Path

import pytest

from tests.migrations.support import REPO_ROOT, migrated, plain, rootpages

FIXTURE = REPO_ROOT / "tests" / "fixtures" / "db" / "rev_0006.db"


@pytest.fixture
def at_0006(tmp_path: Path) -> Path:
    path = tmp_path / "old.db"
    shutil.copyfile(FIXTURE, path)
    return path


def columns(path: Path) -> list[str]:
    with plain(path) as conn:
        return [row[1] for row in conn.execute("PRAGMA table_info(readings)")]


def values(path: Path) -> list[tuple[int, float]]:
    with plain(path) as conn:
        return conn.execute("SELECT id, value FROM readings ORDER BY id").fetchall()


def test_the_column_is_added_in_place_and_unknown_for_old_readings(at_0006: Path) -> None:
    before, kept = rootpages(at_0006), values(at_0006)
    assert "decimals" not in columns(at_0006) and len(kept) == 200
    migrated(at_0006, "0007")
    assert columns(at_0006)[-1] == "decimals"
    assert rootpages(at_0006)["readings"] == before["readings"]  # no table copy
    with plain(at_0006) as conn:
        assert conn.execute("SELECT count(*) FROM readings WHERE decimals IS NULL").fetchone() == (
            200,
        )
    assert values(at_0006) == kept


def test_downgrade_drops_the_column_and_keeps_every_value(at_0006: Path) -> None:
    kept = values(at_0006)
    migrated(at_0006, "0007")
    with plain(at_0006) as conn:
        conn.execute("UPDATE readings SET decimals = 2 WHERE id % 3 = 0")
        conn.commit()
    migrated(at_0006, "-0006")
    assert "decimals" not in columns(at_0006)
    assert values(at_0006) == kept
