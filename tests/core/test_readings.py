from datetime import UTC, datetime, timedelta, timezone

import pytest

from core.db import Database
from core.devices import DeviceFields, DeviceRecord, create_device
from core.errors import NotFoundError, ValidationError
from core.models import ReadingSource
from core.readings import (
    LimitFlag,
    NewReading,
    add_reading,
    correct_reading,
    count_readings,
    get_reading,
    global_id,
    latest_reading,
    list_readings,
    withdraw_reading,
)
from tests.databases import both_databases  # noqa: F401  (db: SQLite, then PostgreSQL)

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


@pytest.fixture
def gauge(db: Database) -> DeviceRecord:
    fields = DeviceFields(name="Gauge", default_unit="bar", low_limit=1.0, high_limit=5.0)
    return create_device(db, fields)


def _add(db: Database, device: DeviceRecord, value: float, minutes: int = 0, **kw) -> int:
    return add_reading(db, NewReading(device.id, value, T0 + timedelta(minutes=minutes), **kw)).id


def test_add_reading_takes_the_device_unit_and_stores_utc(
    db: Database, gauge: DeviceRecord
) -> None:
    local = datetime(2026, 3, 1, 10, 0, tzinfo=timezone(timedelta(hours=2)))
    saved = add_reading(db, NewReading(gauge.id, 2.5, local, operator=" Ana ", note="ok"))
    stored = get_reading(db, saved.id)
    assert stored == saved
    assert (stored.unit, stored.operator, stored.source) == ("bar", "Ana", ReadingSource.MANUAL)
    assert stored.recorded_at == T0 and stored.recorded_at.tzinfo == UTC


@pytest.mark.parametrize(
    ("value", "flag"),
    [
        (0.5, LimitFlag.BELOW),
        (1.0, LimitFlag.WITHIN),
        (5.0, LimitFlag.WITHIN),
        (9, LimitFlag.ABOVE),
    ],
)
def test_out_of_limit_values_are_flagged_never_clamped(db, gauge, value, flag) -> None:
    saved = add_reading(db, NewReading(gauge.id, value, T0))
    assert (saved.value, saved.flag) == (value, flag)
    assert get_reading(db, saved.id).value == value


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"value": float("nan")}, "value"),
        ({"value": float("inf")}, "value"),
        ({"recorded_at": datetime(2026, 3, 1)}, "recorded_at"),
        ({"unit": "u" * 33}, "unit"),
        ({"operator": "o" * 101}, "operator"),
    ],
)
def test_bad_readings_are_refused_and_nothing_is_written(db, gauge, change, field) -> None:
    values = {"device_id": gauge.id, "value": 1.0, "recorded_at": T0} | change
    with pytest.raises(ValidationError) as raised:
        add_reading(db, NewReading(**values))
    assert field in raised.value.problems
    assert count_readings(db) == 0


def test_a_reading_in_another_unit_is_refused_naming_the_device_unit(db, gauge) -> None:
    with pytest.raises(ValidationError) as raised:
        add_reading(db, NewReading(gauge.id, 58.0, T0, unit="psi"))
    assert "psi differs from bar, the unit of “Gauge”" in raised.value.problems["unit"]
    assert "give the value in bar" in raised.value.problems["unit"]
    assert count_readings(db) == 0
    assert add_reading(db, NewReading(gauge.id, 4.0, T0, unit="bar")).unit == "bar"


def test_a_device_without_a_unit_takes_any_unit(db: Database) -> None:
    loose = create_device(db, DeviceFields(name="Probe"))
    assert add_reading(db, NewReading(loose.id, 4.0, T0, unit="mV")).unit == "mV"


def test_a_correction_in_another_unit_is_refused(db, gauge) -> None:
    original = _add(db, gauge, 2.0)
    with pytest.raises(ValidationError, match="psi differs from bar"):
        correct_reading(db, original, value=30.0, unit="psi", reason="typed wrong")
    assert get_reading(db, original).superseded is False


def test_reading_for_a_missing_device_is_refused(db: Database) -> None:
    with pytest.raises(NotFoundError, match="device"):
        add_reading(db, NewReading(99, 1.0, T0))


def test_correction_keeps_the_original(db: Database, gauge: DeviceRecord) -> None:
    original = _add(db, gauge, 2.0, note="typo")
    fixed = correct_reading(db, original, value=3.0, reason="typed wrong")
    assert (fixed.value, fixed.corrects_id, fixed.note, fixed.unit) == (
        3.0,
        original,
        "typo",
        "bar",
    )
    kept = get_reading(db, original)
    assert (kept.value, kept.superseded) == (2.0, True)
    assert [r.id for r in list_readings(db, gauge.id)] == [fixed.id]
    assert {r.id for r in list_readings(db, gauge.id, include_superseded=True)} == {
        original,
        fixed.id,
    }


def test_a_superseded_reading_cannot_be_corrected_again(db: Database, gauge: DeviceRecord) -> None:
    original = _add(db, gauge, 2.0)
    correct_reading(db, original, value=3.0, reason="typed wrong")
    with pytest.raises(ValidationError, match="already corrected"):
        correct_reading(db, original, value=4.0, reason="typed wrong")


def test_list_readings_filters_by_range_and_orders(db: Database, gauge: DeviceRecord) -> None:
    ids = [_add(db, gauge, float(i), minutes=i) for i in range(5)]
    window = list_readings(
        db, gauge.id, start=T0 + timedelta(minutes=1), end=T0 + timedelta(minutes=4)
    )
    assert [r.id for r in window] == ids[3:0:-1]
    assert [r.id for r in list_readings(db, gauge.id, newest_first=False, limit=2)] == ids[:2]
    latest = latest_reading(db, gauge.id)
    assert latest is not None and latest.id == ids[-1]


def test_global_id_is_the_local_origin_and_rowid(db: Database, gauge: DeviceRecord) -> None:
    first, second = _add(db, gauge, 1.0), _add(db, gauge, 2.0)
    origin_a, seq_a = global_id(db, first)
    origin_b, seq_b = global_id(db, second)
    assert origin_a == origin_b and (seq_a, seq_b) == (first, second)


def test_every_database_has_its_own_origin(tmp_path) -> None:
    from core.launch import open_database

    origins = []
    for name in ("a.db", "b.db"):
        result = open_database(tmp_path / name)
        with result.database.driver_read() as conn:
            origins.append(conn.execute("SELECT uid FROM origins WHERE is_local").fetchall())
        result.database.close()
    assert len(origins[0]) == 1 and origins[0] != origins[1]


def test_withdrawing_an_entry_deletes_it(launched) -> None:
    db = launched.database
    device = create_device(db, DeviceFields(name="Gauge", default_unit="bar"))
    entry = add_reading(db, NewReading(device.id, 1.5, datetime(2026, 1, 1, tzinfo=UTC)))
    withdrawn = withdraw_reading(db, entry.id)
    assert withdrawn.value == 1.5
    assert count_readings(db, device.id) == 0


def test_withdrawing_a_correction_makes_the_original_current_again(launched) -> None:
    db = launched.database
    device = create_device(db, DeviceFields(name="Gauge", default_unit="bar"))
    original = add_reading(db, NewReading(device.id, 1.5, datetime(2026, 1, 1, tzinfo=UTC)))
    correction = correct_reading(db, original.id, value=1.6, reason="typed wrong")
    with pytest.raises(ValidationError, match="corrected since"):
        withdraw_reading(db, original.id)
    withdraw_reading(db, correction.id)
    again = get_reading(db, original.id)
    assert not again.superseded and count_readings(db, device.id) == 1


def test_the_typed_resolution_is_kept_and_a_correction_brings_its_own(db, gauge) -> None:
    from core.reading_pages import readings_page

    saved = add_reading(db, NewReading(gauge.id, 4.0, T0, decimals=2))
    assert (saved.decimals, saved.text) == (2, "4.00")
    assert get_reading(db, saved.id).text == "4.00"
    assert [r.text for r in readings_page(db, [gauge.id])] == ["4.00"]
    noted = correct_reading(db, saved.id, note="checked", reason="typed wrong")
    assert noted.text == "4.00"  # the value stays, so does its resolution
    fixed = correct_reading(db, noted.id, value=4.5, decimals=1, reason="typed wrong")
    assert fixed.text == "4.5"
    plain = add_reading(db, NewReading(gauge.id, 1234.5678, T0 + timedelta(minutes=1)))
    assert plain.decimals is None and plain.text == "1234.5678"


def test_the_one_driver_insert_binds_what_varies_and_writes_the_rest_once() -> None:
    from core.readings import insert_sql

    assert insert_sql(("value", "recorded_at")) == (
        "INSERT INTO readings (value, recorded_at) VALUES (?, ?)"
    )
    assert insert_sql(("value",), {"batch_id": "7", "unit": "'bar'"}) == (
        "INSERT INTO readings (batch_id, unit, value) VALUES (7, 'bar', ?)"
    )


def test_a_note_is_kept_as_typed_and_an_operator_loses_only_end_spaces(
    db: Database, gauge: DeviceRecord
) -> None:
    kept = _add(db, gauge, 2.0, note="\tsee log\n", operator="\tAna ")
    stored = get_reading(db, kept)
    assert (stored.note, stored.operator) == ("\tsee log\n", "\tAna")
    blank = get_reading(db, _add(db, gauge, 2.0, 1, note=" \t\n", operator="  "))
    assert (blank.note, blank.operator) == (None, None)
