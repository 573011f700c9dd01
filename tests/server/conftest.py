"""Fixtures of the server's tests: a real uvicorn over a database of the session's PostgreSQL,
and the ``fieldlog-server`` command line on the same database."""

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from core.server import cli
from devtools.postgres_server import Server
from tests.server.support import RunningServer, running


@pytest.fixture
def server(postgres_url: str, tmp_path: Path) -> Iterator[RunningServer]:
    """A server started for this test on an empty database (which it migrates)."""
    with running(postgres_url, tmp_path / "server.log") as started:
        yield started


@pytest.fixture(scope="module")
def shared_url(postgres_server: Server) -> Iterator[str]:
    """A database the tests of one module share (each makes users of its own)."""
    url = postgres_server.create_database()
    yield url
    postgres_server.drop_database(url)


@pytest.fixture(scope="module")
def shared_server(
    shared_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningServer]:
    log = tmp_path_factory.mktemp("server") / "server.log"
    with running(shared_url, log) as started:
        yield started


@dataclass
class Said:
    code: int
    out: str
    err: str


@dataclass
class Office:
    """The shared server, and its command line on the same database."""

    server: RunningServer
    capsys: pytest.CaptureFixture[str]

    @property
    def url(self) -> str:
        return self.server.url

    def cli(self, *args: str) -> Said:
        self.capsys.readouterr()
        code = cli.main(list(args))
        said = self.capsys.readouterr()
        return Said(code, said.out, said.err)

    def user(self, role: str = "technician") -> str:
        name = f"user-{uuid.uuid4().hex[:8]}"
        assert self.cli("user", "add", name, "--role", role).code == 0
        return name

    def code(self, user: str, *args: str) -> str:
        said = self.cli("enrol-code", user, *args)
        assert said.code == 0, said.err
        return said.out.split(": ", 1)[1].splitlines()[0]

    def enrol(self, code: str, origin: uuid.UUID | None = None) -> httpx.Response:
        body = {"code": code, "origin": str(origin or uuid.uuid4()), "name": "van 2"}
        return httpx.post(f"{self.url}/enrol", json=body)

    def laptop(self, role: str = "technician") -> "Enrolled":
        answer = self.enrol(self.code(self.user(role)))
        assert answer.status_code == 200, answer.text
        return Enrolled(self.url, answer.json())


@dataclass
class Enrolled:
    url: str
    answer: dict[str, object]

    @property
    def token(self) -> str:
        return str(self.answer["token"])

    @property
    def origin(self) -> uuid.UUID:
        return uuid.UUID(str(self.answer["origin"]))

    def get(self, path: str) -> httpx.Response:
        return httpx.get(f"{self.url}{path}", headers={"Authorization": f"Bearer {self.token}"})

    def post(self, path: str, body: object) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.token}"}
        return httpx.post(f"{self.url}{path}", json=body, headers=headers, timeout=60)


@pytest.fixture
def office(
    shared_server: RunningServer,
    shared_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> Office:
    monkeypatch.setenv("DATABASE_URL", shared_url)
    return Office(shared_server, capsys)
