"""The test session's real PostgreSQL, started by the suite itself (issue 15).

The session starts one private server (``devtools.postgres_server``: a socket in a temporary
folder, no TCP port, fsync off), stopped and deleted when the session ends. Each test that asks
for ``postgres_url`` gets a database of its own, created for it and dropped after it.

No PostgreSQL, or one that does not start, fails each test that needs it, with what to do: the
suite's PostgreSQL tests are never skipped.
"""

from collections.abc import Iterator

import pytest

from devtools.postgres_server import PostgresUnavailableError, Server, start


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[Server]:
    """The session's private PostgreSQL; a test that needs it fails when there is none."""
    try:
        server = start()
    except PostgresUnavailableError as exc:
        pytest.fail(f"This test needs PostgreSQL: {exc}", pytrace=False)
    yield server
    server.stop()


@pytest.fixture
def postgres_url(postgres_server: Server) -> Iterator[str]:
    """The URL of an empty database made for this test alone (dropped afterwards)."""
    url = postgres_server.create_database()
    yield url
    postgres_server.drop_database(url)
