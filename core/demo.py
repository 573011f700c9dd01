"""Sample data: a plant's worth of instruments with years of readings, for newcomers and demos.

The rows are made with a seeded random generator, so the same seed gives the same database.
Readings follow each quantity's daily and seasonal rhythm, with drift, noise and the occasional
excursion beyond the device's limits, as real rounds do.
"""

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from core.calibration import NewCalibration, record_calibration
from core.db import Database
from core.devices import DeviceFields, DeviceRecord, create_device
from core.models import CalibrationResult, DeviceStatus, ReadingSource
from core.progress import Say
from core.readings import insert_sql
from core.timeutil import now_ms, to_epoch_ms

DAY_MS = 86_400_000
OPERATORS = ("A. Okafor", "M. Lindqvist", "J. Tanaka", "S. Moreau", "R. Patel")
NOTES = (
    "Gauge glass fogged, tapped before reading",
    "Reading after pump changeover",
    "Checked against handheld reference",
    "Value steady for 5 min",
    "Alarm acknowledged on panel",
)


@dataclass(frozen=True)
class Kind:
    """One sort of instrument: what it measures and how its readings behave."""

    tag: str  # the instrument tag prefix, as on a P&ID
    device_type: str
    unit: str
    mean: float
    daily: float  # amplitude of the day/night swing
    seasonal: float  # amplitude of the summer/winter swing
    noise: float
    low: float | None
    high: float | None
    models: tuple[tuple[str, str], ...]


KINDS = (
    Kind("PI", "Pressure gauge", "bar", 4.2, 0.15, 0.3, 0.06, 3.5, 5.0,
         (("WIKA", "232.50"), ("Ashcroft", "1279"))),
    Kind("TT", "Temperature transmitter", "°C", 62.0, 2.5, 6.0, 0.8, 50.0, 75.0,
         (("Endress+Hauser", "TMT82"), ("Rosemount", "644"))),
    Kind("FT", "Flow meter", "m³/h", 38.0, 6.0, 4.0, 1.5, 20.0, 55.0,
         (("Krohne", "Optiflux 4300"), ("Siemens", "Sitrans FM MAG 5000"))),
    Kind("AT", "pH meter", "pH", 7.3, 0.05, 0.1, 0.08, 6.5, 8.5,
         (("Hach", "SC200"), ("Mettler Toledo", "M300"))),
    Kind("CIT", "Conductivity sensor", "µS/cm", 410.0, 10.0, 35.0, 8.0, None, 500.0,
         (("Hach", "3798-S"),)),
    Kind("VT", "Vibration sensor", "mm/s", 2.1, 0.3, 0.2, 0.25, None, 4.5,
         (("SKF", "CMSS 2200"), ("IFM", "VSA001"))),
    Kind("TI", "Room thermometer", "°C", 21.5, 1.2, 3.0, 0.3, 15.0, 28.0, (("Testo", "174T"),)),
    Kind("PDT", "Differential pressure", "mbar", 120.0, 8.0, 5.0, 3.0, 80.0, 160.0,
         (("Dwyer", "DM-2000"), ("Yokogawa", "EJA110E"))),
)  # fmt: skip
PLACES = (
    "Boiler house", "Pump room 1", "Pump room 2", "Cooling tower", "Filter hall",
    "Chiller plant", "Substation B", "Roof plant room", "Water treatment", "Basement tanks",
)  # fmt: skip


@dataclass(frozen=True)
class DemoSummary:
    devices: int
    readings: int


def create_demo(
    db: Database, *, seed: int = 7, devices: int = 36, years: float = 3.0,
    end: datetime | None = None, progress: Say | None = None,
) -> DemoSummary:  # fmt: skip
    """Fill ``db`` with ``devices`` instruments and ``years`` of rounds ending at ``end`` (now)."""
    rng = random.Random(seed)
    report = progress or (lambda _message: None)
    end_ms = to_epoch_ms(end) if end else now_ms() - now_ms() % 60_000
    start_ms = end_ms - int(years * 365 * DAY_MS)
    total = 0
    for number in range(devices):
        kind = KINDS[number % len(KINDS)]
        report(f"Creating sample device {number + 1} of {devices}")
        device = create_device(db, _device_fields(rng, kind, number))
        _calibrations(db, device, random.Random(seed * 1000 + number), start_ms)
        device_id = device.id
        rows = list(_rounds(rng, kind, device_id, start_ms, end_ms, logger=number % 9 == 4))
        _insert(db, rows)
        total += len(rows)
    return DemoSummary(devices, total)


def _device_fields(rng: random.Random, kind: Kind, number: int) -> DeviceFields:
    manufacturer, model = rng.choice(kind.models)
    place = PLACES[number % len(PLACES)]
    overdue = number % 7 == 3  # a few, so that the table shows what overdue looks like
    due = date.today() + timedelta(days=-rng.randint(5, 90) if overdue else rng.randint(20, 400))
    status = DeviceStatus.ACTIVE
    if number % 17 == 11:
        status = DeviceStatus.OUT_OF_SERVICE
    return DeviceFields(
        name=f"{kind.tag}-{number + 101} {place}",
        serial_number=f"{manufacturer[:2].upper()}{rng.randint(100000, 999999)}",
        device_type=kind.device_type,
        manufacturer=manufacturer,
        model=model,
        location=place,
        default_unit=kind.unit,
        low_limit=kind.low,
        high_limit=kind.high,
        calibration_due=due,
        calibration_interval_days=CALIBRATION_INTERVAL_DAYS,
        status=status,
        notes="Sample device created by FieldLog's demo data." if number == 0 else None,
    )


CALIBRATION_INTERVAL_DAYS = 365
LABS = (None, "Metrolab GmbH", None, "Kalibrierdienst Nord")  # None: in-house
TECHNICIANS = ("A. Souza", "J. Weber", "M. Dubois", "K. Tanaka")


def _calibrations(db: Database, device: DeviceRecord, rng: random.Random, start_ms: int) -> None:
    """A calibration a year, the latest one setting the device's due date, back to the
    start of the sample's readings (each its own random stream: the readings stay the same)."""
    due = device.calibration_due
    assert due is not None
    interval = timedelta(days=CALIBRATION_INTERVAL_DAYS)
    days, day = [], due - interval
    while to_epoch_ms(datetime.combine(day, datetime.min.time(), UTC)) > start_ms:
        if day <= date.today():
            days.append(day)
        day -= interval
    for n, day in enumerate(reversed(days)):
        lab = LABS[rng.randrange(len(LABS))]
        drifted = rng.random() < 0.3
        record_calibration(db, NewCalibration(
            device.id, day, CalibrationResult.ADJUSTED if drifted else CalibrationResult.PASS,
            performed_by=rng.choice(TECHNICIANS), lab=lab,
            certificate_number=f"{'LAB' if lab else 'IH'}-{day.year}-{rng.randint(100, 999)}",
            reference_standard="Fluke 754 s/n 4411-2207" if lab is None else None,
            as_found=CalibrationResult.FAIL if drifted else CalibrationResult.PASS,
            as_found_values=f"{rng.uniform(-2.5, 2.5):+.1f} % of span" if drifted else None,
            as_left_values=f"{rng.uniform(-0.3, 0.3):+.2f} % of span",
            notes="span adjusted" if drifted else None,
            next_due=day + interval if n < len(days) - 1 else due,
        ))  # fmt: skip


def _times(rng: random.Random, start_ms: int, end_ms: int, logger: bool) -> Iterator[int]:
    """A logger every 15 minutes; a technician's round once or twice a working day."""
    if logger:
        yield from range(start_ms, end_ms, 15 * 60_000)
        return
    day = start_ms - start_ms % DAY_MS
    while day < end_ms:
        weekday = datetime.fromtimestamp(day / 1000, UTC).weekday()
        if weekday < 5 and rng.random() < 0.9:
            for hour in (7.5, 14.0)[: rng.choice((1, 2))]:
                moment = day + int((hour + rng.uniform(-0.5, 0.5)) * 3_600_000)
                if start_ms <= moment < end_ms:
                    yield moment
        day += DAY_MS


def _rounds(
    rng: random.Random, kind: Kind, device_id: int, start_ms: int, end_ms: int, logger: bool
) -> Iterator[tuple[object, ...]]:
    drift = rng.uniform(-0.05, 0.05) * kind.mean / (365 * DAY_MS)
    source = int(ReadingSource.IMPORT if logger else ReadingSource.MANUAL)
    for moment in _times(rng, start_ms, end_ms, logger):
        value = _value(rng, kind, moment) + drift * (moment - start_ms)
        operator = None if logger else rng.choice(OPERATORS)
        note = rng.choice(NOTES) if not logger and rng.random() < 0.03 else None
        yield (device_id, moment, round(value, 3), kind.unit, operator, note, source, moment)


def _value(rng: random.Random, kind: Kind, moment: int) -> float:
    day_phase = 2 * math.pi * (moment % DAY_MS) / DAY_MS
    year_phase = 2 * math.pi * (moment % (365 * DAY_MS)) / (365 * DAY_MS)
    value = (
        kind.mean + kind.daily * math.sin(day_phase - 2.0) + kind.seasonal * math.sin(year_phase)
    )
    value += rng.gauss(0, kind.noise)
    if rng.random() < 0.012:  # an excursion: a fault, a blocked filter, a stuck valve
        span = (kind.high or kind.mean * 1.3) - (kind.low or kind.mean * 0.7)
        value += rng.choice((-1, 1)) * rng.uniform(0.45, 0.8) * span
    return value


_INSERT = insert_sql(("device_id", "recorded_at", "value", "unit", "operator", "note", "source",
                      "created_at"))  # fmt: skip


def _insert(db: Database, rows: list[tuple[object, ...]]) -> None:
    """Raw executemany in one transaction: sample data is bulk data (docs/PERFORMANCE.md)."""
    with db.driver_write() as conn:
        conn.executemany(_INSERT, rows)
