"""``fieldlog calibration``: record a device's calibration from its certificate, and list them.

The same service the window calls (``core.calibration``), imported inside each command.
"""

import argparse
from datetime import date
from pathlib import Path

from core.cli.common import EXIT_OK, Groups, add_command, add_group, device_id_of, open_db

RESULTS = ("pass", "fail", "adjusted")


def add_commands(groups: Groups) -> None:
    calibration = add_group(groups, "calibration", "record and list calibrations")
    add = add_command(calibration, "add", _add, help="record a calibration of a device")
    add.add_argument("device", help="device id or serial number")
    add.add_argument("--date", dest="performed_on", type=date.fromisoformat, default=None,
                     help="the day it was done, YYYY-MM-DD (default: today)")  # fmt: skip
    add.add_argument("--as-left", required=True, choices=RESULTS,
                     help="what the device was left as")  # fmt: skip
    add.add_argument("--as-found", choices=RESULTS, help="what the calibration found first")
    add.add_argument("--as-found-values", help="the readings against the reference, as found")
    add.add_argument("--as-left-values", help="the readings against the reference, as left")
    add.add_argument("--by", dest="performed_by", help="who performed it")
    add.add_argument("--lab", help="the laboratory that did it (default: in-house)")
    add.add_argument("--certificate", dest="certificate_number", help="the certificate number")
    add.add_argument("--reference", dest="reference_standard",
                     help="the reference standard used")  # fmt: skip
    add.add_argument("--next-due", type=date.fromisoformat,
                     help="YYYY-MM-DD, as the certificate gives it (default: the date plus the "
                          "device's calibration interval)")  # fmt: skip
    add.add_argument("--notes")
    add.add_argument("--file", dest="files", type=Path, action="append", default=[],
                     help="a file to attach (a certificate, a photo); repeat for more")  # fmt: skip
    listing = add_command(calibration, "list", _list, help="list a device's calibrations")
    listing.add_argument("device", help="device id or serial number")


def _add(args: argparse.Namespace) -> int:
    from core.calibration import NewCalibration, record_calibration
    from core.models import CalibrationResult

    db = open_db(args)
    try:
        new = NewCalibration(
            device_id_of(db, args.device), args.performed_on or date.today(),
            CalibrationResult(args.as_left), performed_by=args.performed_by, lab=args.lab,
            certificate_number=args.certificate_number,
            reference_standard=args.reference_standard,
            as_found=None if args.as_found is None else CalibrationResult(args.as_found),
            as_found_values=args.as_found_values, as_left_values=args.as_left_values,
            notes=args.notes, next_due=args.next_due, files=tuple(args.files),
        )  # fmt: skip
        made = record_calibration(db, new)
    finally:
        db.close()
    due = f"; next due {made.next_due.isoformat()}" if made.next_due else "; no next due date"
    attached = f", {len(made.files)} file(s) attached" if made.files else ""
    print(f"calibration {made.id} recorded: {made.performed_on.isoformat()}, "
          f"as left {made.as_left.value}{attached}{due}")  # fmt: skip
    return EXIT_OK


def _list(args: argparse.Namespace) -> int:
    from core.calibration import list_calibrations

    db = open_db(args, write=False)
    try:
        found = list_calibrations(db, device_id_of(db, args.device))
    finally:
        db.close()
    for c in found:
        where = c.lab or "in-house"
        found_as = c.as_found.value if c.as_found else "-"
        due = c.next_due.isoformat() if c.next_due else "-"
        print(f"{c.id:>6}  {c.performed_on.isoformat()}  {where:<20} "
              f"{c.certificate_number or '-':<16} found {found_as:<8} left {c.as_left.value:<8} "
              f"next due {due}  {c.performed_by or ''}")  # fmt: skip
        for f in c.files:
            print(f"        file {f.name} ({f.size:,} bytes, sha256 {f.sha256[:12]}…)")
    return EXIT_OK
