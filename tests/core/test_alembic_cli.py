"""The developers' ``alembic`` command line (core/alembic_cli.py, migrations/env.py), run for
real from a copy of the checkout: with no database named it works on the checkout's dev.db,
never on a user's database."""

import hashlib
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from core import alembic_cli
from core.launch import open_database
from core.launch_errors import NotFieldLogError
from core.schema import HEAD_REVISION
from tests.core.alembic_support import Checkout, UserHome, checkout, user_home
from tests.migrations.support import executable, previous, rebuild_from_reflection, revision_of

__all__ = ["checkout", "user_home"]  # fixtures

pytestmark = pytest.mark.slow


def tables(path: Path) -> set[str]:
    with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as conn:
        return {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def test_the_guides_commands_work_on_dev_db_and_leave_the_users_files_alone(
    checkout: Checkout, user_home: UserHome
) -> None:
    before = user_home.fingerprint()
    steps = [
        ("upgrade", "head"),
        ("current",),
        ("history", "--verbose"),
        ("check",),
        ("downgrade", "-1"),
        ("upgrade", "head"),
        ("stamp", "head"),
    ]
    for step in steps:
        done = checkout.alembic(*step)
        assert done.returncode == 0, (step, done.stderr)
        if step == ("downgrade", "-1"):
            assert revision_of(checkout.dev_db) == previous(HEAD_REVISION)
    done = checkout.alembic("revision", "--autogenerate", "-m", "nothing changed")
    assert done.returncode == 0, done.stderr
    assert user_home.fingerprint() == before
    assert revision_of(checkout.dev_db) == HEAD_REVISION


def test_a_fresh_setup_makes_dev_db_with_the_tables(
    checkout: Checkout, user_home: UserHome
) -> None:
    """The guide's ``rm dev.db; alembic upgrade head; sqlite3 dev.db ".tables"``."""
    checkout.dev_db.unlink(missing_ok=True)
    done = checkout.alembic("upgrade", "head")
    assert done.returncode == 0, done.stderr
    assert {"devices", "readings", "import_batches", "origins"} <= tables(checkout.dev_db)
    assert str(checkout.dev_db) in done.stderr  # it says which database it used


def test_fieldlog_db_is_not_used_unless_named(checkout: Checkout, user_home: UserHome) -> None:
    before = user_home.fingerprint()
    done = checkout.alembic("upgrade", "head")
    assert done.returncode == 0, done.stderr
    assert "FIELDLOG_DB is set" in done.stderr and f"-x db={user_home.named_db}" in done.stderr
    assert user_home.fingerprint() == before


def test_a_file_named_with_x_db_is_the_one_migrated(
    checkout: Checkout, user_home: UserHome
) -> None:
    done = checkout.alembic("-x", f"db={user_home.named_db}", "upgrade", "head")
    assert done.returncode == 0, done.stderr
    assert revision_of(user_home.named_db) == HEAD_REVISION
    assert not checkout.dev_db.exists()


def test_dev_db_is_beside_the_alembic_ini_in_use(tmp_path: Path) -> None:
    ini = tmp_path / "repo" / "alembic.ini"
    assert alembic_cli.database_path(None, str(ini)) == ini.parent / "dev.db"
    assert alembic_cli.database_path("other.db", str(ini)) == Path("other.db").resolve()


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


READ_COMMANDS = [("current",), ("history", "--indicate-current"), ("show", "current")]


@pytest.mark.parametrize("command", READ_COMMANDS)
def test_a_read_command_creates_no_file_when_there_is_no_database(
    checkout: Checkout, command: tuple[str, ...]
) -> None:
    before = checkout.files()
    done = checkout.alembic(*command)
    assert done.returncode == 0, done.stderr
    assert "does not exist yet" in done.stderr
    assert checkout.files() == before  # no dev.db, -wal, -shm or lock file


@pytest.mark.parametrize("command", [("check",), ("revision", "--autogenerate", "-m", "x")])
def test_a_comparing_command_says_to_create_the_database_first(
    checkout: Checkout, command: tuple[str, ...]
) -> None:
    before = checkout.files()
    versions = set((checkout.root / "migrations" / "versions").iterdir())
    done = checkout.alembic(*command)
    assert done.returncode != 0
    assert "does not exist yet" in done.stderr and "alembic upgrade head" in done.stderr
    assert "Traceback" not in done.stderr
    assert checkout.files() == before
    assert set((checkout.root / "migrations" / "versions").iterdir()) == versions


def test_read_commands_open_an_existing_database_read_only(checkout: Checkout) -> None:
    assert checkout.alembic("upgrade", "head").returncode == 0
    with closing(sqlite3.connect(checkout.dev_db)) as conn:
        conn.execute("PRAGMA user_version = 0")  # a command that wrote would put the marker back
    before = sha256_of(checkout.dev_db)
    for command in [*READ_COMMANDS, ("check",)]:
        done = checkout.alembic(*command)
        assert done.returncode == 0, (command, done.stderr)
        assert sha256_of(checkout.dev_db) == before, command


def test_alembic_check_reports_a_foreign_key_that_lost_its_name(checkout: Checkout) -> None:
    assert checkout.alembic("upgrade", "head").returncode == 0
    rebuild_from_reflection(checkout.dev_db, "devices")
    done = checkout.alembic("check")
    assert done.returncode != 0
    assert "fk_devices_batch_id_import_batches of devices is missing" in done.stderr
    assert "rm dev.db && alembic upgrade head" in done.stderr


def test_alembic_stamp_is_refused_over_a_schema_that_is_not_the_targets(
    checkout: Checkout,
) -> None:
    assert checkout.alembic("upgrade", "0004").returncode == 0
    before = sha256_of(checkout.dev_db)
    done = checkout.alembic("stamp", "head")
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert f"was not stamped {HEAD_REVISION}" in done.stderr
    assert "It is at 0004, as recorded: upgrade it instead" in done.stderr
    assert "-x force=1" in done.stderr
    assert sha256_of(checkout.dev_db) == before
    assert not (checkout.root / "backups").exists()


def test_alembic_stamp_with_force_takes_a_backup_first(checkout: Checkout) -> None:
    assert checkout.alembic("upgrade", "0004").returncode == 0
    done = checkout.alembic("-x", "force=1", "stamp", "head")
    assert done.returncode == 0, done.stderr
    assert revision_of(checkout.dev_db) == HEAD_REVISION
    [backup] = (checkout.root / "backups").iterdir()
    assert "pre-stamp" in backup.name and str(backup) in done.stderr
    assert revision_of(backup) == "0004"


def test_alembic_stamp_of_the_matching_revision_needs_no_force(checkout: Checkout) -> None:
    assert checkout.alembic("upgrade", "head").returncode == 0
    with closing(sqlite3.connect(checkout.dev_db)) as conn:
        conn.execute("DELETE FROM alembic_version")
        conn.commit()
    done = checkout.alembic("stamp", "head")
    assert done.returncode == 0, done.stderr
    assert revision_of(checkout.dev_db) == HEAD_REVISION


# --- the guide's troubleshooting cases: each says what to do, and doing it works --------------


def execute(path: Path, *statements: str) -> None:
    with closing(sqlite3.connect(path)) as conn:
        for statement in statements:
            conn.execute(statement)
        conn.commit()


def test_no_such_table_devices(checkout: Checkout) -> None:
    assert checkout.alembic("upgrade", "head").returncode == 0
    execute(checkout.dev_db, "DROP TABLE readings", "DROP TABLE devices")
    for command in (("current",), ("upgrade", "head"), ("check",)):
        done = checkout.alembic(*command)
        assert done.returncode != 0 and "Traceback" not in done.stderr, command
        assert "has no table devices, readings (queries fail with 'no such table')" in done.stderr
        assert "Start again: rm dev.db && alembic upgrade head" in done.stderr
    checkout.dev_db.unlink()
    assert checkout.alembic("upgrade", "head").returncode == 0
    assert {"devices", "readings"} <= tables(checkout.dev_db)


def test_cant_locate_revision(checkout: Checkout) -> None:
    assert checkout.alembic("upgrade", "head").returncode == 0
    execute(checkout.dev_db, "UPDATE alembic_version SET version_num = 'e03f14036106'")
    for command in (("current",), ("upgrade", "head"), ("downgrade", "-1"), ("stamp", "head")):
        done = checkout.alembic(*command)
        assert done.returncode != 0 and "Traceback" not in done.stderr, command
        assert "Can't locate revision identified by 'e03f14036106'" in done.stderr
        assert f"`alembic stamp --purge {HEAD_REVISION}` records that" in done.stderr
    done = checkout.alembic("stamp", "--purge", HEAD_REVISION)
    assert done.returncode == 0, done.stderr
    assert revision_of(checkout.dev_db) == HEAD_REVISION


def test_target_database_is_not_up_to_date(checkout: Checkout) -> None:
    assert checkout.alembic("upgrade", "0005").returncode == 0
    for command in (("check",), ("revision", "--autogenerate", "-m", "too early")):
        done = checkout.alembic(*command)
        assert done.returncode != 0 and "Traceback" not in done.stderr, command
        assert "Target database is not up to date" in done.stderr
        assert "is at 0005 and the head is" in done.stderr
        assert "run `alembic upgrade head` first" in done.stderr
    assert checkout.alembic("upgrade", "head").returncode == 0
    assert checkout.alembic("check").returncode == 0


def test_tables_without_a_revision_record(checkout: Checkout) -> None:
    assert checkout.alembic("upgrade", "head").returncode == 0
    execute(checkout.dev_db, "DELETE FROM alembic_version")
    done = checkout.alembic("upgrade", "head")
    assert done.returncode != 0 and "no revision record" in done.stderr
    assert f"`alembic stamp --purge {HEAD_REVISION}` records that" in done.stderr


# --- another program's file ---------------------------------------------------------------------


def test_a_foreign_sqlite_file_is_refused_as_the_app_refuses_it(
    checkout: Checkout, tmp_path: Path
) -> None:
    foreign = tmp_path / "foreign.db"
    execute(foreign, "CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
    execute(foreign, "INSERT INTO invoices VALUES (1, 9.5)")
    before = sha256_of(foreign)
    with pytest.raises(NotFieldLogError) as by_the_app:
        open_database(foreign)
    commands = [("upgrade", "head"), ("downgrade", "-1"), ("stamp", "head"), ("current",)]
    for command in [*commands, ("-x", "force=1", "stamp", "head")]:
        done = checkout.alembic("-x", f"db={foreign}", *command)
        assert done.returncode != 0 and "Traceback" not in done.stderr, command
        assert str(by_the_app.value) in done.stderr, command
    assert sha256_of(foreign) == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("foreign")) == [
        "foreign.db"
    ]


def test_a_file_that_is_not_sqlite_is_refused(checkout: Checkout, tmp_path: Path) -> None:
    notes = tmp_path / "notes.db"
    notes.write_text("not a database\n", encoding="utf-8")
    done = checkout.alembic("-x", f"db={notes}", "upgrade", "head")
    assert done.returncode != 0 and "is not a FieldLog database" in done.stderr
    assert notes.read_text(encoding="utf-8") == "not a database\n"


GUIDE_STYLE_FIXTURE = """
import sys
from argparse import Namespace
from alembic import command
from alembic.config import Config

cfg = Config("alembic.ini", cmd_opts=Namespace(x=["db=" + sys.argv[1]]))
command.upgrade(cfg, "head")  # what the guide's session fixture does first...
command.downgrade(cfg, "base")  # ...and last
"""


def test_a_guide_style_fixture_that_names_its_database_touches_nothing_else(
    checkout: Checkout, user_home: UserHome, tmp_path: Path
) -> None:
    """The guide's conftest drives Alembic itself, upgrading at the start of the session and
    downgrading to base at the end: named with -x db, that is all it touches."""
    before = user_home.fingerprint()
    named = tmp_path / "session.db"
    done = checkout.run(executable("python"), "-c", GUIDE_STYLE_FIXTURE, str(named))
    assert done.returncode == 0, done.stderr
    assert tables(named) == {"alembic_version"}  # it went to base
    assert user_home.fingerprint() == before and not checkout.dev_db.exists()
