"""The readings table's pages: newest first, by key, the corrected originals included."""

from collections.abc import Iterator
from datetime import timedelta

import pytest

from core.db import Database
from core.devices import DeviceFields, DeviceRecord, create_device
from core.models import ReadingSource
from core.reading_pages import readings_page
from core.readings import LimitFlag, correct_reading
from tests.core.readings_support import T0, add_at
from tests.databases import both_databases  # noqa: F401  (db: SQLite, then PostgreSQL)


@pytest.fixture
def history(db: Database, gauge: DeviceRecord) -> Iterator[dict[str, int]]:
    probe = create_device(db, DeviceFields(name="Probe", default_unit="°C"))
    made = {
        "old": add_at(db, gauge, 3.0, 0, operator="Ana", note="first"),
        "high": add_at(db, gauge, 9.0, 1, source=ReadingSource.IMPORT),
        "probe": add_at(db, probe, 20.0, 2),
        "late": add_at(db, gauge, 1.0, 3),
    }
    made["fix"] = correct_reading(db, made["high"], value=3.5, reason="typed wrong").id
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
    same = [add_at(db, gauge, 3.0, 0) for _ in range(5)]
    first = readings_page(db, [gauge.id], limit=2)
    rest = readings_page(db, [gauge.id], after=first[-1].key, limit=10)
    assert [r.id for r in first + rest] == sorted(same, reverse=True)
