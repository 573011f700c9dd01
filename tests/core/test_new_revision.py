"""``alembic revision`` (core/new_revision.py, migrations/script.py.mako, alembic.ini's hooks),
run for real in a copy of the checkout: a new revision gets the next four-digit id, passes ruff
as written, and leaves breaks_older_readers to a decision the test suite insists on."""

from pathlib import Path

import pytest
from sqlalchemy import Column

from core import migrate, new_revision
from core.errors import FieldLogError
from core.models import devices, origins
from core.schema import HEAD_REVISION
from core.schema_shape import file_shape
from tests.core.alembic_support import Checkout, copy_checkout
from tests.migrations.support import connect, executable, migrated, revision_of

NEXT = f"{int(HEAD_REVISION) + 1:04d}"
UNDECIDED = "breaks_older_readers: bool | None = None"
DECISION_TEST = "test_each_revision_declares_whether_it_breaks_older_readers"
COLUMN = "    color: Mapped[str | None] = mapped_column(String(20))\n"


@pytest.fixture
def checkout(tmp_path: Path) -> Checkout:
    """A copy with the suite's migration tests, and dev.db at head."""
    copy = copy_checkout(tmp_path / "checkout", with_tests=True)
    done = copy.alembic("upgrade", "head")
    assert done.returncode == 0, done.stderr
    return copy


def add_device_column(checkout: Checkout) -> None:
    """The model change a developer makes first: a nullable column on devices."""
    models = checkout.root / "core" / "models.py"
    text = models.read_text(encoding="utf-8")
    anchor = "    notes: Mapped[str | None] = mapped_column(Text)\n"
    models.write_text(text.replace(anchor, anchor + COLUMN, 1), encoding="utf-8")


def new_files(checkout: Checkout) -> list[Path]:
    versions = checkout.root / "migrations" / "versions"
    landed = int(HEAD_REVISION)
    return sorted(p for p in versions.glob("[0-9]*.py") if int(p.name[:4]) > landed)


def lint(checkout: Checkout, path: Path) -> list[str]:
    """What ``ruff check`` and ``ruff format --check`` say about ``path`` (nothing: it passes)."""
    said = []
    for command in (("check",), ("format", "--check")):
        done = checkout.run(executable("ruff"), *command, str(path))
        if done.returncode != 0:
            said.append(done.stdout + done.stderr)
    return said


def suite(checkout: Checkout, test: str) -> tuple[int, str]:
    """Run one of the suite's tests in the copy, as `make test` would there."""
    done = checkout.run(
        executable("python"), "-m", "pytest", "-q", "-p", "no:cacheprovider", "-x", test
    )
    return done.returncode, done.stdout + done.stderr


@pytest.mark.slow
def test_autogenerate_writes_the_next_revision_clean_and_exits_0(checkout: Checkout) -> None:
    add_device_column(checkout)
    done = checkout.alembic("revision", "--autogenerate", "-m", "device colour")
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    [written] = new_files(checkout)
    assert written.name == f"{NEXT}_device_colour.py"
    text = written.read_text(encoding="utf-8")
    assert f'revision: str = "{NEXT}"' in text
    assert f'down_revision: str | None = "{HEAD_REVISION}"' in text
    assert '"color", sa.String(length=20), nullable=True' in text
    assert UNDECIDED in text
    assert lint(checkout, written) == []
    # alembic still works with the decision left open: it is the suite that insists on it
    later = checkout.alembic("history")
    assert later.returncode == 0 and NEXT in later.stdout


@pytest.mark.slow
def test_the_suite_refuses_an_undecided_revision_and_says_what_to_decide(
    checkout: Checkout,
) -> None:
    add_device_column(checkout)
    assert checkout.alembic("revision", "--autogenerate", "-m", "colour").returncode == 0
    [written] = new_files(checkout)
    test = "tests/migrations/test_chain.py::" + DECISION_TEST
    code, said = suite(checkout, test)
    assert code != 0
    assert f"{NEXT}: breaks_older_readers is not decided" in said
    assert "breaks_older_readers = False  if so" in said and "READER_COMPAT" in said
    written.write_text(
        written.read_text(encoding="utf-8").replace(UNDECIDED, "breaks_older_readers = False"),
        encoding="utf-8",
    )
    code, said = suite(checkout, test)
    assert code == 0, said


@pytest.mark.slow
def test_the_decided_revision_upgrades_and_leaves_no_drift(checkout: Checkout) -> None:
    add_device_column(checkout)
    assert checkout.alembic("revision", "--autogenerate", "-m", "colour").returncode == 0
    [written] = new_files(checkout)
    text = written.read_text(encoding="utf-8")
    written.write_text(text.replace(UNDECIDED, "breaks_older_readers = False"), encoding="utf-8")
    for command in (("upgrade", "head"), ("check",)):
        done = checkout.alembic(*command)
        assert done.returncode == 0, (command, done.stderr)
    assert revision_of(checkout.dev_db) == NEXT


@pytest.mark.slow
def test_a_new_column_is_added_and_dropped_in_place_keeping_every_constraint_name(
    checkout: Checkout, tmp_path: Path
) -> None:
    add_device_column(checkout)
    assert checkout.alembic("revision", "--autogenerate", "-m", "colour").returncode == 0
    [written] = new_files(checkout)
    text = written.read_text(encoding="utf-8")
    assert 'op.add_column("devices", sa.Column("color"' in text
    assert 'op.drop_column("devices", "color")' in text
    assert "batch_alter_table" not in text  # a batch rebuild would drop batch_id's FK name
    written.write_text(text.replace(UNDECIDED, "breaks_older_readers = False"), encoding="utf-8")
    for command in (("upgrade", "head"), ("downgrade", "-1")):
        done = checkout.alembic(*command)
        assert done.returncode == 0, (command, done.stderr)
    reference = migrated(tmp_path / "reference.db", HEAD_REVISION)
    assert file_shape(checkout.dev_db) == file_shape(reference)
    with connect(checkout.dev_db) as conn:
        assert migrate.schema_object_problems(conn) == []


@pytest.mark.parametrize(
    ("column", "in_place"),
    [
        (devices.c.notes, True),  # nullable, nothing names it
        (origins.c.is_local, True),  # NOT NULL, with a default for the rows already there
        (devices.c.created_at, False),  # NOT NULL without a default
        (devices.c.batch_id, False),  # a foreign key
        (devices.c.serial_number, False),  # indexed
        (devices.c.status, False),  # named by its CHECK
        (devices.c.low_limit, False),  # named by the CHECK limits_ordered
        (devices.c.id, False),  # the primary key
    ],
    ids=str,
)
def test_which_columns_sqlite_changes_in_place(column: Column[object], in_place: bool) -> None:
    assert new_revision.plain_column(column) is in_place


@pytest.mark.slow
def test_a_manual_revision_gets_the_next_id_too(checkout: Checkout) -> None:
    done = checkout.alembic("revision", "-m", "manual change")
    assert done.returncode == 0, done.stderr
    [written] = new_files(checkout)
    assert written.name == f"{NEXT}_manual_change.py"
    assert UNDECIDED in written.read_text(encoding="utf-8")
    assert lint(checkout, written) == []


@pytest.mark.slow
def test_a_rev_id_out_of_order_is_refused(checkout: Checkout) -> None:
    done = checkout.alembic("revision", "--rev-id", "0042", "-m", "skips ahead")
    assert done.returncode != 0
    assert f"the next one is {NEXT}" in done.stderr and "Traceback" not in done.stderr
    assert new_files(checkout) == []


class Head:
    def __init__(self, head: str | None) -> None:
        self.head = head

    def get_current_head(self) -> str | None:
        return self.head


def test_the_next_id_follows_the_head() -> None:
    assert new_revision.next_id(Head("0007")) == "0008"  # type: ignore[arg-type]
    assert new_revision.next_id(Head("0099")) == "0100"  # type: ignore[arg-type]
    assert new_revision.next_id(Head(None)) == "0001"  # type: ignore[arg-type]
    with pytest.raises(FieldLogError, match="not a four-digit number"):
        new_revision.next_id(Head("e03f14036106"))  # type: ignore[arg-type]
