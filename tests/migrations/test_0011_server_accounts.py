"""0011 adds the office server's accounts: server_users, server_laptops and
server_enrolment_codes, new tables only; downgrading drops them and leaves every device and
reading as it was. Worked on a copy of the 0010 fixture, and on PostgreSQL."""

import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import exc, text

from tests.migrations.databases import MigrationDatabase
from tests.migrations.support import REPO_ROOT, migrated, plain, rootpages

FIXTURE = REPO_ROOT / "tests" / "fixtures" / "db" / "rev_0010.db"
SERVER_TABLES = {"server_users", "server_laptops", "server_enrolment_codes"}
DEVICES = "SELECT * FROM devices ORDER BY id"
READINGS = "SELECT * FROM readings ORDER BY id"
USER = "INSERT INTO server_users (name, role, created_at) VALUES ('ana', 'technician', 0)"
LAPTOP = (
    "INSERT INTO server_laptops (user_id, origin_id, name, token_hash, enrolled_at, revoked_at) "
    "VALUES (1, 1, 'van 2', :token, 0, :revoked)"
)


@pytest.fixture
def at_0010(tmp_path: Path) -> Path:
    path = tmp_path / "old.db"
    shutil.copyfile(FIXTURE, path)
    return path


def tables(path: Path) -> set[str]:
    with plain(path) as conn:
        return {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    with plain(path) as conn:
        return conn.execute(sql).fetchall()


def test_the_tables_are_new_and_nothing_else_moves(at_0010: Path) -> None:
    before, devices, readings = rootpages(at_0010), rows(at_0010, DEVICES), rows(at_0010, READINGS)
    assert not SERVER_TABLES & tables(at_0010)
    migrated(at_0010, "0011")
    assert tables(at_0010) >= SERVER_TABLES
    after = rootpages(at_0010)
    assert (after["devices"], after["readings"]) == (before["devices"], before["readings"])
    assert rows(at_0010, DEVICES) == devices and rows(at_0010, READINGS) == readings


def test_roles_and_tokens_keep_their_rules_on_sqlite(at_0010: Path) -> None:
    migrated(at_0010, "0011")
    with plain(at_0010) as conn:
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute(USER)
        with pytest.raises(sqlite3.IntegrityError, match="ck_server_users_role"):
            conn.execute(USER.replace("'ana', 'technician'", "'bo', 'boss'"))
        with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
            conn.execute(USER)
        laptop = LAPTOP.replace(":token", "?").replace(":revoked", "?")
        conn.execute(laptop, ("a" * 64, 5))  # revoked: the origin is free again
        conn.execute(laptop, ("b" * 64, None))
        with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):  # a second live one
            conn.execute(laptop, ("c" * 64, None))
        with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):  # the same token
            conn.execute(laptop, ("a" * 64, 7))


def test_one_live_laptop_an_origin_on_postgresql(postgres_url: str) -> None:
    database = MigrationDatabase("postgresql", postgres_url).migrated("head")
    with database.connect() as conn:
        conn.execute(text(USER))
        conn.execute(text(LAPTOP), {"token": "a" * 64, "revoked": 5})
        conn.execute(text(LAPTOP), {"token": "b" * 64, "revoked": None})
        conn.commit()
        with pytest.raises(exc.IntegrityError, match="uq_server_laptops_origin_id"):
            conn.execute(text(LAPTOP), {"token": "c" * 64, "revoked": None})


def test_downgrade_drops_the_accounts_and_keeps_every_device_and_reading(at_0010: Path) -> None:
    devices, readings = rows(at_0010, DEVICES), rows(at_0010, READINGS)
    migrated(at_0010, "0011")
    with plain(at_0010) as conn:
        conn.execute(USER)
        conn.execute(LAPTOP.replace(":token", "'t'").replace(":revoked", "NULL"))
        conn.commit()
    migrated(at_0010, "-0010")
    assert not SERVER_TABLES & tables(at_0010)
    assert rows(at_0010, DEVICES) == devices and rows(at_0010, READINGS) == readings
