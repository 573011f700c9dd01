"""The import parsers on real logger exports and on small hand-made files.

Expected times are computed by hand from each file's offset: e.g. HOBO "08/18/10 02:00:00 PM"
at GMT-07:00 is 2010-08-18 21:00 UTC.
"""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from core.importing.formats import ImportOptions, detect_format, open_import
from core.importing.parsed import Channel, ImportFileError, ParsedFile, Rejected
from tests.core.importing.rows import Sample, parsed_from_rows, rows_of

LOGGERS = Path(__file__).parent.parent / "fixtures" / "loggers"


def ms(*parts: int) -> int:
    return int(datetime(*parts, tzinfo=UTC).timestamp() * 1000)  # type: ignore[misc, arg-type]


def read(parsed: ParsedFile) -> tuple[list[Sample], list[Rejected]]:
    records = rows_of(parsed)
    return (
        [r for r in records if isinstance(r, Sample)],
        [r for r in records if isinstance(r, Rejected)],
    )


def opened(name: str, **options: object) -> tuple[ParsedFile, list[Sample], list[Rejected]]:
    parsed = open_import(LOGGERS / name, ImportOptions(**options))  # type: ignore[arg-type]
    return parsed, *read(parsed)


def test_hobo_defaults() -> None:
    parsed, samples, rejected = opened("hobo/hobo_defaults.csv")
    assert parsed.format == "hobo" and parsed.timezone == "UTC-07:00"
    assert [c.key for c in parsed.channels] == ["Temp, °F #1", "Temp, °F #2"]
    assert {c.unit for c in parsed.channels} == {"°F"}
    assert {c.serial for c in parsed.channels} == {"9724974"}
    assert len(samples) == 2 * 130 and rejected == []
    assert (samples[0].time_ms, samples[0].value, samples[0].line) == (
        ms(2010, 8, 18, 21),
        69.557,
        3,
    )
    assert (samples[1].channel, samples[1].value) == (1, 69.771)
    assert (samples[-1].time_ms, samples[-1].value) == (ms(2013, 2, 8, 23), 25.309)
    assert "MM/DD/YY" in parsed.description


DAY_FIRST = "%d-%m-%y %H:%M:%S"


def test_hobo_minimal_semicolons_decimal_comma_day_first() -> None:
    # 18-08-10 … 27-08-10 reads as day first and as year first (2018-08-10 … 2027-08-10 runs
    # in order too, until the future): the file is refused until the user says which.
    with pytest.raises(ImportFileError, match="fit both DD-MM-YY and YY-MM-DD") as refused:
        opened("hobo/hobo_minimal.txt")
    assert refused.value.date_formats == [DAY_FIRST, "%y-%m-%d %H:%M:%S"]
    parsed, samples, rejected = opened("hobo/hobo_minimal.txt", date_format=DAY_FIRST)
    assert [c.key for c in parsed.channels] == ["Temp, °F #1", "Temp, °F #2"]
    assert parsed.channels[0].serial is None
    assert len(samples) == 2 * 198 and rejected == []
    assert samples[0].time_ms == ms(2010, 8, 18, 21) and samples[0].value == 69.557
    assert samples[4].value == -43.624
    assert samples[-1].time_ms == ms(2010, 8, 27, 2) and samples[-1].value == 47.199
    assert "the given format %d-%m-%y" in parsed.description


def test_hobo_classic_takes_the_offset_from_details() -> None:
    parsed, samples, rejected = opened("hobo/hobo_classic.csv")
    assert [c.key for c in parsed.channels] == ["Temp, °C #1", "Temp, °C #2"]
    assert {c.serial for c in parsed.channels} == {"9724974"}
    assert "Details" in parsed.description and parsed.timezone == "UTC-07:00"
    assert len(samples) == 2 * 133 and rejected == []
    assert samples[0].time_ms == ms(2010, 8, 18, 21) and samples[0].value == 20.865
    assert samples[-1].time_ms == ms(2010, 8, 24, 9) and samples[-1].value == 3.67


def test_hobo_separate_date_and_time_columns() -> None:
    # 15-12-17 … 08-01-18 fits only day first: read year first, its dates would run past
    # today (31-12-17 as 2031) and back at the new year, so the whole column decides.
    parsed, samples, rejected = opened("hobo/10347310.txt")
    assert [c.key for c in parsed.channels] == ["Temp, °C", "Intensity, Lux"]
    assert [c.unit for c in parsed.channels] == ["°C", "Lux"]
    assert parsed.timezone == "UTC+01:00" and "DD-MM-YY" in parsed.description
    assert len(samples) == 2 * 7051 and rejected == []  # its last two rows are events only
    assert samples[0].time_ms == ms(2017, 12, 14, 23) and samples[0].value == 19.282
    assert samples[-1].time_ms == ms(2018, 1, 8, 10, 30) and samples[-1].value == 0.0
    assert max(s.value for s in samples if s.channel == 1) == 3272.2  # written "3,272.2"


def test_hobo_day_first_or_year_first_is_asked_when_no_row_decides(tmp_path: Path) -> None:
    lines = (LOGGERS / "hobo/10347310.txt").read_text(encoding="utf-8-sig").splitlines()
    path = write(tmp_path, "\n".join(lines[:300]) + "\n", name="first-day.txt")  # 15-12-17 only
    with pytest.raises(ImportFileError, match="DD-MM-YY and YY-MM-DD"):
        open_import(path)
    samples, rejected = read(open_import(path, ImportOptions(date_format=DAY_FIRST)))
    assert samples[0].time_ms == ms(2017, 12, 14, 23) and rejected == []


def test_toa5_needs_a_zone_and_reads_local_time() -> None:
    with pytest.raises(ImportFileError, match=r"--tz Europe/Berlin"):
        open_import(LOGGERS / "campbell/CampbellScientific_HC2S3_20161201-000000.dat")
    parsed, samples, rejected = opened(
        "campbell/CampbellScientific_HC2S3_20161201-000000.dat", timezone="+01:00"
    )
    assert [c.key for c in parsed.channels] == [
        f"{q}_HC2S3_S0{n}" for n in range(1, 5) for q in ("AirTemp", "RelHum")
    ]
    assert parsed.channels[0].name == "CR1000 - IP AirTemp_HC2S3_S01"
    assert parsed.channels[0].unit == "°C" and parsed.channels[1].unit == "%"  # written "Deg C"
    assert {c.serial for c in parsed.channels} == {"E2948"}
    assert len(samples) == 8 * 11520 and rejected == []
    assert samples[0].time_ms == ms(2016, 11, 30, 23) and samples[0].value == -1.849705
    assert samples[-1].time_ms == ms(2016, 12, 4, 22, 59, 30) and samples[-1].value == 51.14019
    assert -9.155273e-05 in {s.value for s in samples}  # written "-9.155273E-005"


def test_toa5_status_table_skips_text_columns() -> None:
    parsed, samples, rejected = opened("campbell/CR1000_SN6134_Status.dat", timezone="UTC")
    keys = [c.key for c in parsed.channels]
    assert "OSVersion" not in keys and "CardStatus" not in keys and "TIMESTAMP" not in keys
    assert "RECORD" not in keys and "StartTime" not in keys
    assert keys[:3] == ["OSSignature", "SerialNumber", "RevBoard"]
    assert "PanelTemp" in keys and len(keys) == 93
    assert rejected == [] and len(samples) == 2 * 93
    panel = [s for s in samples if s.channel == keys.index("PanelTemp")]
    assert [(s.time_ms, s.value) for s in panel] == [
        (ms(2024, 4, 18, 12, 25, 51) + 190, -2.313698),
        (ms(2024, 4, 18, 12, 28, 58) + 390, -2.419884),
    ]


def test_toa5_nan_is_a_rejected_cell(tmp_path: Path) -> None:
    lines = (
        (LOGGERS / "campbell/CampbellScientific_HC2S3_20161201-000000.dat").read_text().splitlines()
    )
    lines[4] = lines[4].replace("-1.849705", '"NAN"', 1)
    path = tmp_path / "nan.dat"
    path.write_text("\n".join(lines[:6]) + "\n", encoding="utf-8")
    samples, rejected = read(open_import(path, ImportOptions(timezone="UTC")))
    assert len(samples) == 15
    assert len(rejected) == 1 and rejected[0].line == 5 and "NAN" in rejected[0].reason


def test_gp5w() -> None:
    parsed, samples, rejected = opened("geoprecision/GP5W_270.csv", timezone="UTC")
    assert [c.key for c in parsed.channels] == [
        "#1:oC",
        "#2:oC",
        "#3:oC",
        "#4:oC",
        "#5:oC",
        "#HK-Bat:V",
        "#HK-Temp:oC",
    ]
    assert parsed.channels[0].unit == "°C" and parsed.channels[5].unit == "V"
    assert {c.serial for c in parsed.channels} == {"E50986"}
    assert rejected == []
    assert samples[0].time_ms == ms(2015, 3, 22, 11, 55) and samples[0].value == 22.61
    assert samples[5].channel == 5 and samples[5].value == 3.649
    assert samples[-1].time_ms == ms(2016, 3, 23, 20) and samples[-1].value == 18.4772
    assert len(samples) == 2206 * 5 + 369  # the battery is written every few hours
    assert not any(s.channel == 6 for s in samples)


def test_vemco() -> None:
    parsed, samples, rejected = opened("vemco/vemco-547109.csv")
    assert parsed.timezone == "UTC"
    names = [c.quantity for c in parsed.channels]
    assert "Temperature" in names and "Battery" in names and "PC Time" not in names
    assert "Data Upload" not in names
    temperature = parsed.channels[names.index("Temperature")]
    assert temperature.unit == "°C" and temperature.serial == "VR2AR-547109"
    assert rejected == [] and len(samples) == 99
    assert samples[0].time_ms == ms(2019, 5, 30, 18, 3) and samples[0].value == 260
    assert samples[-1].time_ms == ms(2019, 10, 19, 14, 16) and samples[-1].value == 632996


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("hobo/hobo_defaults.csv", "hobo"),
        ("hobo/hobo_minimal.txt", "hobo"),
        ("hobo/hobo_classic.csv", "hobo"),
        ("hobo/10347310.txt", "hobo"),
        ("campbell/CR1000_SN6134_Status.dat", "toa5"),
        ("geoprecision/GP5W_270.csv", "gp5w"),
        ("vemco/vemco-547109.csv", "vemco"),
    ],
)
def test_detect_format(name: str, fmt: str) -> None:
    assert detect_format(LOGGERS / name) == fmt


def test_gp5w_needs_a_zone() -> None:
    with pytest.raises(ImportFileError, match=r"GP5W_270\.csv: the file gives no time zone"):
        open_import(LOGGERS / "geoprecision/GP5W_270.csv")


def test_logger_rows_too_short_or_with_bad_cells(tmp_path: Path) -> None:
    lines = (LOGGERS / "geoprecision/GP5W_270.csv").read_text(encoding="utf-8").splitlines()
    lines[5] = "2,22.03.2015 12:00:01,21.5411"  # cut short
    lines[6] = lines[6].replace("19.8205", "NaN").replace("19.8604", "oops")
    lines[7] = lines[7].replace("22.03.2015", "32.03.2015")
    path = tmp_path / "gp5w.csv"
    path.write_text("\n".join(lines[:9]) + "\n", encoding="utf-8")
    samples, rejected = read(open_import(path, ImportOptions(timezone="UTC")))
    assert [(r.line, r.reason.split(":")[0]) for r in rejected] == [
        (6, "the row has 3 fields and needs 7"),  # only the housekeeping may be left out
        (7, "#1"),
        (7, "#2"),
        (8, "day out of range for its month"),
    ]
    assert "'NaN' is not a number" in rejected[1].reason
    assert sorted({s.line for s in samples}) == [5, 7, 9]


def test_hobo_german_classic_header_and_a_date_order_no_row_decides(tmp_path: Path) -> None:
    text = (
        "Datum Zeit\tTemp. (°C)  #1234567\tRH (%)  #1234567\n"
        "01.02.21 10:00:00\t20,5\t55,1\n"
        "01.03.21 10:00:00\t21,5\t56,1\n"
    )
    path = write(tmp_path, text, "cp1252", name="export.txt")
    assert detect_format(path) == "hobo"
    with pytest.raises(ImportFileError, match=r"MM\.DD\.YY and DD\.MM\.YY and YY\.MM\.DD"):
        open_import(path, ImportOptions(timezone="Europe/Berlin"))  # German HOBOware writes
        # MM.DD.YY, and "." is no sign of it: nothing here says which
    day_first = ImportOptions(timezone="Europe/Berlin", date_format="%d.%m.%y %H:%M:%S")
    with pytest.raises(ImportFileError, match="--tz"):
        open_import(path, ImportOptions(date_format="%d.%m.%y %H:%M:%S"))
    parsed = open_import(path, day_first)
    assert [(c.key, c.unit, c.serial) for c in parsed.channels] == [
        ("Temp., °C", "°C", "1234567"),
        ("RH, %", "%", "1234567"),
    ]
    samples, rejected = read(parsed)
    assert rejected == []
    assert [(s.time_ms, s.value) for s in samples] == [
        (ms(2021, 2, 1, 9), 20.5),
        (ms(2021, 2, 1, 9), 55.1),
        (ms(2021, 3, 1, 9), 21.5),
        (ms(2021, 3, 1, 9), 56.1),
    ]


def test_rows_written_by_hand_become_one_batch_with_their_rejections(tmp_path: Path) -> None:
    """The tests' own row form (tests/core/importing/rows.py) turns into what parsers give."""
    records: list[Sample | Rejected] = [Sample(2, 0, 1000, 1.5, note="n"), Rejected(3, "bad")]
    parsed = parsed_from_rows(tmp_path / "x.csv", "test", "t", [Channel("k", "K", "")], records)
    batches = list(parsed.batches)
    assert len(batches) == 1 and batches[0].value.tolist() == [1.5]
    assert batches[0].note == ["n"] and batches[0].rejected == [Rejected(3, "bad")]


# --- generic CSV -----------------------------------------------------------------------------


def write(tmp_path: Path, text: str, encoding: str = "utf-8", name: str = "f.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


EXPORT = (
    "device,serial,time,value,unit,limit,operator,note,source\n"
    'Pump 1,SN-1,2026-03-29T01:30:00+01:00,1.5,bar,,ann,"first, quoted",import\n'
    "Pump 1,SN-1,2026-03-29T03:30:00+02:00,2.5,bar,,,,manual\n"
    "Probe,,2026-03-29T00:00:00Z,-3e2,°C,,bob,=cmd|' /C calc'!A0,manual\n"
)


def test_fieldlog_export_round_trips_with_no_options(tmp_path: Path) -> None:
    parsed = open_import(write(tmp_path, EXPORT))
    assert parsed.format == "csv"
    assert [(c.serial, c.name) for c in parsed.channels] == [("SN-1", "Pump 1"), (None, "Probe")]
    samples, rejected = read(parsed)
    assert rejected == []
    assert [(s.line, s.channel, s.time_ms, s.value) for s in samples] == [
        (2, 0, ms(2026, 3, 29, 0, 30), 1.5),
        (3, 0, ms(2026, 3, 29, 1, 30), 2.5),
        (4, 1, ms(2026, 3, 29), -300.0),
    ]
    assert [s.unit for s in samples] == ["bar", "bar", "°C"]
    assert [s.operator for s in samples] == ["ann", None, "bob"]
    assert [s.note for s in samples] == ["first, quoted", None, "=cmd|' /C calc'!A0"]


def test_batches_match_records(tmp_path: Path) -> None:
    batches = list(open_import(write(tmp_path, EXPORT)).batches)
    assert sum(len(b) for b in batches) == 3
    assert batches[0].time_ms.tolist()[0] == ms(2026, 3, 29, 0, 30)
    assert batches[0].operator == ["ann", None, "bob"]


def test_cp1252_semicolons_decimal_comma_and_naive_times(tmp_path: Path) -> None:
    text = (
        "Gerät;Zeit;Wert;Einheit\n"
        "Sonde Süd;29.03.2026 01:30;1,5;°C\n"
        "Sonde Süd;30.03.2026 14:00;-2,25;°C\n"
    )
    path = write(tmp_path, text, "cp1252")
    mapping = {"device_name": "Gerät", "time": "Zeit", "value": "Wert", "unit": "Einheit"}
    with pytest.raises(ImportFileError, match="--tz"):
        open_import(path, ImportOptions(mapping=mapping))
    parsed = open_import(path, ImportOptions(mapping=mapping, timezone="Europe/Berlin"))
    assert [c.name for c in parsed.channels] == ["Sonde Süd"]
    samples, rejected = read(parsed)
    assert rejected == []
    assert [(s.time_ms, s.value, s.unit) for s in samples] == [
        (ms(2026, 3, 29, 0, 30), 1.5, "°C"),
        (ms(2026, 3, 30, 12), -2.25, "°C"),
    ]


def test_utf8_bom_and_tabs(tmp_path: Path) -> None:
    text = "serial\ttimestamp\treading\nA1\t2025-01-02 03:04:05\t7\n"
    parsed = open_import(write(tmp_path, text, "utf-8-sig"), ImportOptions(timezone="UTC"))
    samples, rejected = read(parsed)
    assert [(s.time_ms, s.value) for s in samples] == [(ms(2025, 1, 2, 3, 4, 5), 7.0)]
    assert rejected == []


def test_dst_gap_and_fold_are_rejected(tmp_path: Path) -> None:
    text = (
        "serial,time,value\nA,2026-03-29 01:59:00,1\nA,2026-03-29 02:30:00,2\n"
        "A,2026-03-29 03:00:00,3\nA,2026-10-25 02:30:00,4\nA,2026-10-25 03:30:00,5\n"
    )
    parsed = open_import(write(tmp_path, text), ImportOptions(timezone="Europe/Berlin"))
    samples, rejected = read(parsed)
    assert [(s.value, s.time_ms) for s in samples] == [
        (1, ms(2026, 3, 29, 0, 59)),
        (3, ms(2026, 3, 29, 1)),
        (5, ms(2026, 10, 25, 2, 30)),
    ]
    assert [r.line for r in rejected] == [3, 5]
    assert "does not exist" in rejected[0].reason and "twice" in rejected[1].reason


def test_bad_rows_are_rejected_not_raised(tmp_path: Path) -> None:
    huge = "x" * 10_001
    text = (
        "serial,time,value,note\n"
        "A,2025-01-01T00:00:00Z,1,ok\n"
        'A,2025-01-01T00:01:00Z,"1,5",comma\n'
        "A,2025-01-01T00:02:00Z,NaN,nan\n"
        "A,2025-01-01T00:03:00Z,inf,inf\n"
        "A,1969-12-31T00:00:00Z,2,old\n"
        "A,2999-01-01T00:00:00Z,3,future\n"
        "A,not a time,4,time\n"
        "A,2025-01-01T00:04:00Z\n"
        f"A,2025-01-01T00:05:00Z,5,{huge}\n"
        ",2025-01-01T00:06:00Z,6,no device\n"
        "A,2025-01-01T00:07:00Z,1e999,big\n"
        "A,2025-01-01T00:08:00Z,8,last\n"
    )
    samples, rejected = read(open_import(write(tmp_path, text)))
    assert [(s.line, s.value) for s in samples] == [(2, 1.0), (13, 8.0)]
    assert [r.line for r in rejected] == list(range(3, 13))
    reasons = {r.line: r.reason for r in rejected}
    assert "ambiguous" in reasons[3] and "1970" in reasons[6] and "future" in reasons[7]
    assert "fields" in reasons[9] and "longer" in reasons[10]


def test_ambiguous_thousands_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "serial;time;value\nA;2025-01-01T00:00:00Z;1,500\n")
    with pytest.raises(ImportFileError, match="--decimal"):
        open_import(path)
    samples, _ = read(open_import(path, ImportOptions(decimal=",")))
    assert samples[0].value == 1.5


def test_comma_value_in_a_dot_file_is_rejected(tmp_path: Path) -> None:
    text = 'serial,time,value\nA,2025-01-01T00:00:00Z,2.5\nA,2025-01-01T00:01:00Z,"1,5"\n'
    samples, rejected = read(open_import(write(tmp_path, text)))
    assert [s.value for s in samples] == [2.5] and rejected[0].line == 3
    assert "ambiguous" in rejected[0].reason
    mixed_text = "serial;time;value\nA;2025-01-01T00:00:00Z;2.5\nA;2025-01-01T00:01:00Z;1,5\n"
    mixed = write(tmp_path, mixed_text, name="mixed.csv")
    with pytest.raises(ImportFileError, match="both"):
        open_import(mixed)


def test_duplicate_header_the_mapping_needs(tmp_path: Path) -> None:
    path = write(tmp_path, "serial,time,value,value\nA,2025-01-01T00:00:00Z,1,2\n")
    with pytest.raises(ImportFileError, match="appears 2 times"):
        open_import(path)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"   \n\n", "empty"),
        (b"\x00\x01\x02\xff" * 100, "binary"),
        (b"just one line of text\n", "header"),
    ],
)
def test_unusable_files(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(ImportFileError, match=message) as caught:
        open_import(path)
    assert "bad.csv" in str(caught.value)


def test_wrong_encoding_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "serial,time,value\nSüd,2025-01-01T00:00:00Z,1\n", "cp1252")
    with pytest.raises(ImportFileError, match="encoding"):
        open_import(path, ImportOptions(encoding="utf-8"))


def test_date_order_from_many_rows_and_given_format(tmp_path: Path) -> None:
    text = "serial,time,value\nA,01/02/2025 10:00,1\nA,13/02/2025 10:00,2\n"
    samples, _ = read(open_import(write(tmp_path, text), ImportOptions(timezone="UTC")))
    assert [s.time_ms for s in samples] == [ms(2025, 2, 1, 10), ms(2025, 2, 13, 10)]
    given = ImportOptions(timezone="UTC", date_format="%d/%m/%Y %H:%M")
    samples, _ = read(open_import(write(tmp_path, text), given))
    assert samples[0].time_ms == ms(2025, 2, 1, 10)


def test_generic_date_order_that_no_row_decides_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "serial,date,value\nA,01/02/2025 10:00,1\nA,03/04/2025 10:00,2\n")
    with pytest.raises(ImportFileError, match="--date-format"):
        open_import(path, ImportOptions(timezone="UTC"))
    parsed = open_import(path, ImportOptions(timezone="UTC", date_format="%m/%d/%Y %H:%M"))
    samples, _ = read(parsed)
    assert [s.time_ms for s in samples] == [ms(2025, 1, 2, 10), ms(2025, 3, 4, 10)]


def test_separate_date_and_time_columns(tmp_path: Path) -> None:
    text = "instrument;date;time;reading\nX;2025-06-01;12:00;1\nX;2025-06-01;12:30:15;2\n"
    samples, rejected = read(open_import(write(tmp_path, text), ImportOptions(timezone="+02:00")))
    assert rejected == []
    assert [s.time_ms for s in samples] == [ms(2025, 6, 1, 10), ms(2025, 6, 1, 10, 30, 15)]


def test_progress_position(tmp_path: Path) -> None:
    parsed = open_import(write(tmp_path, EXPORT))
    read(parsed)
    assert parsed.total_bytes == len(EXPORT.encode()) and parsed.position() == parsed.total_bytes
    assert parsed.preview[0][:3] == ["device", "serial", "time"]


# --- Excel -----------------------------------------------------------------------------------


def test_xlsx(tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Data"
    sheet.append(["Device", "Serial", "Time", "Value", "Unit", "Note"])
    sheet.append(["Pump", "P-1", datetime(2026, 3, 29, 1, 30), 1.5, "bar", "ok"])
    sheet.append(["Pump", "P-1", "2026-03-29 02:30", "2,5", "bar", "gap"])
    sheet.append(["Pump", "P-1", datetime(2026, 3, 30, 12, 0), 7, "bar", None])
    sheet.append([None, None, None, None, None, None])
    sheet.append(["Pump", "P-1", datetime(2026, 3, 30, 13, 0), 8, "bar", None])
    sheet.cell(row=4, column=6).value = "=cmd|' /C calc'!A0"
    sheet.cell(row=4, column=6).data_type = "s"
    path = tmp_path / "book.xlsx"
    book.save(path)
    assert detect_format(path) == "xlsx"
    with pytest.raises(ImportFileError, match="--tz"):
        open_import(path)
    parsed = open_import(path, ImportOptions(timezone="Europe/Berlin", sheet="Data"))
    assert parsed.format == "xlsx"
    assert [(c.serial, c.name) for c in parsed.channels] == [("P-1", "Pump")]
    samples, rejected = read(parsed)
    assert [(s.line, s.time_ms, s.value) for s in samples] == [
        (2, ms(2026, 3, 29, 0, 30), 1.5),
        (4, ms(2026, 3, 30, 10), 7.0),
        (6, ms(2026, 3, 30, 11), 8.0),
    ]
    assert [r.line for r in rejected] == [3] and "does not exist" in rejected[0].reason
    assert [s.note for s in samples] == ["ok", "=cmd|' /C calc'!A0", None]
    with pytest.raises(ImportFileError, match="no sheet"):
        open_import(path, ImportOptions(timezone="UTC", sheet="Nope"))


def test_damaged_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    with pytest.raises(ImportFileError, match=r"broken\.xlsx"):
        open_import(path)


def test_hobo_classic_header_with_lgr_serial_keeps_unit_and_serial(tmp_path: Path) -> None:
    # No public export of this header variant was found; the header is HOBOware's own wording.
    text = (
        "Date Time, GMT+02:00\tTemp (°C) LGR S/N: 20512345, #20512345\t"
        "RH (%) LGR S/N: 20512345, #20512345\n"
        "07/14/21 10:00:00\t21.5\t55.1\n07/14/21 10:15:00\t21.75\t55.3\n"
    )
    parsed = open_import(write(tmp_path, text, name="classic.txt"))
    assert [(c.quantity, c.unit, c.serial, c.name) for c in parsed.channels] == [
        ("Temp", "°C", "20512345", "HOBO 20512345 Temp, °C"),
        ("RH", "%", "20512345", "HOBO 20512345 RH, %"),
    ]
    samples, rejected = read(parsed)
    assert rejected == [] and samples[0].time_ms == ms(2021, 7, 14, 8)


def test_an_events_only_hobo_export_says_so(tmp_path: Path) -> None:
    text = (
        '"Plot Title: 20551795"\n"#","Date Time, GMT-06:00","Coupler Detached (LGR S/N: 20551795)",'
        '"Host Connected (LGR S/N: 20551795)","End Of File (LGR S/N: 20551795)"\n'
        "1,04/16/20 10:00:00 AM,Logged,,\n2,04/16/20 10:05:00 AM,,Logged,Logged\n"
    )
    with pytest.raises(ImportFileError, match="holds only event columns") as refused:
        open_import(write(tmp_path, text))
    reason = str(refused.value)
    assert "Coupler Detached" in reason and "no readings to import" in reason


def test_thousands_in_a_tab_separated_dot_decimal_file_are_read(tmp_path: Path) -> None:
    text = (
        "serial\ttime\tvalue\n"
        "A\t2025-01-01T00:00:00Z\t1,377.8\n"
        "A\t2025-01-01T00:01:00Z\t998.25\n"
        "A\t2025-01-01T00:02:00Z\t1,402\n"
        "A\t2025-01-01T00:03:00Z\t1,40\n"  # not groups of three: refused, never 140 or 1.4
    )
    samples, rejected = read(open_import(write(tmp_path, text)))
    assert [s.value for s in samples] == [1377.8, 998.25, 1402.0]
    assert [r.line for r in rejected] == [5] and "ambiguous" in rejected[0].reason


def test_dates_that_change_how_they_are_written_part_way_are_refused(tmp_path: Path) -> None:
    # A HOBO export re-saved by Excel part-way (no public file of this kind was found).
    text = (
        'Plot Title: SITE_RH,,,\n#,"Date Time, GMT-05:00","RH, % (LGR S/N: 1)",\n'
        "1,04/01/19 00:00,55.1,\n2,04/01/19 01:00,55.3,\n3,2004-01-19 02:00,55.2,\n"
    )
    with pytest.raises(ImportFileError, match="written in 2 ways") as refused:
        open_import(write(tmp_path, text))
    assert "'04/01/19 00:00' (first in data row 1)" in str(refused.value)
    assert "'2004-01-19 02:00' (first in data row 3)" in str(refused.value)


def test_a_generic_file_whose_later_dates_decide_the_order(tmp_path: Path) -> None:
    # Every 5 minutes from 1 January: the first 1000 rows (to 4 January) read as day first
    # and as month first; only the rows from 13 January on decide, deep in the file.
    start = datetime(2025, 1, 1, tzinfo=UTC)
    rows = [start + timedelta(minutes=5 * n) for n in range(4000)]
    body = "".join(f"A,{t:%m/%d/%Y %H:%M},{n}\n" for n, t in enumerate(rows))
    path = write(tmp_path, "serial,time,value\n" + body)
    parsed = open_import(path, ImportOptions(timezone="UTC"))
    assert "MM/DD/YYYY" in parsed.description
    samples, rejected = read(parsed)
    assert rejected == [] and samples[-1].time_ms == int(rows[-1].timestamp() * 1000)
    head = write(
        tmp_path, "serial,time,value\n" + "".join(body.splitlines(True)[:1000]), name="h.csv"
    )
    with pytest.raises(ImportFileError, match="MM/DD/YYYY and DD/MM/YYYY"):
        open_import(head, ImportOptions(timezone="UTC"))


def test_a_table_without_the_columns_says_which_and_what_to_do(tmp_path: Path) -> None:
    path = write(tmp_path, "when,amount\n2025-01-01T00:00:00Z,1.5\n")
    with pytest.raises(ImportFileError) as refused:
        open_import(path)
    reason = str(refused.value)
    assert "no value column, no time column and no device or serial column" in reason
    assert "no a " not in reason and "--map value=" in reason and "--format" in reason


def test_a_settings_block_before_the_header_is_not_told_to_use_map(tmp_path: Path) -> None:
    path = write(tmp_path, "Site: North well\nOperator: Ann\n\nwhen;reading\n")
    with pytest.raises(ImportFileError) as refused:
        open_import(path)
    reason = str(refused.value)
    assert "line 1 ('Site: North well') is not a header line" in reason
    assert "--map" not in reason and "--format" in reason


@pytest.mark.parametrize(
    ("title", "time", "row_number", "event"),
    [
        ("Titre du tracé", "Date Heure, GMT+01:00", "N°", "Coupleur détaché"),
        ("Título del gráfico", "Fecha Tiempo, GMT+01:00", "Nº", "Acoplador desconectado"),
    ],
)
def test_hobo_in_french_and_spanish(
    tmp_path: Path, title: str, time: str, row_number: str, event: str
) -> None:
    # HOBOware's own words for these headers; no public French or Spanish export was found.
    text = (  # in these languages HOBOware separates with ";" and writes a decimal comma
        f'"{title}: 20512345"\n"{row_number}";"{time}";"Temp, °C (LGR S/N: 20512345)";'
        f'"{event} (LGR S/N: 20512345)"\n'
        "1;07/14/21 10:00:00;21,5;Enregistré\n2;07/14/21 10:15:00;21,75;\n"
    )
    parsed = open_import(write(tmp_path, text, "cp1252"))
    assert parsed.format == "hobo" and [c.serial for c in parsed.channels] == ["20512345"]
    assert [c.unit for c in parsed.channels] == ["°C"]
    samples, rejected = read(parsed)
    assert rejected == [] and [s.value for s in samples] == [21.5, 21.75]
    assert samples[0].time_ms == ms(2021, 7, 14, 9)


def test_a_value_too_small_to_store_is_refused_not_saved_as_zero(tmp_path: Path) -> None:
    text = "serial,time,value\nA,2025-01-01T00:00:00Z,1e-400\nA,2025-01-01T00:01:00Z,0e-5\n"
    samples, rejected = read(open_import(write(tmp_path, text)))
    assert [s.value for s in samples] == [0.0] and samples[0].line == 3
    assert [r.line for r in rejected] == [2] and "too small" in rejected[0].reason


def test_dates_no_order_reads_as_a_logger_writes_them_ask_for_the_format(tmp_path: Path) -> None:
    # Month first, but the clock jumps to 2031 part-way: read either way, some dates lie in the
    # future, so no order fits every row; with the format given, only those rows are refused.
    rows = ["06/01/2025 10:00", "06/02/2025 10:00", "06/03/2031 10:00", "06/04/2025 10:00"]
    text = "serial,time,value\n" + "".join(f"A,{t},{n}\n" for n, t in enumerate(rows))
    path = write(tmp_path, text)
    with pytest.raises(ImportFileError, match="check the logger's clock"):
        open_import(path, ImportOptions(timezone="UTC"))
    given = ImportOptions(timezone="UTC", date_format="%m/%d/%Y %H:%M")
    samples, rejected = read(open_import(path, given))
    assert len(samples) == 3 and [r.line for r in rejected] == [4]
    assert "future" in rejected[0].reason
