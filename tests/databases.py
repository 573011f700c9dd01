"""The service tests on both databases FieldLog runs on (issue 15).

A test module that imports the fixture from here (``from tests.databases import
both_databases``) runs each of its tests that take ``db`` twice: on a SQLite file made by the
real launch path, and on a PostgreSQL database of its own on the session's server
(``tests/postgres.py``), migrated to head by FieldLog's own runner (``core.migrate.upgrade``,
never ``create_all``). A test that needs what only a file has (its path, SQLite's pragmas)
takes ``sqlite_db``; one about what only PostgreSQL does takes ``postgres_db``.
"""

from collections.abc import Iterator

import pytest

from core import migrate
from core.db import Database, SqliteDatabase
from core.launch import LaunchResult
from core.postgres import PostgresDatabase

KINDS = ("sqlite", pytest.param("postgresql", marks=pytest.mark.postgres))


def migrated_postgres(url: str) -> PostgresDatabase:
    """A ``PostgresDatabase`` on the empty database ``url``, migrated to head."""
    database = PostgresDatabase.open(url)
    with database.engine.connect() as conn:
        migrate.upgrade(conn, "head")
    return database


@pytest.fixture(name="db", params=KINDS)
def both_databases(request: pytest.FixtureRequest) -> Iterator[Database]:
    """A migrated, empty FieldLog database: a SQLite file, then a PostgreSQL database."""
    if request.param == "sqlite":
        launched: LaunchResult = request.getfixturevalue("launched")
        yield launched.database
        return
    yield request.getfixturevalue("postgres_db")


@pytest.fixture
def sqlite_db(launched: LaunchResult) -> SqliteDatabase:
    """The SQLite file alone, for what only a file has."""
    return launched.database


@pytest.fixture
def postgres_db(postgres_url: str) -> Iterator[PostgresDatabase]:
    """The PostgreSQL database alone, for what only it does."""
    database = migrated_postgres(postgres_url)
    yield database
    database.close()
