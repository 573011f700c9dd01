"""Fixtures of the server's tests: a real uvicorn over a database of the session's PostgreSQL."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.server.support import RunningServer, running


@pytest.fixture
def server(postgres_url: str, tmp_path: Path) -> Iterator[RunningServer]:
    """A server started for this test on an empty database (which it migrates)."""
    with running(postgres_url, tmp_path / "server.log") as started:
        yield started
