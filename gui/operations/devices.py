"""The inventory's actions: add, edit, archive or unarchive, delete a device; its counts."""

from dataclasses import dataclass

from core import devices
from core.db import Database
from core.devices import CalibrationCounts, DeviceFields, DeviceRecord
from core.readings import count_readings
from gui.operations import DatabaseOp
from gui.ops import Ops

SAVING = "Saving the device"


@dataclass(frozen=True)
class InventoryCounts:
    """The numbers the window shows under the panels."""

    devices: int  # not archived
    readings: int
    every_device: int  # archived ones included: none at all is an empty database
    calibration: CalibrationCounts


def fetch_device(ops: Ops, db: Database, device_id: int) -> DatabaseOp[DeviceRecord]:
    """One device as it is in the database now (to edit it)."""
    return DatabaseOp(ops, lambda: devices.get_device(db, device_id), "Opening the device")


def add_device(ops: Ops, db: Database, fields: DeviceFields) -> DatabaseOp[DeviceRecord]:
    return DatabaseOp(ops, lambda: devices.create_device(db, fields), SAVING)


def edit_device(
    ops: Ops, db: Database, device_id: int, fields: DeviceFields
) -> DatabaseOp[DeviceRecord]:
    return DatabaseOp(ops, lambda: devices.update_device(db, device_id, fields), SAVING)


def archive_devices(
    ops: Ops, db: Database, device_ids: list[int], archive: bool
) -> DatabaseOp[list[int]]:
    """Archive the devices (or bring them back); the result is the ids whose state changed."""
    verb = "Archive" if archive else "Unarchive"
    return DatabaseOp(ops, lambda: devices.archive_devices(db, device_ids, archive),
                      f"{verb} devices")  # fmt: skip


def delete_device(ops: Ops, db: Database, device_id: int) -> DatabaseOp[None]:
    """Delete a device without readings (the undo of adding it)."""
    return DatabaseOp(ops, lambda: devices.delete_device(db, device_id), "Deleting the device")


def inventory_counts(ops: Ops, db: Database) -> DatabaseOp[InventoryCounts]:
    def work() -> InventoryCounts:
        return InventoryCounts(devices.count_devices(db), count_readings(db),
                               devices.count_devices(db, include_archived=True),
                               devices.calibration_counts(db))  # fmt: skip

    return DatabaseOp(ops, work, "Counting the inventory")
