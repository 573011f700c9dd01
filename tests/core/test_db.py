"""The one way services talk to the database: write() and read(), and their driver twins."""

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select

from core.db import IN_CHUNK, SqliteDatabase, in_chunks
from core.ids import uuid7
from core.models import devices


def _device_count(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return int(conn.execute("SELECT count(*) FROM devices").fetchone()[0])


def _new_device(name: str) -> dict[str, object]:
    return {"uid": uuid7(), "name": name, "created_at": 0, "updated_at": 0}


def test_write_commits_when_the_block_ends(db: SqliteDatabase) -> None:
    with db.write() as conn:
        conn.execute(insert(devices).values(_new_device("Kept")))
        assert _device_count(db.path) == 0  # not yet: another connection sees nothing
    assert _device_count(db.path) == 1


def test_write_keeps_nothing_when_the_block_raises(db: SqliteDatabase) -> None:
    with pytest.raises(RuntimeError), db.write() as conn:
        conn.execute(insert(devices).values(_new_device("Lost")))
        raise RuntimeError("half-way")
    assert _device_count(db.path) == 0


def test_write_takes_the_write_lock_before_its_first_statement(db: SqliteDatabase) -> None:
    """A second writer waits at the start (BEGIN IMMEDIATE), never half-way through."""
    with db.write() as conn:
        conn.execute(select(func.count()).select_from(devices))  # a read, yet the lock is held
        other = sqlite3.connect(db.path, timeout=0.05, isolation_level=None)
        try:
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        finally:
            other.close()


def test_read_sees_one_snapshot_and_writes_nothing(db: SqliteDatabase) -> None:
    with db.read() as conn:
        before = conn.execute(select(func.count()).select_from(devices)).scalar_one()
        with db.write() as writer:  # another connection commits meanwhile (WAL: no wait)
            writer.execute(insert(devices).values(_new_device("Later")))
        during = conn.execute(select(func.count()).select_from(devices)).scalar_one()
    assert before == during == 0
    with db.read() as conn:  # a statement that writes by mistake is rolled back at the end
        conn.execute(insert(devices).values(_new_device("Never kept")))
    assert _device_count(db.path) == 1


def test_driver_write_commits_or_rolls_back_as_the_block_says(db: SqliteDatabase) -> None:
    sql = "INSERT INTO devices (uid, name, created_at, updated_at) VALUES (?, ?, 0, 0)"
    with db.driver_write() as conn:
        conn.execute(sql, (uuid7().bytes, "Kept"))
    with db.driver_write() as conn:
        conn.execute(sql, (uuid7().bytes, "Discarded"))
        conn.rollback()  # what an import that added nothing does
    with pytest.raises(sqlite3.IntegrityError), db.driver_write() as conn:
        conn.execute(sql, (uuid7().bytes, "Then a clash"))
        conn.execute(sql, (b"short", None))  # a name is required
    with sqlite3.connect(db.path) as check:
        assert [r[0] for r in check.execute("SELECT name FROM devices")] == ["Kept"]


def test_driver_write_pragmas_last_one_transaction_even_when_it_fails(db: SqliteDatabase) -> None:
    with db.driver_read() as conn:
        before = conn.execute("PRAGMA cache_size").fetchone()[0]
    with pytest.raises(RuntimeError), db.driver_write({"foreign_keys": 0, "cache_size": -4096}):
        raise RuntimeError("failed inside")
    with db.driver_write({"foreign_keys": 0}) as conn:
        assert conn.execute("PRAGMA foreign_keys").fetchone() == (0,)
    with db.driver_read() as conn:  # the same pooled connection, put back as it was
        assert conn.execute("PRAGMA foreign_keys").fetchone() == (1,)
        assert conn.execute("PRAGMA cache_size").fetchone()[0] == before


def test_driver_read_snapshot_holds_one_view(db: SqliteDatabase) -> None:
    with db.driver_read(snapshot=True) as conn:
        first = conn.execute("SELECT count(*) FROM devices").fetchone()
        with db.write() as writer:
            writer.execute(insert(devices).values(_new_device("Meanwhile")))
        assert conn.execute("SELECT count(*) FROM devices").fetchone() == first == (0,)
    with db.driver_read() as conn:  # without a snapshot each statement sees the latest
        assert conn.execute("SELECT count(*) FROM devices").fetchone() == (1,)


def test_in_chunks_covers_every_id_once_in_order() -> None:
    ids = list(range(2 * IN_CHUNK + 7))
    chunks = list(in_chunks(ids))
    assert [len(c) for c in chunks] == [IN_CHUNK, IN_CHUNK, 7]
    assert [i for c in chunks for i in c] == ids
    assert list(in_chunks([])) == []
