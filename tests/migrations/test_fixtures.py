"""A database written at every earlier revision, dirty data and all, upgrades with every row intact.

The fixture files in tests/fixtures/db were made once by tests/fixtures/make_fixtures.py and are
kept forever. Each test here works on a copy, upgraded through the real launch path (backup,
upgrade, verify); the committed file is only ever read with SQLite's ``immutable`` flag.
"""

import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from core import migrate
from core.files import sha256
from core.launch import Outcome, open_database
from core.paths import backups_dir
from tests.fixtures.make_fixtures import (
    DATA_TABLES,
    DB_DIR,
    MANIFEST,
    MAX_BYTES,
    fixture_name,
    fixture_revisions,
)
from tests.migrations.support import (
    Table,
    connect,
    differences,
    plain,
    revision_ids,
    revision_of,
    table_rows,
    untouched,
)

FIXTURES = sorted(DB_DIR.glob("rev_*.db"))
REGENERATE = "run `.venv/bin/python tests/fixtures/make_fixtures.py` and commit the new file"


def manifest() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(MANIFEST.read_text(encoding="utf-8"))
    return loaded


def read_tables(conn: Any) -> dict[str, Table]:
    return {table: table_rows(conn, table) for table in DATA_TABLES}


@dataclass(frozen=True)
class Upgraded:
    fixture: Path
    sha_before: str
    copy: Path
    before: dict[str, Table]
    after: dict[str, Table]
    outcome: Outcome
    previous_revision: str | None
    backup: Path | None


@pytest.fixture(scope="module", params=FIXTURES, ids=[p.stem for p in FIXTURES])
def upgraded(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Upgraded]:
    """A copy of one fixture, opened once through ``open_database``, with its rows before/after."""
    fixture: Path = request.param
    folder = tmp_path_factory.mktemp(fixture.stem)
    sha_before = sha256(fixture)
    with untouched(fixture) as conn:
        before = read_tables(conn)
    copy = folder / "data" / "fieldlog.db"
    copy.parent.mkdir()
    shutil.copyfile(fixture, copy)
    with pytest.MonkeyPatch.context() as env:
        env.setenv("FIELDLOG_LOG_DIR", str(folder / "logs"))
        env.setenv("FIELDLOG_DB", str(folder / "default" / "fieldlog.db"))
        result = open_database(copy)
        result.database.close()
    with plain(copy) as conn:
        after = read_tables(conn)
    yield Upgraded(
        fixture,
        sha_before,
        copy,
        before,
        after,
        result.outcome,
        result.previous_revision,
        result.backup,
    )


def test_every_revision_before_head_has_a_fixture() -> None:
    missing = {fixture_name(r) for r in fixture_revisions()} - {p.name for p in FIXTURES}
    assert not missing, f"no fixture for {sorted(missing)}: {REGENERATE}"


def test_every_fixture_has_a_manifest_entry() -> None:
    assert sorted(manifest()) == [p.name for p in FIXTURES], REGENERATE


def test_manifest_entries_describe_the_files() -> None:
    for path in FIXTURES:
        entry = manifest()[path.name]
        assert entry["sha256"] == sha256(path), f"{path.name} changed: fixtures are never rewritten"
        assert entry["bytes"] == path.stat().st_size < MAX_BYTES
        assert revision_of_fixture(path) == entry["revision"] == path.stem.removeprefix("rev_")


def revision_of_fixture(path: Path) -> str:
    with untouched(path) as conn:
        return str(conn.execute("SELECT version_num FROM alembic_version").fetchone()[0])


def test_fixtures_are_single_self_contained_files() -> None:
    strays = [p.name for p in DB_DIR.iterdir() if p.suffix not in {".db", ".json"}]
    assert strays == [], "fixtures must be checkpointed into one file (no -wal/-shm/-journal)"


def test_fixture_contains_the_promised_dirty_data(upgraded: Upgraded) -> None:
    entry = manifest()[upgraded.fixture.name]
    before = upgraded.before
    assert {t: len(before[t]) for t in DATA_TABLES} == entry["counts"]
    assert sum(r["unit"] is None for r in before["readings"].values()) == entry["null_units"]
    assert max(len(d["name"]) for d in before["devices"].values()) == entry["longest_device_name"]
    for spot in entry["spot"]:
        assert before[spot["table"]][spot["id"]][spot["column"]] == spot["value"], spot


def test_launch_upgrades_the_copy_to_head(upgraded: Upgraded) -> None:
    assert upgraded.outcome is Outcome.UPGRADED
    assert upgraded.previous_revision == revision_of_fixture(upgraded.fixture)
    assert revision_of(upgraded.copy) == revision_ids()[-1]


def test_launch_left_a_backup_next_to_the_copy(upgraded: Upgraded) -> None:
    assert upgraded.backup is not None and upgraded.backup.is_file()
    assert upgraded.backup.parent == backups_dir(upgraded.copy) == upgraded.copy.parent / "backups"
    assert revision_of(upgraded.backup) == revision_of_fixture(upgraded.fixture)


def test_every_origin_and_device_survives_unchanged(upgraded: Upgraded) -> None:
    for table in ("origins", "devices"):
        assert differences(upgraded.before[table], upgraded.after[table]) == [], table


def test_every_reading_survives_unchanged(upgraded: Upgraded) -> None:
    before = upgraded.before["readings"]
    null_units = {(key, "unit") for key, row in before.items() if row["unit"] is None}
    assert differences(before, upgraded.after["readings"], skip=null_units) == []


def test_null_units_are_filled_from_the_device_default_or_empty(upgraded: Upgraded) -> None:
    devices = upgraded.before["devices"]
    for key, row in upgraded.before["readings"].items():
        if row["unit"] is None:
            expected = devices[row["device_id"]].get("default_unit") or ""
            assert upgraded.after["readings"][key]["unit"] == expected, key


def test_reading_created_at_is_backfilled_from_recorded_at(upgraded: Upgraded) -> None:
    for key, row in upgraded.after["readings"].items():
        if "created_at" not in upgraded.before["readings"][key]:
            assert row["created_at"] == row["recorded_at"], key


def test_new_device_columns_take_their_documented_defaults(upgraded: Upgraded) -> None:
    for key, row in upgraded.after["devices"].items():
        if "status" not in upgraded.before["devices"][key]:
            assert row["status"] == "active" and row["updated_at"] == row["created_at"], key


def test_committed_fixture_is_unchanged(upgraded: Upgraded) -> None:
    assert sha256(upgraded.fixture) == upgraded.sha_before
    sidecars = [p for p in DB_DIR.iterdir() if p.name.startswith(upgraded.fixture.name + "-")]
    assert sidecars == []


def test_downgrade_back_to_the_fixture_revision_keeps_every_row(
    upgraded: Upgraded, tmp_path: Path
) -> None:
    copy = tmp_path / "down.db"
    shutil.copyfile(upgraded.copy, copy)
    with connect(copy) as conn:
        migrate.downgrade(conn, revision_of_fixture(upgraded.fixture))
    with plain(copy) as conn:
        after = read_tables(conn)
    null_units = {(k, "unit") for k, r in upgraded.before["readings"].items() if r["unit"] is None}
    assert differences(upgraded.before["devices"], after["devices"]) == []
    assert differences(upgraded.before["readings"], after["readings"], skip=null_units) == []


def test_manifest_spot_values_survive_the_upgrade(upgraded: Upgraded) -> None:
    entry = manifest()[upgraded.fixture.name]
    assert {t: len(upgraded.after[t]) for t in DATA_TABLES} == entry["counts"]
    for spot in entry["spot"]:
        assert upgraded.after[spot["table"]][spot["id"]][spot["column"]] == spot["value"], spot
