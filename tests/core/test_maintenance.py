"""Support tasks on real files: restoring over a damaged database keeps the damaged bytes."""

from pathlib import Path

from core import maintenance
from core.backup import list_backups, make_backup
from core.launch import LaunchResult, open_database
from tests.core.launch_support import rows


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
