"""The revision chain: one head, numbered 0001..N in order, and the constants the app ships."""

from pathlib import Path

from core import migrate, schema
from tests.migrations.support import previous, revision_ids, script


def test_there_is_exactly_one_head() -> None:
    heads = script().get_heads()
    assert len(heads) == 1, f"migrations have several heads {heads}: merge them into one"


def test_revision_ids_are_consecutive_four_digit_numbers() -> None:
    expected = tuple(f"{n:04d}" for n in range(1, len(revision_ids()) + 1))
    assert revision_ids() == expected, (
        "revision ids must be 0001, 0002, ... in order: create a revision with "
        "`alembic revision --autogenerate --rev-id NNNN -m ...`"
    )


def test_each_revision_revises_the_one_before() -> None:
    for revision in revision_ids():
        down = script().get_revision(revision).down_revision
        assert down == (None if previous(revision) == "base" else previous(revision)), revision


def test_each_revision_file_is_named_after_its_id() -> None:
    for revision in revision_ids():
        path = Path(script().get_revision(revision).path)
        assert path.name.startswith(f"{revision}_"), path


def test_each_revision_declares_whether_it_breaks_older_readers() -> None:
    for revision in revision_ids():
        module = script().get_revision(revision).module
        flag = getattr(module, "breaks_older_readers", None)
        assert isinstance(flag, bool), f"{revision} must set breaks_older_readers = True/False"


def test_head_revision_constant_matches_the_scripts() -> None:
    assert script().get_current_head() == schema.HEAD_REVISION


def test_head_schema_version_is_the_head_number() -> None:
    assert int(revision_ids()[-1]) == schema.HEAD_SCHEMA_VERSION


def test_reader_compat_counts_the_breaking_revisions() -> None:
    head_marker = migrate.marker_for(script(), revision_ids()[-1])
    assert head_marker.compat == schema.READER_COMPAT
    assert head_marker == schema.HEAD_MARKER
