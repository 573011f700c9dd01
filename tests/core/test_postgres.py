"""core/postgres.py: a database named by a URL, its pool, and the one-migrator lock."""

import threading
import time

import pytest
from sqlalchemy import text

from core import migrate, postgres
from core.errors import FieldLogError


@pytest.mark.parametrize(
    ("named", "url"),
    [
        ("postgresql+psycopg://me@db.example/field", True),
        ("postgresql://me@/field?host=/run/pg", True),
        ("sqlite:///dev.db", True),
        ("dev.db", False),
        ("/home/me/field.db", False),
        (r"C:\Users\me\field.db", False),
    ],
)
def test_a_url_is_told_from_a_path(named: str, url: bool) -> None:
    assert postgres.is_url(named) is url


def test_postgresql_urls_use_psycopg_3() -> None:
    url = postgres.database_url("postgresql://me@db.example/field")
    assert url.drivername == "postgresql+psycopg" and url.database == "field"


@pytest.mark.parametrize(
    ("named", "said"),
    [
        ("mysql://me@db.example/field", "FieldLog opens SQLite files"),
        ("postgresql+asyncpg://me@db.example/field", "through psycopg 3 only"),
    ],
)
def test_other_databases_and_drivers_are_refused(named: str, said: str) -> None:
    with pytest.raises(FieldLogError, match=said):
        postgres.database_url(named)


def test_the_pool_is_sized_by_the_environment() -> None:
    environment = {"DB_POOL_SIZE": "3", "DB_MAX_OVERFLOW": "7", "DB_POOL_TIMEOUT": "2.5"}
    engine = postgres.create_postgres_engine("postgresql://me@db.example/field", environment)
    pool = engine.pool
    assert (pool.size(), pool._max_overflow, pool._timeout) == (3, 7, 2.5)  # type: ignore[attr-defined]


def test_the_pool_keeps_sqlalchemys_defaults_when_nothing_is_set() -> None:
    assert postgres.pool_options({}) == {}


@pytest.mark.parametrize("value", ["many", "-1"])
def test_a_pool_setting_that_is_not_a_number_is_refused(value: str) -> None:
    with pytest.raises(FieldLogError, match=f"DB_POOL_SIZE='{value}'"):
        postgres.pool_options({"DB_POOL_SIZE": value})


def test_one_migrator_at_a_time(postgres_url: str) -> None:
    engine = postgres.create_postgres_engine(postgres_url)
    holding, release = threading.Event(), threading.Event()

    def first() -> None:
        with engine.connect() as conn, migrate.migration_transaction(conn):
            holding.set()
            release.wait(10)

    thread = threading.Thread(target=first)
    thread.start()
    try:
        assert holding.wait(10)
        started = time.monotonic()
        refused = pytest.raises(FieldLogError, match="Another process has been migrating")
        with engine.connect() as conn, conn.begin(), refused:
            postgres.lock_migrations(conn, wait_s=0.3)
        assert time.monotonic() - started >= 0.3
    finally:
        release.set()
        thread.join()
    with engine.connect() as conn, migrate.migration_transaction(conn):  # free again
        assert conn.execute(text("SELECT 1")).scalar() == 1
    engine.dispose()
