"""The migration suite on both databases FieldLog's schema runs on (issue 15): a SQLite file,
or a PostgreSQL database on the session's own server (``tests/postgres.py``), each built only
by migrating. A test that takes ``new_database`` runs once for each."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection

from core import migrate, postgres
from core.db import create_sqlite_engine
from core.schema_shape import file_shape, inspected_shape
from tests.migrations.support import run_targets

KINDS = ("sqlite", pytest.param("postgresql", marks=pytest.mark.postgres))


@dataclass(frozen=True)
class MigrationDatabase:
    """A database to migrate: ``where`` is a SQLite file's path or a PostgreSQL URL."""

    kind: str
    where: str

    @property
    def path(self) -> Path:
        assert self.kind == "sqlite", "only a SQLite database is a file"
        return Path(self.where)

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        """A connection (FieldLog's engine for the kind); the engine disposed afterwards."""
        if self.kind == "sqlite":
            engine = create_sqlite_engine(self.path)
        else:
            engine = postgres.create_postgres_engine(self.where)
        try:
            with engine.connect() as conn:
                yield conn
        finally:
            engine.dispose()

    def migrated(self, *targets: str) -> "MigrationDatabase":
        """Upgrade (or, for a target prefixed with ``-``, downgrade) to each target in turn."""
        with self.connect() as conn:
            run_targets(conn, targets)
        return self

    def shape(self) -> dict[str, Any]:
        """Its schema: a SQLite file's as SQLite records it, PostgreSQL's as it reports it."""
        if self.kind == "sqlite":
            return file_shape(self.path)
        with self.connect() as conn:
            return inspected_shape(conn)

    def revision(self) -> str:
        """The revision Alembic has recorded, or ``"base"``."""
        with self.connect() as conn:
            return migrate.current_revision(conn) or "base"


NewDatabase = Callable[[], MigrationDatabase]


@pytest.fixture(params=KINDS)
def new_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[NewDatabase]:
    """Makes empty databases of one kind for the test; PostgreSQL's are dropped after it."""
    made: list[str] = []
    server = request.getfixturevalue("postgres_server") if request.param != "sqlite" else None

    def new() -> MigrationDatabase:
        where = server.create_database() if server else str(tmp_path / f"db{len(made)}.db")
        made.append(where)
        return MigrationDatabase(request.param, where)

    yield new
    if server is not None:
        for url in made:
            server.drop_database(url)
