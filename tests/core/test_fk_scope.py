"""The migration's foreign-key check reads only what the migration could have broken, and
still catches every broken reference a migration can make (core/fk_scope.py)."""

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from core import fk_scope, migrate
from core.db import create_sqlite_engine
from core.devices import DeviceFields, create_device
from core.launch import LaunchResult
from core.readings import NewReading, add_reading
from core.schema import HEAD_REVISION
from tests.core.launch_support import scripts_with_extra_revision


@pytest.fixture
def with_readings(launched: LaunchResult) -> Path:
    db = launched.database
    device = create_device(db, DeviceFields(name="Gauge"))
    for n in range(3):
        add_reading(db, NewReading(device.id, float(n), datetime(2026, 3, 1, n, tzinfo=UTC)))
    db.close()
    return db.path


def spy_on_checks(monkeypatch: pytest.MonkeyPatch) -> list[set[str]]:
    """The sets of tables the migration's foreign-key check looks at, as it runs."""
    seen: list[set[str]] = []
    real = fk_scope.to_check

    def spy(*args: Any) -> set[str]:
        seen.append(real(*args))
        return seen[-1]

    monkeypatch.setattr(fk_scope, "to_check", spy)
    return seen


def run_extra(path: Path, tmp_path: Path, body: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Upgrade ``path`` through one extra revision running ``body``; return what was checked."""
    scripts = scripts_with_extra_revision(tmp_path, body)
    seen = spy_on_checks(monkeypatch)
    engine = create_sqlite_engine(path)
    try:
        with engine.connect() as conn:
            migrate.upgrade(conn, "head", scripts)
    finally:
        engine.dispose()
    return seen


def test_a_nullable_column_added_in_place_checks_nothing(with_readings, tmp_path,
                                                         monkeypatch) -> None:  # fmt: skip
    body = 'op.add_column("readings", sa.Column("extra", sa.Float(), nullable=True))'
    assert run_extra(with_readings, tmp_path, body, monkeypatch) == [set()]


def test_a_table_rebuilt_by_batch_mode_is_checked(with_readings, tmp_path, monkeypatch) -> None:
    body = """
    with op.batch_alter_table("readings", recreate="always") as batch:
        batch.add_column(sa.Column("extra", sa.Float(), nullable=True))
    """
    assert run_extra(with_readings, tmp_path, body, monkeypatch) == [{"readings"}]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ('op.execute("UPDATE readings SET device_id = 999")', "readings"),  # written
        ('op.execute("DELETE FROM devices")', "readings"),  # their device is gone
        ('op.execute("ALTER TABLE readings ADD COLUMN owner INTEGER REFERENCES devices (id) '
         'DEFAULT 999")', "readings"),  # a reference for every row, no row written
    ],
)  # fmt: skip
def test_every_broken_reference_is_still_caught(with_readings, tmp_path, monkeypatch, body,
                                                expected) -> None:  # fmt: skip
    checked = spy_on_checks(monkeypatch)
    scripts = scripts_with_extra_revision(tmp_path, body)
    engine = create_sqlite_engine(with_readings)
    try:
        with engine.connect() as conn, pytest.raises(migrate.ForeignKeyViolationError):
            migrate.upgrade(conn, "head", scripts)
        assert expected in checked[0]
        with engine.connect() as conn:
            assert migrate.current_revision(conn) == HEAD_REVISION  # everything rolled back
    finally:
        engine.dispose()
