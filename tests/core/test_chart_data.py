"""The chart's series, its CSV of a visible range, and the readings table's pages."""

import csv
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from core.chart_data import (
    ChartSeries,
    chart_series,
    limit_flags,
    readings_page,
    write_atomically,
)
from core.db import Database
from core.devices import DeviceFields, DeviceRecord, create_device
from core.models import ReadingSource
from core.readings import LimitFlag, NewReading, add_reading, correct_reading, series

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def gauge(db: Database) -> DeviceRecord:
    fields = DeviceFields(
        name="Gauge", serial_number="G-1", default_unit="bar", low_limit=2.0, high_limit=4.0
    )
    return create_device(db, fields)


def _add(db: Database, device: DeviceRecord, value: float, hours: float, **kw: object) -> int:
    moment = T0 + timedelta(hours=hours)
    return add_reading(db, NewReading(device.id, value, moment, **kw)).id  # type: ignore[arg-type]


def test_limit_flags_agree_with_limit_flag_of() -> None:
    values = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
    for low, high in ((2.0, 4.0), (None, 4.0), (2.0, None), (None, None)):
        expected = [LimitFlag.of(v, low, high) for v in values]
        names = {-1: LimitFlag.BELOW, 0: LimitFlag.WITHIN, 1: LimitFlag.ABOVE}
        assert [names[f] for f in limit_flags(values, low, high).tolist()] == expected


def test_chart_series_matches_the_core_series_and_carries_ids(
    db: Database, gauge: DeviceRecord
) -> None:
    ids = [_add(db, gauge, v, h) for h, v in ((2, 3.0), (0, 1.5), (1, 4.5))]
    (one,) = chart_series(db, [gauge.id])
    expected = series(db, gauge.id)
    assert np.array_equal(one.times_s, expected.times_s)
    assert np.array_equal(one.values, expected.values)
    assert one.ids.tolist() == [ids[1], ids[2], ids[0]]
    assert one.times_s.dtype == np.float64 and one.ids.dtype == np.int64
    assert (one.name, one.serial, one.unit, one.low, one.high) == ("Gauge", "G-1", "bar", 2.0, 4.0)
    assert one.flagged.tolist() == [True, True, False]


def test_chart_series_leaves_out_corrected_originals_and_missing_devices(
    db: Database, gauge: DeviceRecord
) -> None:
    first = _add(db, gauge, 9.0, 0)
    fixed = correct_reading(db, first, value=3.0)
    (one,) = chart_series(db, [gauge.id, 999_999])
    assert one.ids.tolist() == [fixed.id] and one.values.tolist() == [3.0]


def test_a_device_without_readings_gives_an_empty_series(db: Database) -> None:
    quiet = create_device(db, DeviceFields(name="Quiet"))
    (one,) = chart_series(db, [quiet.id])
    assert len(one.times_s) == len(one.values) == len(one.ids) == 0
    assert one.unit == "" and one.visible(0, 1e12) == slice(0, 0)


def _series(times_s: list[float], values: list[float], name: str = "Gauge") -> ChartSeries:
    return ChartSeries(
        1,
        name,
        "G-1",
        "bar",
        2.0,
        4.0,
        np.array(times_s, dtype=np.float64),
        np.array(values),
        np.arange(1, len(values) + 1),
    )


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    path.write_text("old", encoding="utf-8")

    def half(tmp: Path) -> None:
        tmp.write_text("half", encoding="utf-8")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        write_atomically(path, half)
    with pytest.raises(OSError, match="Could not write"):
        write_atomically(path, lambda _tmp: False)
    assert path.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


@pytest.fixture
def history(db: Database, gauge: DeviceRecord) -> Iterator[dict[str, int]]:
    probe = create_device(db, DeviceFields(name="Probe", default_unit="°C"))
    made = {
        "old": _add(db, gauge, 3.0, 0, operator="Ana", note="first"),
        "high": _add(db, gauge, 9.0, 1, source=ReadingSource.IMPORT),
        "probe": _add(db, probe, 20.0, 2),
        "late": _add(db, gauge, 1.0, 3),
    }
    made["fix"] = correct_reading(db, made["high"], value=3.5).id
    made["probe_id"] = probe.id
    yield made


def test_a_page_is_newest_first_with_corrections_both_ways(
    db: Database, gauge: DeviceRecord, history: dict[str, int]
) -> None:
    rows = readings_page(db, [gauge.id, history["probe_id"]])
    assert [r.id for r in rows] == [
        history["late"],
        history["probe"],
        history["fix"],
        history["high"],
        history["old"],
    ]
    by_id = {r.id: r for r in rows}
    assert by_id[history["high"]].corrected_by == history["fix"]
    assert by_id[history["high"]].superseded and not by_id[history["fix"]].superseded
    assert by_id[history["fix"]].corrects_id == history["high"]
    assert by_id[history["high"]].flag is LimitFlag.ABOVE
    assert by_id[history["late"]].flag is LimitFlag.BELOW
    assert by_id[history["high"]].source is ReadingSource.IMPORT
    old = by_id[history["old"]]
    assert (old.operator, old.note, old.device_name, old.unit) == ("Ana", "first", "Gauge", "bar")


def test_pages_follow_each_other_by_key_and_respect_the_range(
    db: Database, gauge: DeviceRecord, history: dict[str, int]
) -> None:
    ids = [gauge.id, history["probe_id"]]
    everything = [r.id for r in readings_page(db, ids)]
    pages, after = [], None
    while page := readings_page(db, ids, after=after, limit=2):
        pages += [r.id for r in page]
        after = page[-1].key
    assert pages == everything
    start, end = (int((T0 + timedelta(hours=h)).timestamp() * 1000) for h in (1, 3))
    inside = readings_page(db, ids, start, end)
    assert [r.id for r in inside] == [history["probe"], history["fix"], history["high"]]
    assert readings_page(db, []) == []


def test_readings_at_the_same_moment_are_paged_without_loss(
    db: Database, gauge: DeviceRecord
) -> None:
    same = [_add(db, gauge, 3.0, 0) for _ in range(5)]
    first = readings_page(db, [gauge.id], limit=2)
    rest = readings_page(db, [gauge.id], after=first[-1].key, limit=10)
    assert [r.id for r in first + rest] == sorted(same, reverse=True)
