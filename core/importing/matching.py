"""Which device each channel of an imported file goes to.

Through ``device_map`` (the wizard's choice), else by serial number (only when one channel of
the file carries that serial: a logger's serial names the logger, not each of its columns),
else by exact name. A channel with no device gets one made for it when ``create_devices`` is
set (recorded as made by the batch, so that undoing the batch can remove it); otherwise its
rows are rejected with a message saying how to go on.
"""

from collections import Counter
from dataclasses import dataclass

from core.db import DriverConnection, inserted_id, uid_value
from core.errors import NotFoundError
from core.ids import uuid7
from core.importing.parsed import Channel, ParsedFile

_DEVICES_SQL = (
    "SELECT id, name, serial_number, default_unit, low_limit, high_limit, archived_at "
    "FROM devices ORDER BY archived_at IS NOT NULL, id"
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

    def resolve(self, device_map: dict[str, int], create: bool) -> list[Target | None]:
        """Each channel's device, in channel order: None where there is none (its rows are
        rejected)."""
        rows = self.conn.execute(_DEVICES_SQL).fetchall()
        by_id = {row[0]: row for row in rows}
        by_serial: dict[str, list[tuple]] = {}  # type: ignore[type-arg]
        by_name: dict[str, list[tuple]] = {}  # type: ignore[type-arg]
        for row in rows:
            if row[2]:
                by_serial.setdefault(row[2], []).append(row)
            by_name.setdefault(row[1], []).append(row)
        channels = self.parsed.channels
        serial_uses = Counter(channel.serial for channel in channels if channel.serial)
        targets: list[Target | None] = []
        for channel in channels:
            target: Target | None = None
            if channel.key in device_map:
                chosen = by_id.get(device_map[channel.key])
                if chosen is None:
                    raise NotFoundError(
                        f"There is no device with id {device_map[channel.key]} "
                        f"(chosen for {channel.column or channel.key})."
                    )
                target = _matched(chosen, "chosen")
            elif (
                channel.serial and serial_uses[channel.serial] == 1 and channel.serial in by_serial
            ):
                target = _matched(by_serial[channel.serial][0], "serial")
            elif channel.name in by_name:
                target = _matched(by_name[channel.name][0], "name")
            elif create:
                target = self._create(channel)
                by_name.setdefault(channel.name, []).append(
                    (target.device_id, channel.name, channel.serial, channel.unit, None, None, None)
                )
            targets.append(target)
        return targets

    def _create(self, channel: Channel) -> Target:
        stamp = self.created_at
        made = inserted_id(
            self.conn,
            "INSERT INTO devices (uid, name, serial_number, device_type, default_unit, status, "
            "notes, created_at, updated_at, batch_id) VALUES (?, ?, ?, ?, ?, 'active', ?, ?, ?, ?)",
            (uid_value(self.conn, uuid7()), channel.name[:200], channel.serial, channel.quantity,
             channel.unit or None, f"Created by importing {self.parsed.path.name}.", stamp, stamp,
             self.batch_id),
        )  # fmt: skip
        return Target(made, channel.name, channel.unit, None, None, "created")


def _matched(row: tuple, how: str) -> Target:  # type: ignore[type-arg]
    return Target(row[0], row[1], row[3] or "", row[4], row[5], how)


def no_device_text(channel: Channel) -> str:
    named = f"serial {channel.serial} or name “{channel.name}”" if channel.serial else (
        f"name “{channel.name}”")  # fmt: skip
    return (f"no device with {named}; add the device first, or import with "
            "“create devices” (--create-devices)")  # fmt: skip
