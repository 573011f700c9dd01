"""Every real export in the corpus (``tests/fixtures/loggers``) is read exactly as its
hand-written expectation says, or refused with its reason (issue 13). Never a guess.

The expectations were worked out from each file's header and rows by people reading the file,
not from what the importer produced (see ``tests/core/corpus.py`` and each ``SOURCES.md``).
"""

from pathlib import Path

import pytest

from core.importing.formats import open_import
from core.importing.parsed import ImportFileError
from core.importing.service import import_parsed
from core.launch import open_database
from core.readings import count_readings
from tests.core.corpus import Case, cases, differences, options, read

CASES = cases()

# Files whose rows the importer's rules refuse, each with the rule: their readings are kept out
# on purpose, every row with that reason.
REFUSED_ROWS = {
    # A CR3000 whose clock was never set: every time is in 1939, before 1970.
    "campbell/FelipeMonts_EC_C_CP_20170804_6362.Flux.TOA": "before 1970",
}

# Layouts refused as a whole, with the reason the refusal must give: their files do not say
# what their columns hold, so no reading could be imported exactly.
REFUSED_LAYOUTS = {
    "campbell-mixed-array": "columns have no names in the file",
    "tob1": "convert it to TOA5 with CardConvert",
    "tob3": "convert it to TOA5 with CardConvert",
}

# Single files refused as a whole, with what the refusal must say (their expectation's
# "refuse" says why in the words of the file).
REFUSED_FILES = {
    # A header, then only events: the sonde lost power for the whole deployment.
    "hydrolab/SAN_20051220_CST_HY0000_000.txt": (
        "holds no readings (Power loss from 121905 180637 to 040606 150100)"
    ),
}


def test_the_corpus_is_big_and_varied() -> None:
    assert len(CASES) >= 60
    assert len({case.vendor for case in CASES}) >= 10


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_each_file_is_read_as_written_or_refused_with_its_reason(case: Case) -> None:
    reason = REFUSED_LAYOUTS.get(case.expected["format"]) or REFUSED_FILES.get(case.id)
    if case.expected.get("refuse") or reason:
        assert reason is not None, f"{case.id} is to be refused: say with what reason"
        with pytest.raises(ImportFileError) as refused:
            read(case)
        assert refused.value.path.name == case.name and "unexpected" not in str(refused.value)
        assert reason in str(refused.value)
        return
    if case.id in REFUSED_ROWS:
        _parsed, samples, rejected = read(case)
        assert samples == [] and rejected
        assert all(REFUSED_ROWS[case.id] in r.reason for r in rejected)
        return
    assert differences(case) == []


READ = [c for c in CASES if not c.expected.get("refuse") and c.id not in REFUSED_ROWS
        and c.expected["format"] not in REFUSED_LAYOUTS]  # fmt: skip


@pytest.mark.slow
@pytest.mark.parametrize("case", READ, ids=[c.id for c in READ])
def test_each_file_imports_whole_and_a_second_import_adds_nothing(
    case: Case, tmp_path: Path
) -> None:
    db = open_database(tmp_path / "corpus.db").database
    try:
        first = import_parsed(db, open_import(case.path, options(case)), create_devices=True)
        assert first.accepted == count_readings(db) > 0
        again = import_parsed(db, open_import(case.path, options(case)), create_devices=True)
        assert again.accepted == 0 and count_readings(db) == first.accepted
        assert again.duplicates == first.accepted + first.duplicates
    finally:
        db.close()
