"""A file's schema and the schema each revision makes (core/schema_shape.py), on real files:
every committed fixture is the schema of the revision it was written at."""

import itertools
from pathlib import Path

import pytest

from core import schema_shape
from core.errors import FieldLogError
from core.schema import HEAD_REVISION
from tests.core.launch_support import FIXTURES, behind_head, execute
from tests.migrations.support import migrated, revision_ids

FIXTURE_REVISIONS = sorted(path.stem.removeprefix("rev_") for path in FIXTURES.glob("rev_*.db"))


@pytest.mark.parametrize("revision", FIXTURE_REVISIONS)
def test_a_fixture_has_the_schema_of_its_revision(tmp_path: Path, revision: str) -> None:
    path = behind_head(tmp_path / "copy.db", revision)
    assert revision in schema_shape.matching_revisions(schema_shape.file_shape(path))


# Revisions that change nothing on SQLite: they are for PostgreSQL alone.
SAME_ON_SQLITE = {"0008"}


def test_every_revision_makes_a_schema_of_its_own_but_those_for_postgresql() -> None:
    found = schema_shape.revision_shapes()
    assert [rev for rev, _ in found] == ["base", *revision_ids()]
    same = {rev for (_, before), (rev, shape) in itertools.pairwise(found) if shape == before}
    assert same == SAME_ON_SQLITE


def test_a_file_at_a_revision_for_postgresql_alone_is_at_the_newest_it_matches(
    tmp_path: Path,
) -> None:
    path = migrated(tmp_path / "f.db", "0007")
    assert schema_shape.matching_revisions(schema_shape.file_shape(path)) == ["0007", "0008"]
    assert schema_shape.matching_revision(schema_shape.file_shape(path)) == "0008"


def test_no_tables_is_the_schema_of_base(tmp_path: Path) -> None:
    assert schema_shape.matching_revision(schema_shape.file_shape(tmp_path / "none.db")) == "base"


def test_a_file_at_head_may_be_stamped_head_and_says_what_differs_from_older_ones(
    tmp_path: Path,
) -> None:
    path = migrated(tmp_path / "head.db", "head")
    assert schema_shape.stamp_problem(path, "head", "add --force") is None
    problem = schema_shape.stamp_problem(path, "0005", "add --force")
    assert problem is not None and "its schema is not the one 0005 makes" in problem
    assert "import_batches differs in its columns" in problem
    assert f"It is at {HEAD_REVISION}, as recorded: upgrade it instead" in problem
    assert "add --force" in problem


@pytest.mark.parametrize(
    ("written_at", "change", "said"),
    [
        (
            "0004",
            "UPDATE alembic_version SET version_num = '0006'",
            ["Its schema is that of 0004: stamp 0004 instead"],
        ),
        ("head", "DROP TABLE readings", ["no table readings", "that of no revision: restore"]),
    ],
)
def test_what_to_do_instead_names_the_schema_the_file_has(
    tmp_path: Path, written_at: str, change: str, said: list[str]
) -> None:
    path = tmp_path / "f.db"
    if written_at == "head":
        migrated(path, "head")
    else:
        behind_head(path, written_at)
    execute(path, change)
    problem = schema_shape.stamp_problem(path, "head", "-x force=1")
    assert problem is not None and all(words in problem for words in said), problem


def test_an_unknown_target_is_refused() -> None:
    with pytest.raises(FieldLogError, match="There is no revision 'abc123'"):
        schema_shape.resolve("abc123")
