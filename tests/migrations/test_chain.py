"""The revision chain: one head, numbered 0001..N in order, and the constants the app ships."""

from pathlib import Path

from core import migrate, schema
from core.models import metadata
from tests.migrations.support import previous, revision_ids, script


def test_there_is_exactly_one_head() -> None:
    heads = script().get_heads()
    assert len(heads) == 1, f"migrations have several heads {heads}: merge them into one"


def test_revision_ids_are_consecutive_four_digit_numbers() -> None:
    expected = tuple(f"{n:04d}" for n in range(1, len(revision_ids()) + 1))
    assert revision_ids() == expected, (
        "revision ids must be 0001, 0002, ... in order: `alembic revision --autogenerate "
        "-m ...` gives a new one the next id"
    )


def test_each_revision_revises_the_one_before() -> None:
    for revision in revision_ids():
        down = script().get_revision(revision).down_revision
        assert down == (None if previous(revision) == "base" else previous(revision)), revision


def test_each_revision_file_is_named_after_its_id() -> None:
    for revision in revision_ids():
        path = Path(script().get_revision(revision).path)
        assert path.name.startswith(f"{revision}_"), path


UNDECIDED = """{revisions}: breaks_older_readers is not decided (it must be True or False).

Decide, in each of these files: could a FieldLog build at the revision before it still read
and write the schema it makes, safely (a technician who opens the file with an older copy)?
  breaks_older_readers = False  if so: a new nullable column, a new table or index. Older
                                builds leave what they do not know alone.
  breaks_older_readers = True   if not: a NOT NULL column without a default, a column or table
                                renamed or dropped, a value whose meaning changed.
True raises the compatibility level stored in the file (PRAGMA user_version, core/schema.py):
an older build then refuses the file, without writing to it, instead of damaging it. Then set
READER_COMPAT in core/schema.py to the number of revisions that say True."""


def flags() -> dict[str, object]:
    return {
        revision: getattr(script().get_revision(revision).module, "breaks_older_readers", None)
        for revision in revision_ids()
    }


def test_each_revision_declares_whether_it_breaks_older_readers() -> None:
    undecided = [revision for revision, flag in flags().items() if not isinstance(flag, bool)]
    assert undecided == [], UNDECIDED.format(revisions=", ".join(undecided))


def test_head_revision_constant_matches_the_scripts() -> None:
    head = script().get_current_head()
    assert head == schema.HEAD_REVISION, f"set HEAD_REVISION = {head!r} in core/schema.py"


def test_head_schema_version_is_the_head_number() -> None:
    number = int(revision_ids()[-1])
    assert number == schema.HEAD_SCHEMA_VERSION, (
        f"set HEAD_SCHEMA_VERSION = {number} in core/schema.py"
    )


def test_reader_compat_counts_the_breaking_revisions() -> None:
    head_marker = migrate.marker_for(script(), revision_ids()[-1])
    breaking = [revision for revision, flag in flags().items() if flag is True]
    assert head_marker.compat == schema.READER_COMPAT, (
        f"set READER_COMPAT = {len(breaking)} in core/schema.py: the revisions that break "
        f"older readers are {', '.join(breaking) or 'none'}"
    )
    assert head_marker == schema.HEAD_MARKER


def test_head_tables_are_the_models_tables() -> None:
    tables = set(metadata.tables)
    assert tables == schema.HEAD_TABLES, f"set HEAD_TABLES = {sorted(tables)} in core/schema.py"
