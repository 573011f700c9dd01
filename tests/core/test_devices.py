from datetime import UTC, date, datetime

import pytest

from core.db import uid_value
from core.devices import (
    DeviceFields,
    DeviceSort,
    archive_device,
    archive_devices,
    count_devices,
    count_unsortable,
    create_device,
    delete_device,
    device_ids,
    devices_by_ids,
    get_device,
    list_devices,
    update_device,
)
from core.errors import NotFoundError, ValidationError
from core.ids import uuid7
from core.models import DeviceStatus
from core.readings import NewReading, add_reading
from tests.databases import both_databases  # noqa: F401  (db: SQLite, then PostgreSQL)


def test_create_device_cleans_text_and_stamps_times(db) -> None:
    device = create_device(db, DeviceFields(name="  Boiler gauge ", serial_number=" SN-1 "))
    assert (device.name, device.serial_number, device.status) == (
        "Boiler gauge",
        "SN-1",
        DeviceStatus.ACTIVE,
    )
    assert device.uid.version == 7
    assert device.created_at == device.updated_at
    assert get_device(db, device.id) == device


def test_every_field_round_trips(db) -> None:
    fields = DeviceFields(
        name="Flow meter",
        serial_number="FM-9",
        device_type="flow",
        manufacturer="Endress",
        model="Promag 10",
        location="Plant room 2",
        default_unit="m³/h",
        low_limit=0.5,
        high_limit=12.0,
        calibration_due=date(2027, 3, 1),
        status=DeviceStatus.OUT_OF_SERVICE,
        notes="Flange leaks\nwhen cold",
    )
    device = create_device(db, fields)
    assert DeviceFields(**{k: getattr(device, k) for k in fields.__dataclass_fields__}) == fields


@pytest.mark.parametrize(
    ("fields", "bad"),
    [
        (DeviceFields(name="  "), "name"),
        (DeviceFields(name="x" * 201), "name"),
        (DeviceFields(name="a", low_limit=5, high_limit=1), "high_limit"),
        (DeviceFields(name="a", low_limit=float("nan")), "low_limit"),
        (DeviceFields(name="a", status="broken"), "status"),  # type: ignore[arg-type]
        (DeviceFields(name="a", location="l" * 256), "location"),
    ],
)
def test_invalid_fields_are_refused_with_the_field_named(db, fields, bad) -> None:
    with pytest.raises(ValidationError) as raised:
        create_device(db, fields)
    assert bad in raised.value.problems
    assert count_devices(db) == 0


def test_update_changes_fields_and_updated_time(db) -> None:
    device = create_device(db, DeviceFields(name="Old"))
    updated = update_device(db, device.id, DeviceFields(name="New", location="Roof"))
    assert (updated.name, updated.location, updated.created_at) == (
        "New",
        "Roof",
        device.created_at,
    )
    assert updated.updated_at is not None and device.updated_at is not None
    assert updated.updated_at >= device.updated_at


def test_update_of_a_missing_device_says_so(db) -> None:
    with pytest.raises(NotFoundError, match="42"):
        update_device(db, 42, DeviceFields(name="x"))


def test_archive_hides_the_device_and_keeps_its_readings(db) -> None:
    device = create_device(db, DeviceFields(name="Gauge"))
    add_reading(db, NewReading(device.id, 1.0, datetime.now(UTC)))
    archive_device(db, device.id)
    assert list_devices(db) == []
    assert [d.id for d in list_devices(db, include_archived=True)] == [device.id]
    assert archive_device(db, device.id, archived=False).archived is False


def test_a_device_with_readings_cannot_be_deleted(db) -> None:
    device = create_device(db, DeviceFields(name="Gauge"))
    add_reading(db, NewReading(device.id, 1.0, datetime.now(UTC)))
    with pytest.raises(ValidationError, match="archived"):
        delete_device(db, device.id)
    assert get_device(db, device.id).name == "Gauge"


def test_a_device_without_readings_can_be_deleted(db) -> None:
    device = create_device(db, DeviceFields(name="Typo"))
    delete_device(db, device.id)
    with pytest.raises(NotFoundError):
        get_device(db, device.id)


def _names(db, **kwargs) -> list[str]:
    return [d.name for d in list_devices(db, **kwargs)]


def test_filter_matches_name_serial_location_and_type(db) -> None:
    create_device(db, DeviceFields(name="Alpha", serial_number="Q-100"))
    create_device(db, DeviceFields(name="Beta", location="Basement"))
    create_device(db, DeviceFields(name="Gamma", device_type="pressure"))
    assert _names(db, filter_text="q-1") == ["Alpha"]
    assert _names(db, filter_text="BASE") == ["Beta"]
    assert _names(db, filter_text="press") == ["Gamma"]
    assert count_devices(db, filter_text="a") == 3


def test_filter_treats_wildcards_literally(db) -> None:
    create_device(db, DeviceFields(name="100% valve"))
    create_device(db, DeviceFields(name="1000 valve"))
    assert _names(db, filter_text="100%") == ["100% valve"]
    assert _names(db, filter_text="_") == []


def test_sort_and_paging_happen_in_sql(db) -> None:
    for name, due in [("b", date(2027, 1, 1)), ("a", None), ("c", date(2026, 1, 1))]:
        create_device(db, DeviceFields(name=name, calibration_due=due))
    assert _names(db, sort=DeviceSort.NAME, descending=True) == ["c", "b", "a"]
    assert _names(db, sort=DeviceSort.CALIBRATION_DUE) == ["c", "b", "a"]
    assert _names(db, offset=1, limit=1) == ["b"]


def test_overdue_calibration(db) -> None:
    device = create_device(db, DeviceFields(name="a", calibration_due=date(2026, 1, 1)))
    assert device.calibration_overdue(date(2026, 1, 2))
    assert not device.calibration_overdue(date(2026, 1, 1))


def test_device_ids_follow_the_sort_and_filter(db) -> None:
    made = [
        create_device(db, DeviceFields(name=name, location=place))
        for name, place in (("b gauge", "Roof"), ("a meter", "Basement"), ("c probe", "Roof"))
    ]
    by_name = device_ids(db)
    assert [d.name for d in devices_by_ids(db, by_name)] == ["a meter", "b gauge", "c probe"]
    by_place = device_ids(db, sort=DeviceSort.LOCATION, descending=True)
    assert by_place[-1] == made[1].id
    assert device_ids(db, filter_text="roof") == [made[0].id, made[2].id]
    archive_device(db, made[0].id)
    assert made[0].id not in device_ids(db)
    assert made[0].id in device_ids(db, include_archived=True)
    assert devices_by_ids(db, [made[2].id, 999, made[1].id]) == [
        get_device(db, made[2].id),
        get_device(db, made[1].id),
    ]


def test_device_ids_filter_like_list_devices_with_wildcards_literal(db) -> None:
    made = {
        name: create_device(db, DeviceFields(name=name, serial_number=serial)).id
        for name, serial in (("100% valve", "A_1"), ("1000 valve", "A-1"), ("Back\\slash", None))
    }
    assert device_ids(db, filter_text="100%") == [made["100% valve"]]
    assert device_ids(db, filter_text="a_1") == [made["100% valve"]]
    assert device_ids(db, filter_text="\\") == [made["Back\\slash"]]
    for text in ("", "valve", "1", "zzz"):
        listed = [d.id for d in list_devices(db, filter_text=text, limit=None)]
        assert device_ids(db, filter_text=text) == listed


def test_text_sorts_ignore_case_and_blanks_go_last_both_ways(db) -> None:
    for name, place in (("beta", "roof"), ("Alpha", None), ("gamma", "Basement")):
        create_device(db, DeviceFields(name=name, location=place))

    def named(**kwargs) -> list[str]:
        return [d.name for d in devices_by_ids(db, device_ids(db, **kwargs))]

    assert named() == ["Alpha", "beta", "gamma"]
    assert named(descending=True) == ["gamma", "beta", "Alpha"]
    assert named(sort=DeviceSort.LOCATION) == ["gamma", "beta", "Alpha"]
    assert named(sort=DeviceSort.LOCATION, descending=True) == ["beta", "gamma", "Alpha"]
    assert _names(db, sort=DeviceSort.NAME) == named()  # the same order as the list


def test_unit_and_limit_sorts(db) -> None:
    for name, unit, low in (("a", "kPa", 3.0), ("b", "bar", None), ("c", "Bar", -2.0)):
        create_device(db, DeviceFields(name=name, default_unit=unit, low_limit=low))
    by_unit = device_ids(db, sort=DeviceSort.DEFAULT_UNIT)
    assert [d.name for d in devices_by_ids(db, by_unit)] == ["b", "c", "a"]
    by_low = device_ids(db, sort=DeviceSort.LOW_LIMIT)
    assert [d.name for d in devices_by_ids(db, by_low)] == ["c", "a", "b"]


def test_devices_by_ids_keeps_the_order_past_one_in_list(db) -> None:
    with db.driver_write() as conn:
        rows = [(uid_value(conn, uuid7()), f"D{n:04d}", 0, 0) for n in range(1200)]
        conn.executemany(
            "INSERT INTO devices (uid, name, created_at, updated_at) VALUES (?, ?, ?, ?)", rows
        )
    ids = device_ids(db, descending=True)
    assert len(ids) == 1200
    assert [d.name for d in devices_by_ids(db, ids)] == [f"D{n:04d}" for n in range(1199, -1, -1)]
    assert devices_by_ids(db, []) == []


def test_archive_devices_reports_only_the_ones_that_changed(db) -> None:
    a, b, c = (create_device(db, DeviceFields(name=n)).id for n in "abc")
    archive_device(db, a)
    assert archive_devices(db, [a, b]) == [b]
    assert device_ids(db) == [c]
    assert archive_devices(db, [a, b, c], archived=False) == [a, b]
    assert device_ids(db) == [a, b, c]
    assert archive_devices(db, [999]) == []


@pytest.mark.parametrize("sort", list(DeviceSort))
def test_descending_is_ascending_reversed_with_blanks_kept_last(db, sort) -> None:
    for n in range(12):
        create_device(db, DeviceFields(
            name=["pump", "Pump", "valve"][n % 3], location=[None, "Roof", "roof", "Attic"][n % 4],
            device_type=None if n % 5 else "flow", calibration_due=date(2026, 1, 1 + n % 2)
            if n % 3 else None, low_limit=None if n % 2 else float(n % 3)))  # fmt: skip
    up = device_ids(db, sort=sort)
    down = device_ids(db, sort=sort, descending=True)
    blanks = count_unsortable(db, sort=sort)
    cut = len(up) - blanks
    assert down == up[:cut][::-1] + up[cut:][::-1]
    assert all(getattr(d, sort.value) is None for d in devices_by_ids(db, up[cut:]))


def test_count_unsortable_follows_the_filter(db) -> None:
    create_device(db, DeviceFields(name="a", location="Roof"))
    create_device(db, DeviceFields(name="b"))
    archived = create_device(db, DeviceFields(name="c"))
    archive_device(db, archived.id)
    assert count_unsortable(db, sort=DeviceSort.LOCATION) == 1
    assert count_unsortable(db, sort=DeviceSort.LOCATION, include_archived=True) == 2
    assert count_unsortable(db, sort=DeviceSort.LOCATION, filter_text="a") == 0
    assert count_unsortable(db, sort=DeviceSort.NAME) == 0


def test_calibration_filters_and_counts(db) -> None:
    from datetime import date, timedelta

    from core.devices import (
        Calibration,
        CalibrationCounts,
        archive_device,
        calibration_counts,
        device_ids,
    )

    today = date.today()
    made = {}
    for name, days in (("late", -1), ("today", 0), ("month", 30), ("later", 31), ("none", None)):
        due = today + timedelta(days=days) if days is not None else None
        made[name] = create_device(db, DeviceFields(name=name, calibration_due=due)).id
    gone = create_device(db, DeviceFields(name="gone", calibration_due=today - timedelta(days=9)))
    archive_device(db, gone.id)
    assert device_ids(db, calibration=Calibration.OVERDUE) == [made["late"]]
    assert device_ids(db, calibration=Calibration.DUE_SOON) == [made["month"], made["today"]]
    assert calibration_counts(db) == CalibrationCounts(overdue=1, due_soon=2)
    both = device_ids(db, calibration=Calibration.OVERDUE, include_archived=True)
    assert both == [gone.id, made["late"]]
    assert count_devices(db, calibration=Calibration.DUE_SOON, filter_text="mon") == 1


def test_only_ordinary_spaces_are_trimmed_and_notes_are_kept_as_typed(db) -> None:
    typed = DeviceFields(name="\tPI-101 ", serial_number=" \tSN-1", location="Hall\t",
                         notes="\tindented\n  second line \n")  # fmt: skip
    device = create_device(db, typed)
    assert (device.name, device.serial_number, device.location) == ("\tPI-101", "\tSN-1", "Hall\t")
    assert device.notes == "\tindented\n  second line \n"
    blank = create_device(db, DeviceFields(name="Blank", location=" \t ", notes="\n \t"))
    assert (blank.location, blank.notes) == (None, None)
    with pytest.raises(ValidationError) as refused:
        create_device(db, DeviceFields(name=" \t\n"))
    assert "name" in refused.value.problems
