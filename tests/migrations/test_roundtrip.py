"""Every revision: upgrade -> downgrade -> upgrade works and leaves the expected schema, on
SQLite and on PostgreSQL (``new_database``)."""

import pytest

from core import migrate
from core.schema import APPLICATION_ID, SchemaMarker
from tests.migrations.databases import MigrationDatabase, NewDatabase
from tests.migrations.support import (
    leftover_temp_tables,
    marker,
    pragma,
    previous,
    revision_ids,
)

REVISIONS = revision_ids()


def assert_at(database: MigrationDatabase, revision: str) -> None:
    """The database is at ``revision``: Alembic's row; and in a SQLite file our marker, our
    application id and no batch-mode debris (PostgreSQL has none of these)."""
    assert database.revision() == revision
    if database.kind == "sqlite":
        path = database.path
        assert SchemaMarker.decode(pragma(path, "user_version")) == marker(revision)
        assert pragma(path, "application_id") == APPLICATION_ID
        assert leftover_temp_tables(path) == []


@pytest.mark.parametrize("revision", REVISIONS)
def test_upgrade_downgrade_upgrade(new_database: NewDatabase, revision: str) -> None:
    database = new_database()
    with database.connect() as conn:
        migrate.upgrade(conn, revision)
        assert_at(database, revision)
        migrate.downgrade(conn, previous(revision))
        assert_at(database, previous(revision))
        migrate.upgrade(conn, revision)
        assert_at(database, revision)


@pytest.mark.parametrize("revision", REVISIONS)
def test_downgrade_restores_the_previous_schema(new_database: NewDatabase, revision: str) -> None:
    before = previous(revision)
    reference = new_database().migrated(*([before] if before != "base" else []))
    roundtrip = new_database().migrated(revision, f"-{before}")
    assert roundtrip.shape() == reference.shape()


@pytest.mark.parametrize("revision", REVISIONS)
def test_upgrade_after_downgrade_gives_the_same_schema(
    new_database: NewDatabase, revision: str
) -> None:
    straight = new_database().migrated(revision)
    again = new_database().migrated(revision, f"-{previous(revision)}", revision)
    assert again.shape() == straight.shape()


def test_downgrade_to_base_and_back_to_head(new_database: NewDatabase) -> None:
    database = new_database().migrated("head", "-base", "head")
    assert_at(database, REVISIONS[-1])
