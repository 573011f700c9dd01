"""Every revision: upgrade -> downgrade -> upgrade works and leaves the expected schema."""

from pathlib import Path

import pytest

from core import migrate
from core.schema import APPLICATION_ID, SchemaMarker
from core.schema_shape import file_shape
from tests.migrations.support import (
    connect,
    leftover_temp_tables,
    marker,
    migrated,
    pragma,
    previous,
    revision_ids,
    revision_of,
)

REVISIONS = revision_ids()


def assert_at(path: Path, revision: str) -> None:
    """The file is at ``revision``: Alembic's row, our marker, our application id, no debris."""
    assert revision_of(path) == revision
    assert SchemaMarker.decode(pragma(path, "user_version")) == marker(revision)
    assert pragma(path, "application_id") == APPLICATION_ID
    assert leftover_temp_tables(path) == []


@pytest.mark.parametrize("revision", REVISIONS)
def test_upgrade_downgrade_upgrade(tmp_path: Path, revision: str) -> None:
    path = tmp_path / "roundtrip.db"
    with connect(path) as conn:
        migrate.upgrade(conn, revision)
        assert_at(path, revision)
        migrate.downgrade(conn, previous(revision))
        assert_at(path, previous(revision))
        migrate.upgrade(conn, revision)
        assert_at(path, revision)


@pytest.mark.parametrize("revision", REVISIONS)
def test_downgrade_restores_the_previous_schema(tmp_path: Path, revision: str) -> None:
    before = previous(revision)
    reference = migrated(tmp_path / "reference.db", *([before] if before != "base" else []))
    roundtrip = migrated(tmp_path / "down.db", revision, f"-{before}")
    assert file_shape(roundtrip) == file_shape(reference)


@pytest.mark.parametrize("revision", REVISIONS)
def test_upgrade_after_downgrade_gives_the_same_schema(tmp_path: Path, revision: str) -> None:
    straight = migrated(tmp_path / "straight.db", revision)
    again = migrated(tmp_path / "again.db", revision, f"-{previous(revision)}", revision)
    assert file_shape(again) == file_shape(straight)


def test_downgrade_to_base_and_back_to_head(tmp_path: Path) -> None:
    path = migrated(tmp_path / "full.db", "head", "-base", "head")
    assert_at(path, REVISIONS[-1])
