"""A private PostgreSQL server for the test suite and the benchmarks (issue 15).

``start()`` runs ``initdb`` into a temporary folder and starts a server listening on a unix
socket in that folder only (no TCP port, so nothing else on the machine can reach it or clash
with it), with fsync off (its data are thrown away). ``Server.stop()`` stops it and deletes
the folder. ``Server.create_database()`` makes an empty database by a name no one else uses.

The binaries are the ones ``FIELDLOG_PG_BINDIR`` or ``pg_config --bindir`` names, or
``initdb`` on the PATH, or Debian's ``/usr/lib/postgresql/<version>/bin`` (the newest).
``make test`` and ``make bench`` install Debian's ``postgresql`` package when none is there
(``.ci/install-postgres``). PostgreSQL refuses to run as root: run as root (CI is), the server
runs as the ``postgres`` user the package creates.

Its own package, not ``tests/``: the benchmarks start a server too, and they do not import the
tests (which import pytest and the benchmarks themselves). Nothing here ships with the app.
"""

import itertools
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROLE = "fieldlog"
PORT = 5432  # only names the socket file, inside the server's own folder
SETTINGS = {
    "listen_addresses": "''",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "50",
}
_numbers = itertools.count(1)  # the session's databases, test_<pid>_<n>
SERVICE_USER = "postgres"  # Debian's package makes it; the server's owner when we are root
INSTALL = (
    "install PostgreSQL 15 or newer (Debian: apt-get install postgresql; `make test` does it "
    "when run as root), or name its binaries with FIELDLOG_PG_BINDIR"
)


class PostgresUnavailableError(Exception):
    """No PostgreSQL could be found or started; the message says why and what to do."""


def find_bindir() -> Path:
    """The folder holding ``initdb``, ``pg_ctl`` and ``postgres``."""
    named = os.environ.get("FIELDLOG_PG_BINDIR")
    candidates = [Path(named)] if named else []
    pg_config = shutil.which("pg_config")
    if pg_config and not named:
        asked = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True)
        candidates.append(Path(asked.stdout.strip()))
    initdb = shutil.which("initdb")
    if initdb and not named:
        candidates.append(Path(initdb).resolve().parent)
    if not named:
        debian = Path("/usr/lib/postgresql").glob("*/bin")
        candidates += sorted(debian, key=lambda path: _version(path.parent.name), reverse=True)
    for folder in candidates:
        if (folder / "initdb").is_file() and (folder / "pg_ctl").is_file():
            return folder
    raise PostgresUnavailableError(f"No PostgreSQL server binaries found: {INSTALL}.")


def _version(name: str) -> tuple[int, ...]:
    return tuple(int(part) for part in name.split(".") if part.isdigit())


@dataclass
class Server:
    """A running private server: its binaries, its folder (data and socket)."""

    bindir: Path
    folder: Path
    as_user: str | None  # the OS user it runs as, when that is not us

    @property
    def data(self) -> Path:
        return self.folder / "data"

    def url(self, database: str = "postgres") -> str:
        """The SQLAlchemy URL of ``database`` on this server (psycopg 3, through the socket)."""
        return f"postgresql+psycopg://{ROLE}@/{database}?host={self.folder}&port={PORT}"

    def connect(self, url: str | None = None, *, autocommit: bool = False) -> Any:
        """A bare psycopg connection to the database of ``url`` (``postgres`` when None)."""
        import psycopg

        name = database_name(url) if url else "postgres"
        return psycopg.connect(
            host=str(self.folder), port=PORT, user=ROLE, dbname=name, autocommit=autocommit
        )

    def execute(self, sql: str) -> None:
        """Run ``sql`` on the ``postgres`` database outside any transaction (CREATE DATABASE)."""
        with self.connect(autocommit=True) as conn:
            conn.execute(sql.encode())

    def create_database(self) -> str:
        """A new empty database, by a name no other test uses; its URL."""
        name = f"test_{os.getpid()}_{next(_numbers)}"
        self.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def drop_database(self, url: str) -> None:
        self.execute(f'DROP DATABASE IF EXISTS "{database_name(url)}" WITH (FORCE)')

    def run(self, program: str, *args: str) -> subprocess.CompletedProcess[str]:
        command = [str(self.bindir / program), *args]
        if self.as_user:
            command = ["runuser", "-u", self.as_user, "--", *command]
        return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)

    def stop(self) -> None:
        self.run("pg_ctl", "stop", "-D", str(self.data), "-m", "immediate", "-w")
        shutil.rmtree(self.folder, ignore_errors=True)


def database_name(url: str) -> str:
    """The database a ``Server.url`` names."""
    return url.partition("@/")[2].partition("?")[0]


def start() -> Server:
    """initdb, then start the server and wait until it takes connections."""
    bindir = find_bindir()
    folder = Path(tempfile.mkdtemp(prefix="fieldlog-pg-"))
    as_user = SERVICE_USER if _is_root() else None
    if as_user:
        try:
            shutil.chown(folder, as_user)
        except LookupError as exc:
            shutil.rmtree(folder, ignore_errors=True)
            raise PostgresUnavailableError(
                f"PostgreSQL refuses to run as root, and there is no {as_user!r} user to run it "
                f"as: {INSTALL}."
            ) from exc
    server = Server(bindir, folder, as_user)
    _step(server, "initdb", "-D", str(server.data), "-U", ROLE, "--auth=trust", "-E", "UTF8",
          "--locale=C", "--no-sync")  # fmt: skip
    options = " ".join(f"-c {name}={value}" for name, value in SETTINGS.items())
    options += f" -k {folder} -p {PORT}"
    log = folder / "server.log"
    _step(server, "pg_ctl", "start", "-D", str(server.data), "-l", str(log), "-o", options, "-w")
    return server


def _step(server: Server, program: str, *args: str) -> None:
    done = server.run(program, *args)
    if done.returncode != 0:
        log = server.folder / "server.log"
        said = log.read_text(errors="replace")[-2000:] if log.exists() else ""
        server.stop()
        raise PostgresUnavailableError(
            f"PostgreSQL's {program} failed (exit {done.returncode}) in {server.bindir}: "
            f"{done.stderr.strip() or done.stdout.strip()} {said}".strip()
        )


def _is_root() -> bool:
    geteuid = getattr(os, "geteuid", None)  # not on Windows
    return geteuid is not None and geteuid() == 0
