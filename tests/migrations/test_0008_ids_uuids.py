"""0008: on PostgreSQL, 64-bit ids and native UUIDs with every row kept; on SQLite, nothing."""

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Connection, text

from core import migrate
from devtools.postgres_server import Server
from tests.migrations.databases import MigrationDatabase
from tests.migrations.support import migrated, rootpages

DEVICE_UID = uuid.UUID("0190b6d4-8f5e-7c3a-9d2b-5e4f3a2b1c0d")


@pytest.fixture
def at_0007(postgres_server: Server) -> Iterator[MigrationDatabase]:
    """A PostgreSQL database at 0007 with an import batch, a device and two readings."""
    url = postgres_server.create_database()
    database = MigrationDatabase("postgresql", url).migrated("0007")
    with database.connect() as conn, conn.begin():
        conn.execute(
            text(
                "INSERT INTO import_batches (id, uid, file_name, file_hash, file_size, format, "
                "imported_at, readings_added, duplicates, rejected, devices_created, "
                "first_reading_id, last_reading_id) VALUES (1, :uid, 'a.csv', 'ab', 1, 'csv', "
                "1, 2, 0, 0, 1, 1, 2)"
            ),
            {"uid": uuid.uuid4().bytes},
        )
        conn.execute(
            text(
                "INSERT INTO devices (id, uid, name, created_at, updated_at, batch_id) "
                "VALUES (1, :uid, 'Gauge', 1, 1, 1)"
            ),
            {"uid": DEVICE_UID.bytes},
        )
        conn.execute(
            text(
                "INSERT INTO readings (id, device_id, recorded_at, value, unit, created_at, "
                "batch_id) VALUES (1, 1, 10, 1.5, 'bar', 10, 1), (2, 1, 20, 2.5, 'bar', 20, 1)"
            )
        )
    yield database
    postgres_server.drop_database(url)


def column_type(conn: Connection, table: str, column: str) -> str:
    found = conn.execute(
        text(
            "SELECT data_type FROM information_schema.columns "
            "WHERE table_name = :table AND column_name = :column"
        ),
        {"table": table, "column": column},
    )
    return str(found.scalar_one())


def test_the_models_need_0008_on_postgresql(at_0007: MigrationDatabase) -> None:
    with at_0007.connect() as conn:
        changed = {(d[0][2], d[0][3]) for d in migrate.schema_drift(conn)}
    assert ("readings", "id") in changed and ("devices", "uid") in changed
    assert ("readings", "origin_seq") in changed and ("readings", "value") not in changed


def test_ids_become_bigint_and_uids_uuid_with_every_row(at_0007: MigrationDatabase) -> None:
    at_0007.migrated("0008")
    with at_0007.connect() as conn:
        assert column_type(conn, "readings", "id") == "bigint"
        assert column_type(conn, "readings", "device_id") == "bigint"
        assert column_type(conn, "import_batches", "last_reading_id") == "bigint"
        assert column_type(conn, "devices", "uid") == "uuid"
        assert conn.execute(text("SELECT uid FROM devices")).scalar_one() == DEVICE_UID
        rows = conn.execute(text("SELECT id, device_id, value FROM readings ORDER BY id"))
        assert rows.all() == [(1, 1, 1.5), (2, 1, 2.5)]
        drift = migrate.schema_drift(conn)  # what later revisions add is left: no type differs
        assert [d for d in drift if isinstance(d, list) and d[0][0] == "modify_type"] == []


def test_ids_go_past_two_to_the_31(at_0007: MigrationDatabase) -> None:
    at_0007.migrated("0008")
    with at_0007.connect() as conn, conn.begin():
        conn.execute(text("SELECT setval('readings_id_seq', 3000000000)"))
        added = conn.execute(
            text(
                "INSERT INTO readings (device_id, recorded_at, value, unit, created_at) "
                "VALUES (1, 30, 3.5, 'bar', 30) RETURNING id"
            )
        )
        assert added.scalar_one() == 3000000001


def test_the_downgrade_gives_back_the_bytes(at_0007: MigrationDatabase) -> None:
    at_0007.migrated("0008", "-0007")
    with at_0007.connect() as conn:
        assert column_type(conn, "devices", "uid") == "bytea"
        assert column_type(conn, "readings", "id") == "integer"
        assert conn.execute(text("SELECT uid FROM devices")).scalar_one() == DEVICE_UID.bytes


def test_the_check_reports_a_partial_index_made_whole(postgres_url: str) -> None:
    database = MigrationDatabase("postgresql", postgres_url).migrated("head")
    with database.connect() as conn, conn.begin():
        conn.execute(text("DROP INDEX ix_readings_corrects_id"))
        conn.execute(text("CREATE INDEX ix_readings_corrects_id ON readings (corrects_id)"))
        assert migrate.schema_object_problems(conn) == [
            "index ix_readings_corrects_id is missing or differs"
        ]


def test_on_sqlite_it_copies_no_table(tmp_path: Path) -> None:
    path = migrated(tmp_path / "sqlite.db", "0007")
    before = rootpages(path)
    migrated(path, "0008", "-0007", "0008")
    assert rootpages(path) == before
