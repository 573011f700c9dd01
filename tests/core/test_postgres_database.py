"""core.postgres.PostgresDatabase: core.db's one rule on PostgreSQL (issue 15).

The services' own tests run on both databases (``tests.databases``); these are about what
PostgreSQL does differently: a read that cannot write and sees one snapshot, the driver paths
through psycopg with the SQL the SQLite driver reads, and the writer that asks to be alone.
"""

import threading

import psycopg
import pytest
from sqlalchemy import exc, insert, select, text

from core.db import inserted_id, uid_value
from core.ids import uuid7
from core.models import devices, readings
from core.postgres import PostgresDatabase, copy_rows


def _device(conn, name: str = "Pump") -> int:
    return inserted_id(
        conn,
        "INSERT INTO devices (uid, name, created_at, updated_at) VALUES (?, ?, 0, 0)",
        (uid_value(conn, uuid7()), name),
    )


def test_write_commits_and_a_failing_block_keeps_nothing(postgres_db: PostgresDatabase) -> None:
    with postgres_db.write() as conn:
        conn.execute(insert(devices).values(uid=uuid7(), name="a", created_at=0, updated_at=0))
    with pytest.raises(RuntimeError), postgres_db.write() as conn:
        conn.execute(insert(devices).values(uid=uuid7(), name="b", created_at=0, updated_at=0))
        raise RuntimeError
    with postgres_db.read() as conn:
        assert list(conn.execute(select(devices.c.name)).scalars()) == ["a"]


def test_read_is_one_snapshot_and_cannot_write(postgres_db: PostgresDatabase) -> None:
    with postgres_db.read() as conn:
        before = conn.execute(select(devices.c.id)).all()
        with postgres_db.driver_write() as other:
            _device(other)
        assert conn.execute(select(devices.c.id)).all() == before  # REPEATABLE READ
    with (
        pytest.raises(exc.InternalError, match="read-only transaction"),
        postgres_db.read() as conn,
    ):
        conn.execute(text("DELETE FROM devices"))


def test_driver_paths_take_the_sqlite_drivers_sql(postgres_db: PostgresDatabase) -> None:
    """``?`` placeholders and a literal ``%``: the one SQL text of the driver paths."""
    with postgres_db.driver_write() as conn:
        made = _device(conn, "100% valve")
    with postgres_db.driver_read() as conn:
        found = conn.execute(
            "SELECT id, name, 7 % 4 FROM devices WHERE name LIKE ? AND id = ?", ("100%", made)
        ).fetchall()
    assert found == [(made, "100% valve", 3)]
    with pytest.raises(psycopg.errors.ReadOnlySqlTransaction), postgres_db.driver_read() as conn:
        _device(conn)


def test_a_driver_write_the_block_rolled_back_keeps_nothing(postgres_db: PostgresDatabase) -> None:
    with postgres_db.driver_write() as conn:
        _device(conn)
        conn.rollback()  # an import that added nothing
    with postgres_db.driver_read() as conn:
        assert conn.execute("SELECT count(*) FROM devices").fetchone() == (0,)


def test_copy_rows_writes_each_column_with_its_own_type(postgres_db: PostgresDatabase) -> None:
    with postgres_db.driver_write() as conn:
        device = _device(conn)
        columns = ["device_id", "recorded_at", "value", "unit", "source", "created_at",
                   "operator", "decimals"]  # fmt: skip
        rows = [(device, 2**40, 1.5, "°C", 1, 5, None, 2),
                (device, 2**40 + 1, -0.25, "", 0, 5, "Ana", None)]  # fmt: skip
        copy_rows(conn, readings, columns, rows)
    with postgres_db.driver_read() as conn:
        got = conn.execute("SELECT recorded_at, value, unit, source, operator, decimals "
                           "FROM readings ORDER BY recorded_at").fetchall()  # fmt: skip
    assert got == [(2**40, 1.5, "°C", 1, None, 2), (2**40 + 1, -0.25, "", 0, "Ana", None)]


def test_the_sole_writer_of_a_table_keeps_other_writers_waiting(
    postgres_db: PostgresDatabase,
) -> None:
    """As SQLite's write lock does for an import: readers pass, writers wait for its end."""
    with postgres_db.driver_write() as conn:
        device = _device(conn)
    url = postgres_db.url.render_as_string(hide_password=False)
    other = PostgresDatabase.open(url)
    holding, release, saw = threading.Event(), threading.Event(), []

    def importer() -> None:
        with postgres_db.driver_write(sole_writer_of="readings"):
            holding.set()
            release.wait(10)

    thread = threading.Thread(target=importer)
    thread.start()
    try:
        assert holding.wait(10)
        with other.driver_read() as conn:  # a reader passes
            saw.append(conn.execute("SELECT count(*) FROM readings").fetchall()[0][0])
        with pytest.raises(psycopg.errors.LockNotAvailable), other.driver_write() as conn:
            conn.execute("SET LOCAL lock_timeout = '200ms'")
            conn.execute("INSERT INTO readings (device_id, recorded_at, value, unit, "
                         "created_at) VALUES (?, 0, 1.0, '', 0)", (device,))  # fmt: skip
    finally:
        release.set()
        thread.join()
        other.close()
    assert saw == [0]
