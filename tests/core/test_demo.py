"""Sample data: realistic, repeatable, with the cases a newcomer should see."""

from datetime import UTC, date, datetime

import numpy as np

from core.chart_data import chart_series
from core.demo import create_demo
from core.devices import list_devices
from core.launch import LaunchResult, open_database
from core.readings import LimitFlag, count_readings, list_readings


def test_demo_data_has_devices_rounds_loggers_and_excursions(launched: LaunchResult) -> None:
    db = launched.database
    steps: list[str] = []
    summary = create_demo(db, devices=10, years=0.5, progress=steps.append)
    devices = list_devices(db)
    assert summary.devices == len(devices) == 10 == len(steps)
    assert summary.readings == count_readings(db) > 2000
    assert all(d.default_unit and d.serial_number and d.location for d in devices)
    overdue = [d for d in devices if d.calibration_overdue(date.today())]
    assert 0 < len(overdue) < len(devices)
    flagged = [
        r
        for d in devices
        for r in list_readings(db, d.id, limit=None)
        if r.flag != LimitFlag.WITHIN
    ]
    assert flagged, "sample data must show out-of-limit readings"
    logger = next(d for d in devices if count_readings(db, d.id) > 10_000)
    (one,) = chart_series(db, [logger.id])
    assert set(np.diff(one.times_s)) == {15 * 60.0}


def test_the_same_seed_gives_the_same_readings(launched: LaunchResult, tmp_path) -> None:
    other = open_database(tmp_path / "other.db")
    try:
        end = datetime(2026, 6, 1, tzinfo=UTC)
        first = create_demo(launched.database, devices=4, years=0.2, seed=3, end=end)
        second = create_demo(other.database, devices=4, years=0.2, seed=3, end=end)
        assert first == second
        (a,) = (s.values for s in chart_series(launched.database, [1]))
        (b,) = (s.values for s in chart_series(other.database, [1]))
        assert np.array_equal(a, b)
    finally:
        other.database.close()
