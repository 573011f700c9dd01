"""Calibrations: record one, a device's history of them, and the devices due."""

from dataclasses import dataclass

from core import calibration
from core.calibration import CalibrationEntry, DueDevice, NewCalibration
from core.db import Database
from core.devices import DeviceRecord, get_device
from gui.operations import DatabaseOp
from gui.ops import Ops


@dataclass(frozen=True)
class CalibrationHistory:
    """A device as it is now (its due date and interval) and its calibrations, newest first."""

    device: DeviceRecord
    calibrations: list[CalibrationEntry]


def calibration_history(ops: Ops, db: Database, device_id: int) -> DatabaseOp[CalibrationHistory]:
    def work() -> CalibrationHistory:
        return CalibrationHistory(get_device(db, device_id),
                                  calibration.list_calibrations(db, device_id))  # fmt: skip

    return DatabaseOp(ops, work, "Loading the calibrations")


def record_calibration(ops: Ops, db: Database, new: NewCalibration) -> DatabaseOp[CalibrationEntry]:
    """Record ``new`` with its files (copied beside the database first)."""
    return DatabaseOp(ops, lambda: calibration.record_calibration(db, new),
                      "Recording the calibration")  # fmt: skip


def due_for_calibration(ops: Ops, db: Database, within_days: int) -> DatabaseOp[list[DueDevice]]:
    """The devices overdue or due within ``within_days``, the most overdue first."""
    return DatabaseOp(ops, lambda: calibration.due_devices(db, within_days),
                      "Loading the calibration status")  # fmt: skip
