"""The real logger corpus under ``tests/fixtures/loggers`` and its hand-written expectations.

Each vendor folder holds byte-exact copies of real exports, a ``SOURCES.md`` saying where each
came from, and an ``expected.json`` written by hand from each file's header and rows (never
from what the importer produced): row count, first and last time as written, the offset the
file states, and per channel its column, unit, count and first and last value as written.
``differences`` compares what the importer read with that.
"""

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from core.importing.formats import ImportOptions, open_import
from core.importing.parsed import Channel, ParsedFile, Rejected
from tests.core.importing.rows import Sample, rows_of

LOGGERS = Path(__file__).resolve().parents[1] / "fixtures" / "loggers"


@dataclass(frozen=True)
class Case:
    vendor: str
    name: str
    expected: dict[str, Any]

    @property
    def path(self) -> Path:
        return LOGGERS / self.vendor / self.name

    @property
    def id(self) -> str:
        return f"{self.vendor}/{self.name}"


def cases() -> list[Case]:
    found = []
    for expectations in sorted(LOGGERS.glob("*/expected.json")):
        files = json.loads(expectations.read_text(encoding="utf-8"))["files"]
        found += [Case(expectations.parent.name, name, exp) for name, exp in sorted(files.items())]
    return found


def number(text: str) -> float:
    """A value as the expectation writes it ("4,921" in a decimal-comma file, "1,377.8")."""
    text = text.strip().replace(" ", "")
    if "," in text and "." in text:
        text = text.replace(",", "")
    return float(text.replace(",", "."))


def utc_ms(local: str, offset: str | None) -> int:
    moment = datetime.fromisoformat(local).replace(tzinfo=UTC)
    if offset:
        sign = -1 if offset.startswith("-") else 1
        hours, minutes = offset.lstrip("+-").split(":")
        moment -= sign * timedelta(hours=int(hours), minutes=int(minutes))
    return round(moment.timestamp() * 1000)


def options(case: Case) -> ImportOptions:
    """What a technician gives: the zone named in ``tz_given`` (a file whose zone is written
    where the software does not say it is one), else ``--tz UTC`` when the file states none,
    so that its wall-clock times are the expected UTC times."""
    zone = case.expected.get("tz_given") or (None if case.expected.get("offset") else "UTC")
    return ImportOptions(timezone=zone, date_format=case.expected.get("date_format_given"))


def read(case: Case) -> tuple[ParsedFile, list[Sample], list[Rejected]]:
    parsed = open_import(case.path, options(case))
    records = rows_of(parsed)
    samples = [r for r in records if isinstance(r, Sample)]
    return parsed, samples, [r for r in records if isinstance(r, Rejected)]


# Spellings the importer stores in their usual form (core.importing.units): GP5W-Shell writes
# °C as "oC", HOBOmobile "*C", Solinst and LoggerNet "Deg C", RBR "Degrees_C"; bare "C" in a
# temperature column.
SPELLINGS = {"oC": "°C", "*C": "°C", "*F": "°F", "Deg C": "°C", "deg C": "°C", "Deg F": "°F",
             "Degrees_C": "°C"}  # fmt: skip
TEMPERATURE_SPELLINGS = {"C": "°C", "F": "°F", "\ufffdC": "°C", "ºC": "°C"}


def usual(unit: str | None, quantity: str) -> str:
    unit = " ".join((unit or "").split())
    if quantity.lower().startswith("temp"):
        unit = TEMPERATURE_SPELLINGS.get(unit, unit)
    return SPELLINGS.get(unit, unit)


def _norm(text: str) -> str:
    return " ".join(text.replace('"', "").split())


def _find(channels: list[Channel], column: str, taken: set[int]) -> int | None:
    """The first channel read from ``column`` that is not matched yet (a header may name
    two columns alike)."""
    wanted = _norm(column)
    for index, channel in enumerate(channels):
        if index not in taken and _norm(channel.column or channel.key) == wanted:
            return index
    return None


def differences(case: Case) -> list[str]:
    """Everything in which the import of ``case`` differs from its expectation."""
    exp = case.expected
    parsed, samples, _rejected = read(case)
    problems = []
    matched: set[int] = set()
    for want in exp["channels"]:
        index = _find(parsed.channels, want["column"], matched)
        if index is None:  # a column with no reading at all may be left out
            if want.get("kind", "measurement") == "measurement" and want["count"]:
                problems.append(f"no channel for column {want['column']!r}")
            continue
        matched.add(index)
        got = [s for s in samples if s.channel == index]
        channel = parsed.channels[index]
        if channel.unit != usual(want["unit"], want.get("quantity", "")):
            problems.append(f"{want['column']!r}: unit {channel.unit!r}, not {want['unit']!r}")
        if len(got) != want["count"]:
            problems.append(f"{want['column']!r}: {len(got)} readings, not {want['count']}")
        if got and want["count"]:
            first, last = number(want["first_value"]), number(want["last_value"])
            if (got[0].value, got[-1].value) != (first, last):
                problems.append(
                    f"{want['column']!r}: first/last {got[0].value}/{got[-1].value}, "
                    f"not {first}/{last}"
                )
    extra = [c.column or c.key for i, c in enumerate(parsed.channels) if i not in matched]
    if extra:
        problems.append(f"channels not expected: {extra}")
    if samples:
        start, end = (
            utc_ms(exp["first_local"], exp["offset"]),
            utc_ms(exp["last_local"], exp["offset"]),
        )
        if (samples[0].time_ms, samples[-1].time_ms) != (start, end):
            problems.append(
                f"first/last time {samples[0].time_ms}/{samples[-1].time_ms}, not {start}/{end}"
            )
        # "rows" counts the rows that carry a time; some hold only an event or a text record
        lines = len({s.line for s in samples})
        most = max((want["count"] for want in exp["channels"]), default=0)
        if not most <= lines <= exp["rows"]:
            problems.append(f"{lines} rows with readings, for {exp['rows']} rows with a time")
    elif exp["rows"]:
        problems.append("no readings at all")
    return problems
