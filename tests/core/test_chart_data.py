"""The chart's series: each device's current readings, in time order, with their ids."""

import numpy as np

from core.chart_data import chart_series, limit_flags
from core.db import Database
from core.devices import DeviceFields, DeviceRecord, create_device
from core.readings import LimitFlag, correct_reading
from tests.core.readings_support import T0, add_at
from tests.databases import both_databases  # noqa: F401  (db: SQLite, then PostgreSQL)


def test_limit_flags_agree_with_limit_flag_of() -> None:
    values = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
    for low, high in ((2.0, 4.0), (None, 4.0), (2.0, None), (None, None)):
        expected = [LimitFlag.of(v, low, high) for v in values]
        names = {-1: LimitFlag.BELOW, 0: LimitFlag.WITHIN, 1: LimitFlag.ABOVE}
        assert [names[f] for f in limit_flags(values, low, high).tolist()] == expected


def test_chart_series_is_in_time_order_in_seconds_and_carries_ids(
    db: Database, gauge: DeviceRecord
) -> None:
    ids = [add_at(db, gauge, v, h) for h, v in ((2, 3.0), (0, 1.5), (1, 4.5))]
    (one,) = chart_series(db, [gauge.id])
    start = T0.timestamp()  # 2026-03-01 12:00 UTC
    assert one.times_s.tolist() == [start, start + 3600, start + 7200]
    assert one.values.tolist() == [1.5, 4.5, 3.0]
    assert one.ids.tolist() == [ids[1], ids[2], ids[0]]
    assert one.times_s.dtype == np.float64 and one.ids.dtype == np.int64
    assert (one.name, one.serial, one.unit, one.low, one.high) == ("Gauge", "G-1", "bar", 2.0, 4.0)
    assert one.flagged.tolist() == [True, True, False]


def test_chart_series_leaves_out_corrected_originals_and_missing_devices(
    db: Database, gauge: DeviceRecord
) -> None:
    first = add_at(db, gauge, 9.0, 0)
    fixed = correct_reading(db, first, value=3.0, reason="typed wrong")
    (one,) = chart_series(db, [gauge.id, 999_999])
    assert one.ids.tolist() == [fixed.id] and one.values.tolist() == [3.0]


def test_a_device_without_readings_gives_an_empty_series(db: Database) -> None:
    quiet = create_device(db, DeviceFields(name="Quiet"))
    (one,) = chart_series(db, [quiet.id])
    assert len(one.times_s) == len(one.values) == len(one.ids) == 0
    assert one.unit == "" and one.visible(0, 1e12) == slice(0, 0)
