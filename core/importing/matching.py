"""Which device each channel of an imported file goes to.

Through ``device_map`` (the wizard's choice), else by serial number (only when one channel of
the file carries that serial: a logger's serial names the logger, not each of its columns),
else by exact name. A channel with no device gets one made for it when ``create_devices`` is
set (recorded as made by the batch, so that undoing the batch can remove it); otherwise its
rows are rejected with a message saying how to go on.

A file that carries a devices table (FieldLog's own export, ``core.device_table``) says more:
each device of the table, readings or not, is found by its UID first, then by serial and name
as above, or made whole from the table (every field, and its UID) with ``create_devices``. A
device found whose fields differ from the table's is never changed: each difference is
reported (``DeviceDifference``), and the database's device is used.
"""

import math
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from core import audit
from core.db import DriverConnection, as_uuid, inserted_id, uid_value
from core.device_table import LABELS, NUMBERS, TableDevice
from core.errors import NotFoundError
from core.ids import uuid7
from core.importing.generic_blocks import channel_key
from core.importing.parsed import Channel, ParsedFile
from core.importing.report import DeviceDifference, DeviceMatch

_FIELDS = ("name", "serial_number", "device_type", "manufacturer", "model", "location",
           "default_unit", "low_limit", "high_limit", "calibration_due",
           "calibration_interval_days", "status", "notes")  # fmt: skip
_DEVICES_SQL = (
    f"SELECT id, uid, archived_at, {', '.join(_FIELDS)} FROM devices "
    "ORDER BY archived_at IS NOT NULL, id"
)


@dataclass
class Target:
    """A channel's device, once resolved."""

    device_id: int
    name: str
    unit: str  # the device's default unit, '' when it has none
    low: float | None
    high: float | None
    how: str
    readings: int = 0


class DeviceMatcher:
    """Matches the channels of ``parsed`` inside the import's open transaction."""

    def __init__(self, conn: DriverConnection, parsed: ParsedFile, batch_id: int,
                 created_at: int) -> None:  # fmt: skip
        self.conn, self.parsed = conn, parsed
        self.batch_id, self.created_at = batch_id, created_at
        self.differences: list[DeviceDifference] = []
        self.table_matches: list[DeviceMatch] = []  # the table's devices without readings here
        self.refusals: dict[int, str] = {}  # channel index: why its device cannot be made

    def resolve(self, device_map: dict[str, int], create: bool) -> list[Target | None]:
        """Each channel's device, in channel order: None where there is none (its rows are
        rejected). The devices of the table that no channel names are resolved too
        (``table_matches``)."""
        self._known = _Known(self.conn.execute(_DEVICES_SQL).fetchall())
        entries = _by_key(self.parsed.devices)
        channels = self.parsed.channels
        serial_uses: Counter[str] = Counter(c.serial for c in channels if c.serial)
        keys = {channel.key for channel in channels}
        serial_uses.update(e.fields.serial_number for e in self.parsed.devices
                           if e.fields.serial_number and _key(e) not in keys)  # fmt: skip
        targets: list[Target | None] = []
        for index, channel in enumerate(channels):
            entry = entries.pop(channel.key, None)
            if entry is not None and entry.problem is not None:
                self.refusals[index] = f"the devices table refuses its device: {entry.problem}"
                targets.append(None)
                continue
            if channel.key in device_map:
                target: Target | None = self._chosen(channel, device_map[channel.key], entry)
            else:
                target = self._find(channel.serial, channel.name, serial_uses, entry)
                if target is None and create:
                    target = self._create(channel, entry)
            targets.append(target)
        for entry in entries.values():
            self.table_matches.append(self._table_only(entry, serial_uses, create))
        return targets

    def _chosen(self, channel: Channel, device_id: int, entry: TableDevice | None) -> Target:
        chosen = self._known.by_id.get(device_id)
        if chosen is None:
            raise NotFoundError(
                f"There is no device with id {device_id} "
                f"(chosen for {channel.column or channel.key})."
            )
        return self._matched(chosen, "chosen", entry)

    def _find(self, serial: str | None, name: str, serial_uses: Counter[str],
              entry: TableDevice | None) -> Target | None:  # fmt: skip
        known = self._known
        if entry is not None and entry.uid is not None and entry.uid in known.by_uid:
            return self._matched(known.by_uid[entry.uid], "UID", entry)
        if serial and serial_uses[serial] == 1 and serial in known.by_serial:
            return self._matched(known.by_serial[serial][0], "serial", entry)
        if name in known.by_name:
            return self._matched(known.by_name[name][0], "name", entry)
        return None

    def _table_only(self, entry: TableDevice, serial_uses: Counter[str],
                    create: bool) -> DeviceMatch:  # fmt: skip
        fields = entry.fields
        if entry.problem is not None:
            return DeviceMatch(None, None, fields.name[:200], "unknown")
        target = self._find(fields.serial_number, fields.name, serial_uses, entry)
        if target is None and create:
            target = self._insert(entry.fields.name, entry, None)
        if target is None:
            return DeviceMatch(None, None, fields.name, "unknown")
        return DeviceMatch(None, target.device_id, target.name, target.how)

    def _matched(self, row: dict[str, Any], how: str, entry: TableDevice | None) -> Target:
        if entry is not None:
            self.differences += _differences(row, entry)
        unit = row["default_unit"] or ""
        return Target(row["id"], row["name"], unit, row["low_limit"], row["high_limit"], how)

    def _create(self, channel: Channel, entry: TableDevice | None) -> Target:
        name = entry.fields.name if entry is not None else channel.name[:200]
        return self._insert(name, entry, channel)

    def _insert(self, name: str, entry: TableDevice | None, channel: Channel | None) -> Target:
        """A new device: whole from the table's row, else from what the channel says."""
        stamp = self.created_at
        row = _from_entry(entry) if entry is not None else _from_channel(channel, self.parsed)
        row |= {"created_at": stamp, "updated_at": stamp, "batch_id": self.batch_id}
        uid: uuid.UUID = row.pop("uid", None) or uuid7()
        row["name"] = name
        columns = ", ".join(["uid", *row])
        marks = ", ".join("?" * (len(row) + 1))
        made = inserted_id(self.conn, f"INSERT INTO devices ({columns}) VALUES ({marks})",
                           [uid_value(self.conn, uid), *row.values()])  # fmt: skip
        stored = dict.fromkeys(_FIELDS) | {"archived_at": None} | row | {"id": made, "uid": uid}
        self._known.add(stored)
        given = {k: v for k, v in row.items() if k in _FIELDS and v is not None}
        audit.record_on(self.conn, None, [audit.Change(
            audit.Subject.DEVICE, made, uid, audit.Action.CREATE, new=given,
            reason=f"made by importing {self.parsed.path.name}")])  # fmt: skip
        unit = row.get("default_unit") or ""
        return Target(made, name, unit, row.get("low_limit"), row.get("high_limit"),
                      "created")  # fmt: skip


class _Known:
    """The database's devices, by id, UID, serial and name (the first of each, the ones not
    archived before the archived)."""

    def __init__(self, rows: list[tuple[Any, ...]]) -> None:
        self.by_id: dict[int, dict[str, Any]] = {}
        self.by_uid: dict[uuid.UUID, dict[str, Any]] = {}
        self.by_serial: dict[str, list[dict[str, Any]]] = {}
        self.by_name: dict[str, list[dict[str, Any]]] = {}
        for values in rows:
            self.add(dict(zip(("id", "uid", "archived_at", *_FIELDS), values, strict=True)))

    def add(self, row: dict[str, Any]) -> None:
        self.by_id[row["id"]] = row
        self.by_uid[as_uuid(row["uid"])] = row
        if row.get("serial_number"):
            self.by_serial.setdefault(row["serial_number"], []).append(row)
        self.by_name.setdefault(row["name"], []).append(row)


def _key(entry: TableDevice) -> str:
    return channel_key(entry.fields.serial_number or "", entry.fields.name)


def _by_key(entries: list[TableDevice]) -> dict[str, TableDevice]:
    """The table's devices by the channel key a readings row of each has (the first of two
    that a readings row could not tell apart; the other then has no readings in the file)."""
    found: dict[str, TableDevice] = {}
    for number, entry in enumerate(entries):
        key = _key(entry)
        found[key if key not in found else f"\0{number}"] = entry
    return found


def _from_entry(entry: TableDevice) -> dict[str, Any]:
    fields = entry.fields
    row: dict[str, Any] = {name: getattr(fields, name) for name in _FIELDS}
    row["status"] = str(fields.status)
    due = fields.calibration_due
    row["calibration_due"] = due.isoformat() if due is not None else None
    row["archived_at"] = entry.archived_at
    if entry.uid is not None:
        row["uid"] = entry.uid
    return row


def _from_channel(channel: Channel | None, parsed: ParsedFile) -> dict[str, Any]:
    assert channel is not None
    return {
        "serial_number": channel.serial,
        "device_type": channel.quantity,
        "default_unit": channel.unit or None,
        "status": "active",
        "notes": f"Created by importing {parsed.path.name}.",
    }


def _differences(row: dict[str, Any], entry: TableDevice) -> list[DeviceDifference]:
    """What the table says of a device that the database holds otherwise, field by field (only
    the fields the table has a column for)."""
    found = []
    for name in _FIELDS:
        if name not in entry.given:
            continue
        stored, given = _comparable(name, row[name]), _comparable(name, getattr(entry.fields, name))
        if not _same(name, stored, given):
            found.append(DeviceDifference(row["id"], row["name"], LABELS[name], _shown(given),
                                          _shown(stored)))  # fmt: skip
    if "archived_at" in entry.given and (entry.archived_at is None) != (row["archived_at"] is None):
        said = {True: "archived", False: "not archived"}
        found.append(DeviceDifference(row["id"], row["name"], "archived",
                                      said[entry.archived_at is not None],
                                      said[row["archived_at"] is not None]))  # fmt: skip
    return found


def _comparable(name: str, value: Any) -> Any:
    if name == "calibration_due" and isinstance(value, str):
        return date.fromisoformat(value)
    if name == "status" and value is not None:
        return str(value)
    return value


def _same(name: str, stored: Any, given: Any) -> bool:
    """Equal; limits equal to the 16 significant digits a workbook's numbers keep."""
    if name in NUMBERS and stored is not None and given is not None:
        return math.isclose(stored, given, rel_tol=1e-15, abs_tol=0.0)
    return bool(stored == given)


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "nothing"
    text = repr(value) if isinstance(value, float) else str(value)
    return f"“{text if len(text) <= 60 else text[:57] + '…'}”"


def no_device_text(channel: Channel) -> str:
    name = channel.name if len(channel.name) <= 80 else f"{channel.name[:77]}…"
    named = f"serial {channel.serial} or name “{name}”" if channel.serial else f"name “{name}”"
    return (f"no device with {named}; add the device first, or import with "
            "“create devices” (--create-devices)")  # fmt: skip
