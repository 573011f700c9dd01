"""The audit trail: a device's recorded changes."""

import uuid

from core import audit
from core.audit import ChangeEntry
from core.db import Database
from gui.operations import DatabaseOp
from gui.ops import Ops


def device_history(ops: Ops, db: Database, device_uid: uuid.UUID) -> DatabaseOp[list[ChangeEntry]]:
    """Every recorded change concerning the device, newest first."""
    return DatabaseOp(ops, lambda: audit.history(db, device_uid), "Loading the history")
