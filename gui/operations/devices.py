"""The inventory's actions: add, edit, archive or unarchive, delete a device; its counts; the
device table's loads (the ordered ids with a first block of rows, and further blocks)."""

from dataclasses import dataclass

from core import devices
from core.db import Database
from core.devices import Calibration, CalibrationCounts, DeviceFields, DeviceRecord, DeviceSort
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


def add_device(ops: Ops, db: Database, fields: DeviceFields, *,
               who: str | None = None) -> DatabaseOp[DeviceRecord]:  # fmt: skip
    """Add a device; ``who`` (the operator's name) goes into the audit trail, as below."""
    return DatabaseOp(ops, lambda: devices.create_device(db, fields, who=who), SAVING)


def edit_device(
    ops: Ops, db: Database, device_id: int, fields: DeviceFields, *, who: str | None = None,
    reason: str | None = None,
) -> DatabaseOp[DeviceRecord]:  # fmt: skip
    """Save the fields; a change of the limits needs ``reason``."""

    def work() -> DeviceRecord:
        return devices.update_device(db, device_id, fields, who=who, reason=reason)

    return DatabaseOp(ops, work, SAVING)


def archive_devices(
    ops: Ops, db: Database, device_ids: list[int], archive: bool, *, who: str | None = None
) -> DatabaseOp[list[int]]:
    """Archive the devices (or bring them back); the result is the ids whose state changed."""
    verb = "Archive" if archive else "Unarchive"
    return DatabaseOp(ops, lambda: devices.archive_devices(db, device_ids, archive, who=who),
                      f"{verb} devices")  # fmt: skip


def delete_device(ops: Ops, db: Database, device_id: int, *,
                  who: str | None = None) -> DatabaseOp[None]:  # fmt: skip
    """Delete a device without readings (the undo of adding it)."""
    return DatabaseOp(ops, lambda: devices.delete_device(db, device_id, who=who),
                      "Deleting the device")  # fmt: skip


def inventory_counts(ops: Ops, db: Database) -> DatabaseOp[InventoryCounts]:
    def work() -> InventoryCounts:
        return InventoryCounts(devices.count_devices(db), count_readings(db),
                               devices.count_devices(db, include_archived=True),
                               devices.calibration_counts(db))  # fmt: skip

    return DatabaseOp(ops, work, "Counting the inventory")


@dataclass(frozen=True)
class Listing:
    """What one (re)load of the device table brings back from the database thread."""

    ids: list[int]  # every matching device, in order
    first: list[DeviceRecord]  # the first block's rows: the first paint needs no second trip
    unsortable: int  # how many ids at the end have no value to sort by (last either way)


@dataclass(frozen=True)
class DeviceFilter:
    """Which devices a listing holds, and in which order (``core.devices.device_ids``)."""

    text: str
    sort: DeviceSort
    descending: bool
    include_archived: bool
    calibration: Calibration | None  # only the overdue, or only those due soon


def device_listing(ops: Ops, db: Database, wanted: DeviceFilter, first: int) -> DatabaseOp[Listing]:
    """Every id ``wanted`` matches, in its order, with the first ``first`` devices' rows."""

    def work() -> Listing:
        ids = devices.device_ids(db, filter_text=wanted.text, sort=wanted.sort,
                                 descending=wanted.descending,
                                 include_archived=wanted.include_archived,
                                 calibration=wanted.calibration)  # fmt: skip
        unsortable = devices.count_unsortable(db, sort=wanted.sort, filter_text=wanted.text,
                                              include_archived=wanted.include_archived,
                                              calibration=wanted.calibration)  # fmt: skip
        return Listing(ids, devices.devices_by_ids(db, ids[:first]), min(unsortable, len(ids)))

    return DatabaseOp(ops, work, "Loading devices")


def reordered_listing(
    ops: Ops, db: Database, ids: list[int], unsortable: int, first: int
) -> DatabaseOp[Listing]:
    """A listing whose ids are known already (the same list reversed): only its first rows."""

    def work() -> Listing:
        return Listing(ids, devices.devices_by_ids(db, ids[:first]), unsortable)

    return DatabaseOp(ops, work, "Loading devices")


def device_rows(ops: Ops, db: Database, ids: list[int]) -> DatabaseOp[list[DeviceRecord]]:
    """The rows of a block of the device table."""
    return DatabaseOp(ops, lambda: devices.devices_by_ids(db, ids), "Loading devices")
