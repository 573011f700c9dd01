"""What an export carries besides the readings and the devices: the devices' calibration
records and their history of changes (the audit trail), as tables a spreadsheet reads.

Both are read in the export's own snapshot, for the export's devices (archived ones too when
chosen), oldest first. A workbook holds them in its "Calibrations" and "History" sheets.
"""

import json
from datetime import date
from typing import Any

from core.db import DriverConnection, as_uuid, in_chunks, uid_value
from core.exporting.job import ExportDevice, TableCell

CALIBRATION_HEADER = ("Device", "Date", "Performed by", "Laboratory", "Certificate",
                      "Reference standard", "As found", "As found values", "As left",
                      "As left values", "Next due", "Notes", "Files")  # fmt: skip
HISTORY_HEADER = ("When (UTC)", "Who", "Device", "Subject", "Subject id", "Action", "Field",
                  "Before", "After", "Why")  # fmt: skip

_CALIBRATIONS_SQL = (
    "SELECT c.device_id, c.performed_on, c.performed_by, c.lab, c.certificate_number, "
    "c.reference_standard, c.as_found, c.as_found_values, c.as_left, c.as_left_values, "
    "c.next_due, c.notes, (SELECT count(*) FROM calibration_files AS f "
    "WHERE f.calibration_id = c.id) FROM calibrations AS c WHERE c.device_id IN ({marks}) "
    "ORDER BY c.performed_on, c.id"
)
_HISTORY_SQL = (
    "SELECT at, who, device_uid, subject, subject_id, action, field, old_value, new_value, "
    "reason FROM changes WHERE device_uid IN ({marks}) ORDER BY at, id"
)


def calibration_rows(conn: DriverConnection, devices: list[ExportDevice]) -> list[list[TableCell]]:
    """Each calibration of the devices: the device's name, then the record's fields (the
    laboratory "in-house" when it was done there), and how many files are attached."""
    names = {d.id: d.name for d in devices}
    found: list[list[TableCell]] = []
    for chunk in in_chunks(list(names)):
        sql = _CALIBRATIONS_SQL.format(marks=", ".join("?" * len(chunk)))
        for row in conn.execute(sql, chunk).fetchall():
            device_id, performed_on, by, lab, *rest, next_due, notes, files = row
            found.append([names[device_id], _day(performed_on), by, lab or "in-house", *rest,
                          _day(next_due), notes, float(files)])  # fmt: skip
    return sorted(found, key=lambda cells: (str(cells[0]).casefold(), str(cells[1])))


def history_rows(conn: DriverConnection, devices: list[ExportDevice]) -> list[list[TableCell]]:
    """Each recorded change of the devices: when (epoch ms, UTC), who, the device's name, what
    changed, and the values before and after as they were (text, or numbers)."""
    names = {d.uid: d.name for d in devices if d.uid is not None}
    found: list[list[TableCell]] = []
    for chunk in in_chunks(list(names)):
        sql = _HISTORY_SQL.format(marks=", ".join("?" * len(chunk)))
        for row in conn.execute(sql, [uid_value(conn, uid) for uid in chunk]).fetchall():
            at, who, device, subject, subject_id, action, field, old, new, reason = row
            found.append([int(at), who, names[as_uuid(device)], subject, float(subject_id),
                          action, field, _value(old), _value(new), reason])  # fmt: skip
    return sorted(found, key=lambda cells: cells[0] if isinstance(cells[0], int) else 0)


def _day(value: Any) -> date | None:
    """A date as a driver returns it: SQLite's ISO text, psycopg's date."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _value(stored: str | None) -> TableCell:
    """A value of the trail (JSON) as a cell: text as text, a number as a number, anything
    else (a device's fields when it was made) as its JSON."""
    if stored is None:
        return None
    value = json.loads(stored)
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return json.dumps(value, ensure_ascii=False)
    return float(value) if isinstance(value, int | float) else value
