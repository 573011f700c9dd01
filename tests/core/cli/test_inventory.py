"""``fieldlog device`` and ``fieldlog reading``: adding and listing, and values refused."""

import pytest

from core.cli import EXIT_ERROR, EXIT_OK, main
from tests.core.cli.cli_support import run


def test_device_and_reading_commands(capsys, tmp_path) -> None:
    db = tmp_path / "f.db"
    run(
        capsys,
        "--db",
        db,
        "device",
        "add",
        "Boiler",
        "--serial",
        "SN-1",
        "--unit",
        "bar",
        "--high",
        "5",
    )
    code, out, err = run(
        capsys, "--db", db, "reading", "add", "SN-1", "7.5", "--at", "2026-03-01T10:00+02:00"
    )
    assert code == EXIT_OK and "7.5 bar" in out and "above" in err
    code, out, _ = run(capsys, "--db", db, "reading", "list", "SN-1")
    assert "2026-03-01" in out and "above limits" in out
    code, out, _ = run(capsys, "--db", db, "device", "list", "--filter", "boil")
    assert "Boiler" in out and "SN-1" in out


def test_an_ambiguous_value_is_refused(capsys, tmp_path) -> None:
    db = tmp_path / "f.db"
    run(capsys, "--db", db, "device", "add", "Boiler", "--serial", "SN-1")
    with pytest.raises(SystemExit) as raised:
        main(["--db", str(db), "reading", "add", "SN-1", "1,5"])
    assert raised.value.code == 2
    assert "ambiguous" in capsys.readouterr().err


def test_unknown_device_is_a_clear_error(capsys, tmp_path) -> None:
    code, _, err = run(capsys, "--db", tmp_path / "f.db", "reading", "add", "NOPE", "1")
    assert code == EXIT_ERROR and "'NOPE'" in err


def test_reading_add_keeps_the_typed_resolution(tmp_path, capsys) -> None:
    db = ["--db", str(tmp_path / "cli.db")]
    assert main([*db, "device", "add", "Gauge", "--serial", "G-1", "--unit", "bar"]) == 0
    assert main([*db, "reading", "add", "G-1", "4.00"]) == 0
    assert "saved: 4.00 bar" in capsys.readouterr().out
    assert main([*db, "reading", "list", "G-1"]) == 0
    assert "        4.00 bar" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["reading", "add", "99999999999999999999", "4"], "There is no device with id 9999"),
        (["reading", "list", "99999999999999999999"], "There is no device with id 9999"),
        (["reading", "add", "G-1", "4", "--note", "bad \udcff byte"], "note: holds bytes"),
        (["device", "add", "Pump \udcfe"], "name: holds bytes"),
    ],
)
def test_odd_values_get_one_clear_line(capsys, tmp_path, argv, said) -> None:
    """Values a shell can pass (a 20-digit id, bytes that are not UTF-8): one line saying
    what is wrong, never "unexpected error" (issue 12)."""
    db = ["--db", str(tmp_path / "odd.db")]
    assert run(capsys, *db, "device", "add", "Gauge", "--serial", "G-1")[0] == EXIT_OK
    code, _out, err = run(capsys, *db, *argv)
    assert code != EXIT_OK and said in err
    assert "unexpected" not in err and "Traceback" not in err and len(err.splitlines()) == 1


def test_reading_list_to_a_date_includes_that_whole_day(capsys, tmp_path, kolkata) -> None:
    """As export's --to does: "--from 2026-03-01 --to 2026-03-01" is March 1st, local time."""
    db = ["--db", str(tmp_path / "f.db")]
    assert main([*db, "device", "add", "Gauge", "--serial", "G-1"]) == EXIT_OK
    for at, value in (("2026-02-28T23:59", "1"), ("2026-03-01T00:00", "2"),
                      ("2026-03-01T23:59", "3"), ("2026-03-02T00:00", "4")):  # fmt: skip
        assert main([*db, "reading", "add", "G-1", value, "--at", at]) == EXIT_OK
    capsys.readouterr()
    code, out, _ = run(capsys, *db, "reading", "list", "G-1", "--from", "2026-03-01",
                       "--to", "2026-03-01")  # fmt: skip
    assert code == EXIT_OK
    assert [line.split()[2] for line in out.splitlines()] == ["3", "2"]


def _add(capsys, db, name: str, *options: str) -> int:
    code, out, _ = run(capsys, "--db", db, "device", "add", name, *options)
    assert code == EXIT_OK
    return int(out.split()[1])  # "device 7 added: …"


def test_a_serial_of_digits_names_its_device(capsys, tmp_path) -> None:
    db = tmp_path / "f.db"
    _add(capsys, db, "Logger", "--serial", "00123", "--unit", "°C")
    code, out, err = run(capsys, "--db", db, "reading", "add", "00123", "1.5")
    assert code == EXIT_OK, err
    assert "1.5 °C" in out
    code, out, _ = run(capsys, "--db", db, "reading", "list", "00123")
    assert code == EXIT_OK and "1.5 °C" in out


def test_an_id_that_is_another_device_s_serial_is_refused_naming_both(capsys, tmp_path) -> None:
    db = tmp_path / "f.db"
    first = _add(capsys, db, "Boiler")
    logger = _add(capsys, db, "Logger", "--serial", str(first))
    code, _, err = run(capsys, "--db", db, "reading", "add", str(first), "1.5")
    assert code == EXIT_ERROR
    assert f"device {first} “Boiler”" in err and f"device {logger} “Logger”" in err
    assert f"id:{first}" in err and f"serial:{first}" in err
    code, out, err = run(capsys, "--db", db, "reading", "add", f"id:{first}", "1.5")
    assert code == EXIT_OK, err
    code, out, _ = run(capsys, "--db", db, "reading", "list", f"id:{first}")
    assert "1.5" in out
    code, out, _ = run(capsys, "--db", db, "reading", "list", f"serial:{first}")
    assert code == EXIT_OK and "1.5" not in out


def test_a_device_s_own_id_and_serial_name_it_once(capsys, tmp_path) -> None:
    db = tmp_path / "f.db"
    device = _add(capsys, db, "Boiler", "--serial", "1")
    assert device == 1
    code, _, err = run(capsys, "--db", db, "reading", "add", "1", "1.5")
    assert code == EXIT_OK, err


@pytest.mark.parametrize("key", ["²", "id:²", "id:", "id:99999999999999999999999"])
def test_an_id_that_is_no_number_is_a_plain_error(capsys, tmp_path, key) -> None:
    db = tmp_path / "f.db"
    _add(capsys, db, "Boiler")
    code, _, err = run(capsys, "--db", db, "reading", "add", key, "1.5")
    assert code == EXIT_ERROR and "unexpected" not in err and err.count("\n") == 1
