"""Random and damaged files: open_import plus a full read may fail only with ImportFileError.

Random bytes, and real logger exports with lines dropped, duplicated or cut, bytes flipped and
delimiters inserted. Any other exception is a bug; an ImportFileError must name the file.
"""

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.importing.formats import ImportOptions, iter_sample_batches, open_import
from core.importing.records import ImportFileError

LOGGERS = Path(__file__).parent.parent / "fixtures" / "loggers"
SAMPLES = sorted(p for p in LOGGERS.rglob("*") if p.suffix in {".csv", ".txt", ".dat"})
FAST = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def survive(path: Path, options: ImportOptions, batches: bool = False) -> None:
    try:
        parsed = open_import(path, options)
        if batches:
            for _ in iter_sample_batches(parsed):
                pass
        else:
            for _ in parsed.records:
                pass
    except ImportFileError as error:
        assert path.name in str(error)


@st.composite
def damaged(draw: st.DrawFn) -> bytes:
    sample = draw(st.sampled_from(SAMPLES))
    lines = sample.read_bytes().splitlines(keepends=True)[:60]
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


@FAST
@given(content=damaged(), zone=ZONES, batches=st.booleans())
def test_damaged_samples(tmp_path: Path, content: bytes, zone: str | None, batches: bool) -> None:
    path = tmp_path / "damaged.csv"
    path.write_bytes(content)
    survive(path, ImportOptions(timezone=zone), batches)


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
