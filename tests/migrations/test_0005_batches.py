"""0005 adds the batch columns in place: the readings table is not copied, and the new foreign
keys are enforced like the ones made by ``CREATE TABLE``."""

import shutil
import sqlite3
from pathlib import Path

import pytest

from tests.migrations.support import REPO_ROOT, migrated, plain, rootpages

FIXTURE = REPO_ROOT / "tests" / "fixtures" / "db" / "rev_0004.db"


@pytest.fixture
def at_0004(tmp_path: Path) -> Path:
    path = tmp_path / "old.db"
    shutil.copyfile(FIXTURE, path)
    return path


def test_readings_and_devices_are_altered_in_place(at_0004: Path) -> None:
    before = rootpages(at_0004)
    after = rootpages(migrated(at_0004, "0005"))
    assert after["readings"] == before["readings"] and after["devices"] == before["devices"]


def test_the_new_foreign_keys_are_enforced(at_0004: Path) -> None:
    migrated(at_0004, "0005")
    with plain(at_0004) as conn:
        conn.execute("PRAGMA foreign_keys = ON")
        reading = conn.execute("SELECT id FROM readings LIMIT 1").fetchone()[0]
        for table, key in (("readings", reading), ("devices", 1)):
            with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
                conn.execute(f"UPDATE {table} SET batch_id = 999 WHERE id = ?", (key,))
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []


def test_existing_rows_belong_to_no_batch(at_0004: Path) -> None:
    migrated(at_0004, "0005")
    with plain(at_0004) as conn:
        for table in ("readings", "devices"):
            total, nulls = conn.execute(
                f"SELECT count(*), count(*) FILTER (WHERE batch_id IS NULL) FROM {table}"
            ).fetchone()
            assert total > 0 and nulls == total
