"""Support tasks on real files: restoring over a damaged database keeps the damaged bytes."""

from pathlib import Path

import pytest

from core import maintenance
from core.backup import list_backups, make_backup
from core.files import sha256
from core.launch import LaunchResult, open_database
from core.launch_errors import UpgradeFailedError
from core.schema import HEAD_REVISION
from tests.core.launch_support import (
    EXTRA_REVISION,
    damaged_below_the_schema,
    rows,
    scripts_with_extra_revision,
)


def smash(path: Path) -> bytes:
    data = bytearray(path.read_bytes())
    data[2 * 4096 : 4 * 4096] = b"\xa5" * (2 * 4096)
    path.write_bytes(bytes(data))
    return bytes(data)


def test_restore_over_a_damaged_file_keeps_a_byte_copy(launched: LaunchResult) -> None:
    path = launched.database.path
    good = make_backup(path, "manual")
    launched.database.close()
    damaged = smash(path)
    kept = maintenance.restore(path, good)
    assert kept is not None and kept.read_bytes() == damaged and "-damaged" in kept.name
    assert {b.reason for b in list_backups(path)} == {"manual", "damaged"}
    reopened = open_database(path)
    reopened.database.close()
    assert rows(path, "devices") == []


def test_restore_over_a_sound_file_backs_it_up_first(launched: LaunchResult) -> None:
    path = launched.database.path
    good = make_backup(path, "manual")
    launched.database.close()
    kept = maintenance.restore(path, good)
    assert kept is not None and "-pre-restore" in kept.name


def test_check_while_open_finds_a_sound_file_sound(launched) -> None:
    from core.maintenance import check_while_open

    assert check_while_open(launched.database.path) == []


def test_check_while_open_reports_damage_below_the_schema(tmp_path) -> None:
    from core.maintenance import check_while_open

    problems = check_while_open(damaged_below_the_schema(tmp_path / "big.db"))
    assert problems, "the damaged page went unnoticed"


def test_check_while_open_stops_when_asked(launched) -> None:
    from core.devices import DeviceFields, create_device
    from core.maintenance import check_while_open

    for n in range(200):
        create_device(launched.database, DeviceFields(f"Device {n}"))
    asked: list[int] = []

    def stop() -> bool:
        asked.append(1)
        return len(asked) > 2  # part-way through

    assert check_while_open(launched.database.path, stop=stop) is None and len(asked) >= 3


def test_a_failing_downgrade_leaves_the_file_exactly_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "site.db"
    scripts = scripts_with_extra_revision(
        tmp_path,
        'op.execute("UPDATE devices SET name = name")',
        """
        op.execute("DELETE FROM readings")
        raise RuntimeError("simulated failure half-way down")
        """,
    )
    upgraded = open_database(path, script_location=scripts)
    assert upgraded.revision == EXTRA_REVISION
    upgraded.database.close()
    before = sha256(path)
    with pytest.raises(UpgradeFailedError) as caught:
        maintenance.downgrade(path, HEAD_REVISION, script_location=scripts)
    message = str(caught.value)
    assert "simulated failure half-way down" in message
    assert caught.value.backup is not None and str(caught.value.backup) in message
    assert "-pre-downgrade" in caught.value.backup.name and caught.value.backup.is_file()
    assert sha256(path) == before
