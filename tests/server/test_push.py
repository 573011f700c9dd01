"""POST /push: a laptop's readings and the devices they need, in one transaction; repeated or
resumed, it never doubles a reading; a bad push is refused with a reason and applies nothing."""

import threading
import uuid
from typing import Any

import httpx
from sqlalchemy import func, select

from core import postgres
from core.models import devices, origins, readings
from tests.server.conftest import Enrolled, Office

T0 = 1_767_225_600_000  # 2026-01-01T00:00:00Z


def device(**fields: Any) -> dict[str, Any]:
    made = {"uid": str(uuid.uuid4()), "name": "Druckmessgerät Ω", "default_unit": "bar"}
    return made | {"created_at": T0, "updated_at": T0} | fields


def reading(seq: int, of: dict[str, Any], **fields: Any) -> dict[str, Any]:
    made = {"seq": seq, "device": of["uid"], "recorded_at": T0 + seq * 60_000}
    return made | {"value": seq / 4, "unit": "bar", "created_at": T0 + seq} | fields


def push(
    laptop: Enrolled, devices_: list[dict[str, Any]], readings_: list[dict[str, Any]]
) -> httpx.Response:
    body = {"origin": str(laptop.origin), "devices": devices_, "readings": readings_}
    return laptop.post("/push", body)


def stored(url: str, origin: uuid.UUID) -> list[tuple[Any, ...]]:
    """(seq, device uid, recorded_at, value, unit, corrects seq, superseded) of an origin."""
    corrected = readings.alias("corrected")
    query = (
        select(
            readings.c.origin_seq,
            devices.c.uid,
            readings.c.recorded_at,
            readings.c.value,
            readings.c.unit,
            corrected.c.origin_seq,
            readings.c.superseded,
        )
        .join(devices, devices.c.id == readings.c.device_id)
        .join(origins, origins.c.id == readings.c.origin_id)
        .outerjoin(corrected, corrected.c.id == readings.c.corrects_id)
        .where(origins.c.uid == origin)
        .order_by(readings.c.origin_seq)
    )
    engine = postgres.create_postgres_engine(url)
    try:
        with engine.connect() as conn:
            return [tuple(row) for row in conn.execute(query)]
    finally:
        engine.dispose()


def device_count(url: str) -> int:
    engine = postgres.create_postgres_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(devices)).scalar_one())
    finally:
        engine.dispose()


def expected(batch: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [
        (r["seq"], uuid.UUID(r["device"]), r["recorded_at"], r["value"], r["unit"], None, False)
        for r in batch
    ]


def test_the_same_push_twice_stores_each_reading_once(office: Office, shared_url: str) -> None:
    laptop = office.laptop()
    gauge = device()
    batch = [reading(seq, gauge) for seq in range(1, 201)]
    first = push(laptop, [gauge], batch)
    assert first.status_code == 200, first.text
    assert first.json() == {"received": 200, "added": 200, "already": 0, "devices_added": 1,
                            "through_seq": 200}  # fmt: skip
    again = push(laptop, [gauge], batch)
    assert again.status_code == 200
    assert (again.json()["added"], again.json()["already"], again.json()["devices_added"]) == (
        0,
        200,
        0,
    )
    assert stored(shared_url, laptop.origin) == expected(batch)


def test_half_then_all_adds_the_rest_once(office: Office, shared_url: str) -> None:
    laptop = office.laptop()
    gauge, meter = device(), device(name="Multimeter", default_unit="V")
    batch = [reading(seq, gauge if seq % 3 else meter, unit="bar" if seq % 3 else "V")
             for seq in range(1, 301)]  # fmt: skip
    half = push(laptop, [gauge, meter], batch[:150])
    assert half.status_code == 200 and half.json()["added"] == 150
    whole = push(laptop, [gauge, meter], batch)
    assert whole.status_code == 200
    assert (whole.json()["added"], whole.json()["already"]) == (150, 150)
    assert stored(shared_url, laptop.origin) == expected(batch)


def test_a_malformed_reading_in_the_middle_applies_nothing(office: Office, shared_url: str) -> None:
    laptop = office.laptop()
    gauge = device()
    devices_before = device_count(shared_url)
    for bad, where in (
        ({"value": "12,5"}, "readings.50.value"),
        ({"recorded_at": -5}, "readings.50.recorded_at"),
        ({"seq": 0}, "readings.50.seq"),
        ({"unit": "x" * 33}, "readings.50.unit"),
        ({"colour": "red"}, "readings.50.colour"),
    ):
        batch = [reading(seq, gauge) for seq in range(1, 101)]
        batch[50] |= bad
        refused = push(laptop, [gauge], batch)
        assert refused.status_code == 422, refused.text
        assert (
            where in refused.json()["reason"] and "nothing was changed" in refused.json()["reason"]
        )
    assert stored(shared_url, laptop.origin) == [] and device_count(shared_url) == devices_before


def test_what_only_the_database_can_tell_refuses_the_whole_push(
    office: Office, shared_url: str
) -> None:
    laptop = office.laptop()
    gauge, stranger = device(), device(name="not sent")
    batch = [reading(seq, gauge) for seq in range(1, 101)]
    batch[50] = reading(51, stranger)
    unknown = push(laptop, [gauge], batch)
    assert unknown.status_code == 422
    assert (
        f"of device {stranger['uid']}, which this server does not have" in unknown.json()["reason"]
    )
    batch[50] = reading(51, gauge, corrects={"origin": str(laptop.origin), "seq": 999})
    orphan = push(laptop, [gauge], batch)
    assert orphan.status_code == 422 and "corrects reading 999" in orphan.json()["reason"]
    twice = push(laptop, [gauge], [*batch[:60], reading(7, gauge)])
    assert twice.status_code == 422 and "seq given twice: 7" in twice.json()["reason"]
    assert stored(shared_url, laptop.origin) == []
    assert push(laptop, [gauge], [reading(1, gauge)]).json()["devices_added"] == 1  # not before


def test_a_reading_numbered_like_another_is_refused_not_lost(
    office: Office, shared_url: str
) -> None:
    laptop = office.laptop()
    gauge = device()
    batch = [reading(seq, gauge) for seq in range(1, 11)]
    assert push(laptop, [gauge], batch).status_code == 200
    changed = [*batch[:5], reading(6, gauge, value=99.0), reading(11, gauge)]
    refused = push(laptop, [gauge], changed)
    assert refused.status_code == 409 and "readings 6 of this origin" in refused.json()["reason"]
    assert stored(shared_url, laptop.origin) == expected(batch)  # 11 was not added either


def test_a_laptop_pushes_its_own_origin_only(office: Office, shared_url: str) -> None:
    laptop, other = office.laptop(), office.laptop()
    gauge = device()
    body = {"origin": str(other.origin), "devices": [gauge], "readings": [reading(1, gauge)]}
    refused = laptop.post("/push", body)
    assert refused.status_code == 403 and "of its own database" in refused.json()["reason"]
    assert stored(shared_url, other.origin) == []


def test_a_revoked_laptop_pushes_nothing(office: Office, shared_url: str) -> None:
    laptop = office.laptop()
    office.cli("laptop", "revoke", str(laptop.answer["laptop"]))
    gauge = device()
    refused = push(laptop, [gauge], [reading(1, gauge)])
    assert refused.status_code == 401 and stored(shared_url, laptop.origin) == []


def test_an_oversized_push_is_413_and_applies_nothing(office: Office, shared_url: str) -> None:
    laptop = office.laptop()
    gauge = device()
    batch = [reading(seq, gauge, note="n" * 200) for seq in range(1, 80_001)]  # > 16 MiB
    refused = push(laptop, [gauge], batch)
    assert refused.status_code == 413 and "too large" in refused.json()["reason"]
    assert stored(shared_url, laptop.origin) == []


def test_a_correction_links_its_original_and_supersedes_it(office: Office, shared_url: str) -> None:
    laptop = office.laptop()
    gauge = device()
    original = reading(1, gauge)
    assert push(laptop, [gauge], [original]).status_code == 200
    ref = {"origin": str(laptop.origin), "seq": 1}
    corrections = [reading(2, gauge, value=4.5, corrects=ref),
                   reading(3, gauge, value=4.25, corrects={**ref, "seq": 2})]  # fmt: skip
    for _ in range(2):  # the second time changes nothing
        answer = push(laptop, [gauge], [original, *corrections])
        assert answer.status_code == 200, answer.text
        rows = stored(shared_url, laptop.origin)
        assert [(row[0], row[5], row[6]) for row in rows] == [(1, None, True), (2, 1, True),
                                                              (3, 2, False)]  # fmt: skip


def test_a_device_the_server_has_is_left_as_it_is(office: Office, shared_url: str) -> None:
    laptop = office.laptop()
    gauge = device(
        serial_number="SN-1", low_limit=0.5, high_limit=6.0, calibration_due="2027-03-31"
    )
    assert push(laptop, [gauge], [reading(1, gauge)]).json()["devices_added"] == 1
    renamed = gauge | {"name": "renamed on the laptop"}
    assert push(laptop, [renamed], [reading(2, gauge)]).json()["devices_added"] == 0
    engine = postgres.create_postgres_engine(shared_url)
    try:
        with engine.connect() as conn:
            row = conn.execute(
                select(devices).where(devices.c.uid == uuid.UUID(gauge["uid"]))
            ).one()
    finally:
        engine.dispose()
    assert (row.name, row.serial_number, row.low_limit, str(row.calibration_due)) == (
        "Druckmessgerät Ω", "SN-1", 0.5, "2027-03-31")  # fmt: skip


def test_the_same_push_delivered_twice_at_once_stores_it_once(
    office: Office, shared_url: str
) -> None:
    laptop = office.laptop()
    gauge = device()
    batch = [reading(seq, gauge) for seq in range(1, 2001)]
    answers: list[httpx.Response] = []

    def deliver() -> None:
        answers.append(push(laptop, [gauge], batch))

    threads = [threading.Thread(target=deliver) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [answer.status_code for answer in answers] == [200, 200, 200]
    assert sum(answer.json()["added"] for answer in answers) == 2000
    assert stored(shared_url, laptop.origin) == expected(batch)
