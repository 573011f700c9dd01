"""0006 records each import batch's range of reading ids, then drops the index on
readings.batch_id; downgrading makes the index again. Worked on a copy of the 0005 fixture, whose
batches are described in tests/fixtures/make_fixtures.py."""

import shutil
from pathlib import Path

import pytest

from tests.migrations.support import REPO_ROOT, migrated, plain, rootpages

FIXTURE = REPO_ROOT / "tests" / "fixtures" / "db" / "rev_0005.db"
INDEX = "ix_readings_batch_id"


@pytest.fixture
def at_0005(tmp_path: Path) -> Path:
    path = tmp_path / "old.db"
    shutil.copyfile(FIXTURE, path)
    return path


def index_sql(path: Path) -> str | None:
    with plain(path) as conn:
        found = conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", (INDEX,)).fetchone()
        return None if found is None else str(found[0])


def ranges(path: Path) -> list[tuple[int, int | None, int | None]]:
    with plain(path) as conn:
        found = conn.execute(
            "SELECT id, first_reading_id, last_reading_id FROM import_batches ORDER BY id"
        )
        return found.fetchall()


def test_each_batch_gets_the_range_its_readings_hold(at_0005: Path) -> None:
    with plain(at_0005) as conn:
        expected = conn.execute(
            "SELECT b.id, min(r.id), max(r.id) FROM import_batches AS b "
            "LEFT JOIN readings AS r ON r.batch_id = b.id GROUP BY b.id ORDER BY b.id"
        ).fetchall()
    migrated(at_0005, "0006")
    # The fixture's own numbers, so a backfill that read the wrong column still fails here.
    assert ranges(at_0005) == expected == [(1, 60, 99), (2, None, None), (3, 180, 200),
                                           (4, None, None)]  # fmt: skip


def test_the_index_goes_and_no_table_is_copied(at_0005: Path) -> None:
    assert index_sql(at_0005) is not None
    before = rootpages(at_0005)
    migrated(at_0005, "0006")
    assert index_sql(at_0005) is None
    after = rootpages(at_0005)
    assert after["readings"] == before["readings"]
    assert after["import_batches"] == before["import_batches"]


def test_downgrade_makes_the_index_again_and_drops_the_range(at_0005: Path) -> None:
    made_by_0005 = index_sql(at_0005)
    with plain(at_0005) as conn:
        batches = conn.execute("SELECT * FROM import_batches ORDER BY id").fetchall()
    migrated(at_0005, "0006")
    assert index_sql(at_0005) is None
    migrated(at_0005, "-0005")
    assert made_by_0005 is not None and index_sql(at_0005) == made_by_0005
    with plain(at_0005) as conn:
        assert conn.execute("SELECT * FROM import_batches ORDER BY id").fetchall() == batches
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
