"""``fieldlog device`` and ``fieldlog reading``: the inventory and its readings, one at a time.

The same services the window calls (``core.devices``, ``core.readings``), imported inside each
command so that ``fieldlog --help`` loads none of them.
"""

import argparse
import sys
from datetime import date, datetime

from core.cli.common import (
    DEVICE_HELP,
    EXIT_OK,
    Groups,
    add_command,
    add_group,
    device_id_of,
    end_moment,
    local_time,
    moment,
    number,
    open_db,
    typed_number,
)


def add_commands(groups: Groups) -> None:
    _add_device_commands(groups)
    _add_reading_commands(groups)


def _add_device_commands(groups: Groups) -> None:
    device = add_group(groups, "device", "add and list devices")
    add = add_command(device, "add", _device_add, help="add a device")
    add.add_argument("name")
    for option in ("serial", "type", "manufacturer", "model", "location", "unit", "notes"):
        add.add_argument(f"--{option}")
    add.add_argument("--low", type=number, help="low limit")
    add.add_argument("--high", type=number, help="high limit")
    add.add_argument("--calibration-due", type=date.fromisoformat, help="YYYY-MM-DD")
    add.add_argument("--calibrate-every", type=int, metavar="DAYS",
                     help="the calibration interval: a recorded calibration sets the next due "
                          "date this many days after it")  # fmt: skip
    listing = add_command(device, "list", _device_list, help="list devices")
    listing.add_argument("--filter", default="", help="text in name, serial, location or type")
    listing.add_argument("--archived", action="store_true", help="include archived devices")


def _add_reading_commands(groups: Groups) -> None:
    reading = add_group(groups, "reading", "add and list readings")
    add = add_command(reading, "add", _reading_add, help="add a reading")
    add.add_argument("device", help=DEVICE_HELP)
    add.add_argument("value", type=typed_number,
                     help="the value, with '.' as decimal separator")  # fmt: skip
    add.add_argument("--unit", help="default: the device's unit")
    add.add_argument("--at", type=moment,
                     help="date or ISO 8601 time; without an offset, local time")  # fmt: skip
    add.add_argument("--operator")
    add.add_argument("--note")
    listing = add_command(reading, "list", _reading_list, help="list a device's readings")
    listing.add_argument("device", help=DEVICE_HELP)
    listing.add_argument("--from", dest="start", type=moment, help="date or ISO 8601 time")
    listing.add_argument("--to", dest="end", type=end_moment,
                         help="date (the whole day is included) or ISO 8601 time")  # fmt: skip
    listing.add_argument("--limit", type=int, default=100)


def _device_add(args: argparse.Namespace) -> int:
    from core.devices import DeviceFields, create_device

    fields = DeviceFields(
        name=args.name,
        serial_number=args.serial,
        device_type=args.type,
        manufacturer=args.manufacturer,
        model=args.model,
        location=args.location,
        default_unit=args.unit,
        low_limit=args.low,
        high_limit=args.high,
        calibration_due=args.calibration_due,
        notes=args.notes,
        calibration_interval_days=args.calibrate_every,
    )
    db = open_db(args)
    try:
        device = create_device(db, fields)
    finally:
        db.close()
    print(f"device {device.id} added: {device.name} ({device.uid})")
    return EXIT_OK


def _device_list(args: argparse.Namespace) -> int:
    from core.devices import list_devices

    db = open_db(args, write=False)
    try:
        found = list_devices(
            db, filter_text=args.filter, include_archived=args.archived, limit=None
        )
    finally:
        db.close()
    for d in found:
        limits = f"{_blank(d.low_limit)}..{_blank(d.high_limit)}"
        print(
            f"{d.id:>6}  {d.name:<30} {_blank(d.serial_number):<14} {d.status.value:<14} "
            f"{_blank(d.default_unit):<6} {limits:<14} {_blank(d.location)}"
        )
    return EXIT_OK


def _reading_add(args: argparse.Namespace) -> int:
    from core.readings import LimitFlag, NewReading, add_reading

    db = open_db(args)
    try:
        device_id = device_id_of(db, args.device)
        at = args.at or datetime.now().astimezone()
        value, decimals = args.value
        new = NewReading(device_id, value, at, args.unit, args.operator, args.note,
                         decimals=decimals)  # fmt: skip
        saved = add_reading(db, new)
    finally:
        db.close()
    print(f"reading {saved.id} saved: {saved.text} {saved.unit} at {local_time(saved.recorded_at)}")
    if saved.flag is not LimitFlag.WITHIN:
        print(f"warning: the value is {saved.flag.value} the device's limits", file=sys.stderr)
    return EXIT_OK


def _reading_list(args: argparse.Namespace) -> int:
    from core.readings import list_readings

    db = open_db(args, write=False)
    try:
        device_id = device_id_of(db, args.device)
        found = list_readings(db, device_id, start=args.start, end=args.end, limit=args.limit)
    finally:
        db.close()
    for r in found:
        mark = "" if r.flag.value == "within" else f" [{r.flag.value} limits]"
        fixed = f" (corrects {r.corrects_id})" if r.corrects_id else ""
        print(
            f"{r.id:>8}  {local_time(r.recorded_at)}  {r.text:>12} {r.unit:<6} "
            f"{_blank(r.operator):<12} {_blank(r.note)}{mark}{fixed}"
        )
    return EXIT_OK


def _blank(value: object) -> str:
    return "" if value is None else str(value)
