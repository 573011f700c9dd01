"""0010 adds the audit trail, ``changes``, which the database itself keeps from being edited:
an UPDATE or a DELETE is refused on SQLite and on PostgreSQL. Downgrading drops it and leaves
every device and reading as it was. Worked on a copy of the 0009 fixture, and on a real
PostgreSQL."""

import shutil
import sqlite3
import uuid
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from devtools.postgres_server import Server
from tests.migrations.databases import MigrationDatabase
from tests.migrations.support import REPO_ROOT, migrated, plain, rootpages

FIXTURE = REPO_ROOT / "tests" / "fixtures" / "db" / "rev_0009.db"
INSERT = ("INSERT INTO changes (uid, at, who, subject, subject_id, device_uid, action, field, "
          "old_value, new_value) VALUES (x'00112233445566778899aabbccddeeff', 0, 'Ana', "
          "'device', 1, x'ffeeddccbbaa99887766554433221100', 'edit', 'high_limit', '5.0', "
          "'6.0')")  # fmt: skip


POSTGRES_INSERT = ("INSERT INTO changes (uid, at, who, subject, subject_id, device_uid, action) "
                   "VALUES (:uid, 0, 'Ana', 'device', 1, :device, 'create')")  # fmt: skip


@pytest.fixture
def at_0009(tmp_path: Path) -> Path:
    path = tmp_path / "old.db"
    shutil.copyfile(FIXTURE, path)
    return path


def everything(path: Path) -> list[object]:
    with plain(path) as conn:
        return [conn.execute(f"SELECT * FROM {t} ORDER BY id").fetchall()
                for t in ("devices", "readings")]  # fmt: skip


def test_the_trail_is_new_and_cannot_be_edited_on_sqlite(at_0009: Path) -> None:
    before, kept = rootpages(at_0009), everything(at_0009)
    migrated(at_0009, "0010")
    after = rootpages(at_0009)
    assert (after["devices"], after["readings"]) == (before["devices"], before["readings"])
    assert everything(at_0009) == kept
    with plain(at_0009) as conn:
        conn.execute(INSERT)
        conn.commit()
        for sql in ("UPDATE changes SET who = 'Eve'", "DELETE FROM changes"):
            with pytest.raises(sqlite3.IntegrityError, match="the audit trail cannot be changed"):
                conn.execute(sql)
        assert conn.execute("SELECT who, new_value FROM changes").fetchall() == [("Ana", "6.0")]


def test_downgrade_drops_the_trail_and_keeps_every_device_and_reading(at_0009: Path) -> None:
    kept = everything(at_0009)
    migrated(at_0009, "0010")
    with plain(at_0009) as conn:
        conn.execute(INSERT)
        conn.commit()
    migrated(at_0009, "-0009")
    with plain(at_0009) as conn:
        names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    assert not {"changes", "changes_no_update", "changes_no_delete"} & names
    assert everything(at_0009) == kept


def test_the_trail_cannot_be_edited_on_postgresql(postgres_server: Server) -> None:
    database = MigrationDatabase("postgresql", postgres_server.create_database()).migrated("0010")
    uids = {"uid": uuid.uuid4(), "device": uuid.uuid4()}
    with database.connect() as conn:
        with conn.begin():
            conn.execute(text(POSTGRES_INSERT), uids)
        for sql in ("UPDATE changes SET who = 'Eve'", "DELETE FROM changes"):
            with pytest.raises(DBAPIError, match="the audit trail cannot be changed"), conn.begin():
                conn.execute(text(sql))
        assert conn.execute(text("SELECT who FROM changes")).scalars().all() == ["Ana"]
        conn.rollback()
    database.migrated("-0009")
    with database.connect() as conn:
        left = "SELECT count(*) FROM pg_proc WHERE proname = 'changes_append_only'"
        assert conn.execute(text(left)).scalar() == 0
