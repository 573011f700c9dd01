"""The session's private PostgreSQL (tests/postgres.py): real, private, fresh for each test."""

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url

from devtools.postgres_server import PostgresUnavailableError, Server, find_bindir


@contextmanager
def connected(url: str) -> Iterator[psycopg.Connection]:
    parts = make_url(url)
    with psycopg.connect(
        host=str(parts.query["host"]), port=str(parts.query["port"]), user=parts.username,
        dbname=parts.database, autocommit=True,
    ) as conn:  # fmt: skip
        yield conn


def setting(url: str, name: str) -> str:
    with connected(url) as conn:
        row = conn.execute(f"SHOW {name}").fetchone()
    assert row is not None
    return str(row[0])


def test_the_server_is_postgresql_15_or_newer(postgres_url: str) -> None:
    assert int(setting(postgres_url, "server_version_num")) >= 150000


def test_it_listens_on_its_own_socket_only(postgres_server: Server, postgres_url: str) -> None:
    assert setting(postgres_url, "listen_addresses") == ""
    assert setting(postgres_url, "unix_socket_directories") == str(postgres_server.folder)


def test_it_runs_without_fsync(postgres_url: str) -> None:
    assert setting(postgres_url, "fsync") == "off"


@pytest.mark.parametrize("run", [1, 2])
def test_each_test_gets_an_empty_database_of_its_own(postgres_url: str, run: int) -> None:
    with connected(postgres_url) as conn:
        tables = conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
        assert tables.fetchone() == (0,)
        conn.execute("CREATE TABLE left_behind (id integer)")
    assert make_url(postgres_url).database != "postgres"


def test_a_named_folder_without_postgresql_is_refused_with_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FIELDLOG_PG_BINDIR", str(tmp_path))
    with pytest.raises(PostgresUnavailableError, match="install PostgreSQL 15"):
        find_bindir()


@pytest.mark.slow
def test_without_postgresql_its_tests_fail_and_say_why(tmp_path: Path) -> None:
    here = Path(__file__)
    environment = {**os.environ, "FIELDLOG_PG_BINDIR": str(tmp_path)}
    ran = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         f"{here}::test_it_runs_without_fsync"],
        cwd=here.parents[1], env=environment, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert ran.returncode == 1, ran.stdout
    assert "This test needs PostgreSQL: No PostgreSQL server binaries found" in ran.stdout
    assert "1 error" in ran.stdout and "skipped" not in ran.stdout
