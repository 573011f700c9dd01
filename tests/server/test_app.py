"""The server as a process: it migrates the database when it starts (one migrator among many),
answers /health without credentials, logs JSON lines, and refuses an oversized body with 413."""

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
from sqlalchemy import text

from core import postgres
from core.schema import HEAD_REVISION
from tests.server.support import RunningServer, running, start, stop, wait_until_up


def revisions(url: str) -> list[str]:
    engine = postgres.create_postgres_engine(url)
    try:
        with engine.connect() as conn:
            return list(conn.execute(text("SELECT version_num FROM alembic_version")).scalars())
    finally:
        engine.dispose()


def test_it_migrates_an_empty_database_and_health_says_the_revision(
    server: RunningServer, postgres_url: str
) -> None:
    answer = httpx.get(f"{server.url}/health")
    assert answer.status_code == 200
    assert answer.json()["status"] == "ok" and answer.json()["revision"] == HEAD_REVISION
    assert revisions(postgres_url) == [HEAD_REVISION]


def test_every_log_line_is_a_json_object_and_requests_are_logged(server: RunningServer) -> None:
    httpx.get(f"{server.url}/health")
    httpx.get(f"{server.url}/no-such-page")
    lines = server.log_lines()  # fails on a line that is not JSON
    assert {"time", "level", "logger", "message"} <= set(lines[0])
    assert any(line["message"] == "schema upgraded from empty" for line in lines)
    requests = [line for line in lines if line["message"] == "request"]
    assert {(line["path"], line["status"]) for line in requests} >= {
        ("/health", 200),
        ("/no-such-page", 404),
    }
    assert all(line["duration_ms"] >= 0 and line["method"] == "GET" for line in requests)


def test_no_page_but_health_is_open(server: RunningServer) -> None:
    """No API documentation or schema pages for anyone who finds the port."""
    for page in ("/docs", "/redoc", "/openapi.json"):
        assert httpx.get(f"{server.url}{page}").status_code == 404


def test_a_body_over_the_limit_is_refused_with_413_and_a_reason(
    postgres_url: str, tmp_path: Path
) -> None:
    limit = {"FIELDLOG_MAX_BODY_BYTES": "1000"}
    with running(postgres_url, tmp_path / "server.log", environ=limit) as server:
        declared = httpx.post(f"{server.url}/health", content=b"x" * 1001)
        assert declared.status_code == 413
        assert "at most 1,000 bytes" in declared.json()["reason"]

        def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
            for _ in range(20):
                yield b"y" * 100

        streamed = httpx.post(f"{server.url}/health", content=chunks())
        assert streamed.status_code == 413 and "too large" in streamed.json()["reason"]
        within = httpx.post(f"{server.url}/health", content=b"z" * 1000)
        assert within.status_code == 405  # read whole and handed on: /health is GET only
        logged = [line for line in server.log_lines() if line["message"] == "request"]
        assert [line["status"] for line in logged[-3:]] == [413, 413, 405]


def test_three_servers_started_together_have_one_migrator(
    postgres_url: str, tmp_path: Path
) -> None:
    servers = [start(postgres_url, tmp_path / f"server{n}.log") for n in range(3)]
    try:
        for server in servers:
            wait_until_up(server)
        upgraded = [
            server
            for server in servers
            if any(line["message"] == "schema upgraded from empty" for line in server.log_lines())
        ]
        assert len(upgraded) == 1  # the others waited on the lock, then found it at head
        assert revisions(postgres_url) == [HEAD_REVISION]
    finally:
        for server in servers:
            stop(server)


def test_a_server_waits_for_the_migration_lock_another_holds(
    postgres_url: str, tmp_path: Path
) -> None:
    engine = postgres.create_postgres_engine(postgres_url)
    try:
        with engine.connect() as holder:
            holder.begin()
            postgres.lock_migrations(holder)
            server = start(postgres_url, tmp_path / "server.log")
            try:
                time.sleep(3)
                assert server.process.poll() is None  # waiting, not failed
                assert not _answers(server)
                releaser = threading.Timer(0.5, holder.commit)
                releaser.start()
                wait_until_up(server)
                releaser.join()
            finally:
                stop(server)
    finally:
        engine.dispose()
    assert revisions(postgres_url) == [HEAD_REVISION]


def _answers(server: RunningServer) -> bool:
    try:
        httpx.get(f"{server.url}/health", timeout=1)
    except httpx.TransportError:
        return False
    return True
