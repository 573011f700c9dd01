"""Random and damaged files: open_import plus a full read may fail only with ImportFileError.

Random bytes, and real logger exports with lines dropped, duplicated or cut, bytes flipped and
delimiters inserted. Any other exception is a bug; an ImportFileError must name the file.
"""

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.db import Database
from core.importing.common import READER_STOPPED
from core.importing.formats import ImportOptions, open_import
from core.importing.parsed import ImportFileError
from core.importing.service import import_parsed
from core.launch import open_database
from tests.core.importing.rows import rows_of

LOGGERS = Path(__file__).parent.parent / "fixtures" / "loggers"
NOT_SAMPLES = {"SOURCES.md", "expected.json", "README.md"}
VENDORS = sorted(p.name for p in LOGGERS.iterdir() if p.is_dir())
SAMPLES = {
    vendor: sorted(p for p in (LOGGERS / vendor).iterdir() if p.name not in NOT_SAMPLES)
    for vendor in VENDORS
}
FAST = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
PER_VENDOR = settings(FAST, max_examples=40)


def survive(path: Path, options: ImportOptions, batches: bool = False) -> None:
    try:
        parsed = open_import(path, options)
        if batches:
            for _ in parsed.batches:
                pass
        else:
            for _ in rows_of(parsed):
                pass
    except ImportFileError as error:
        assert path.name in str(error)
        assert READER_STOPPED not in str(error), error.__cause__  # a reader's bug, caught


@st.composite
def damaged(draw: st.DrawFn, vendor: str) -> bytes:
    """A real export of ``vendor``'s, its first 150 lines (past the longest settings block),
    damaged a few times over."""
    sample = draw(st.sampled_from(SAMPLES[vendor]))
    lines = sample.read_bytes().splitlines(keepends=True)[:150]
    for _ in range(draw(st.integers(1, 6))):
        if not lines:
            break
        at = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["drop", "duplicate", "truncate", "flip", "delimiter"]))
        line = lines[at]
        if action == "drop":
            del lines[at]
        elif action == "duplicate":
            lines.insert(at, line)
        elif action == "truncate":
            lines[at] = line[: draw(st.integers(0, len(line)))]
        elif action == "flip" and line:
            spot = draw(st.integers(0, len(line) - 1))
            lines[at] = (
                line[:spot] + bytes([line[spot] ^ draw(st.integers(1, 255))]) + line[spot + 1 :]
            )
        else:
            spot = draw(st.integers(0, len(line)))
            lines[at] = line[:spot] + draw(st.sampled_from([b",", b";", b"\t", b'"'])) + line[spot:]
    return b"".join(lines)


ZONES = st.sampled_from([None, "UTC", "Europe/Berlin", "+02:00"])


@FAST
@given(content=st.binary(max_size=400), zone=ZONES)
def test_random_bytes(tmp_path: Path, content: bytes, zone: str | None) -> None:
    path = tmp_path / "random.csv"
    path.write_bytes(content)
    survive(path, ImportOptions(timezone=zone))


@pytest.mark.parametrize("vendor", VENDORS)
def test_damaged_exports_of_every_format(tmp_path: Path, vendor: str) -> None:
    @PER_VENDOR
    @given(content=damaged(vendor), zone=ZONES, batches=st.booleans())
    def damaged_sample(content: bytes, zone: str | None, batches: bool) -> None:
        path = tmp_path / "damaged.csv"
        path.write_bytes(content)
        survive(path, ImportOptions(timezone=zone), batches)

    damaged_sample()


@pytest.mark.slow
@pytest.mark.parametrize("vendor", VENDORS)
def test_a_damaged_export_imports_whole_or_writes_nothing(tmp_path: Path, vendor: str) -> None:
    """Through the import service into a real database: a file refused part-way (a damaged
    line past the header) leaves the database exactly as it was."""
    db = open_database(tmp_path / "fuzz.db").database

    @settings(PER_VENDOR, max_examples=12)
    @given(content=damaged(vendor))
    def imported(content: bytes) -> None:
        path = tmp_path / "damaged.csv"
        path.write_bytes(content)
        before = _state(db)
        try:
            report = import_parsed(db, open_import(path, ImportOptions(timezone="UTC")),
                                   create_devices=True)  # fmt: skip
        except ImportFileError as error:
            assert path.name in str(error) and _state(db) == before
            assert READER_STOPPED not in str(error), error.__cause__
            return
        if report.accepted == 0:
            assert _state(db) == before

    try:
        imported()
    finally:
        db.close()


def _state(db: Database) -> tuple[int, int, int]:
    with db.driver_read() as conn:
        counts = [conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                  for t in ("readings", "devices", "import_batches")]  # fmt: skip
    return counts[0], counts[1], counts[2]


@FAST
@given(
    rows=st.lists(st.lists(st.text(max_size=12), min_size=1, max_size=6), max_size=12),
    delimiter=st.sampled_from([",", ";", "\t"]),
)
def test_random_tables(tmp_path: Path, rows: list[list[str]], delimiter: str) -> None:
    header = delimiter.join(["serial", "time", "value", "note"])
    body = "\n".join(delimiter.join(r) for r in rows)
    path = tmp_path / "table.csv"
    path.write_text(f"{header}\n{body}\n", encoding="utf-8", errors="surrogatepass")
    survive(path, ImportOptions(timezone="UTC"))
