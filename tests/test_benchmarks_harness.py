"""The benchmark harness must not rot: verdicts follow the numbers, and targets run."""

import math
import re

import pytest

from benchmarks.__main__ import TARGETS, main, on_postgres, run_postgres_target, run_target
from benchmarks.harness import Result, Sizes
from devtools.postgres_server import Server

TINY = Sizes(quick=True, tiny=True)
# The Qt-free targets; T4-T6 and T9 need a display and T5 spawns processes, so `make bench` runs
# them.
CORE_TARGETS = ["T1", "T2", "T3", "T7", "T8"]
LINE = re.compile(
    r"^(?P<target>T\d) .* fieldlog +(?P<ours>\S+) \S+ +baseline +(?P<baseline>\S+) \S+ +"
    r"ratio +(?P<ratio>\S+)x goal ≤ (?P<goal>[\d.]+)x.* (?P<verdict>PASS|FAIL)"
)


def test_the_verdict_follows_the_ratio_and_the_absolute_limit() -> None:
    assert Result("T9", "x", 2.0, 1.0, "ms", 2.0).passed
    assert not Result("T9", "x", 2.1, 1.0, "ms", 2.0).passed
    assert not Result("T9", "x", 6.0, 1.0, "ms", 20.0, absolute_limit=5.0).passed
    assert not Result("T9", "x", 1.0, 1.0, "ms", 2.0, note="table copied!", holds=False).passed
    line = Result("T9", "x", 3.0, 2.0, "ms", 2.0).line()
    assert "ratio   1.50x" in line and line.rstrip().endswith("PASS")


def test_tiny_sizes_shrink_every_pick() -> None:
    assert TINY.pick(200_000, 10_000_000) == 2000
    assert TINY.pick(20, 1000) == 10
    assert Sizes(quick=False).pick(20, 1000) == 1000


@pytest.mark.parametrize("target", CORE_TARGETS)
def test_a_target_measures_both_sides(target: str) -> None:
    result = run_target(target, TINY, 1)
    assert result.target == target
    assert result.ours > 0 and result.baseline > 0 and math.isfinite(result.ratio)
    within = result.absolute_limit is None or result.ours <= result.absolute_limit
    assert result.passed == (result.ratio <= result.goal and within and result.holds)


@pytest.mark.parametrize("target", [t for t in CORE_TARGETS if on_postgres(t)])
def test_a_postgresql_row_measures_both_sides(target: str, postgres_server: Server) -> None:
    result = run_postgres_target(target, TINY, 1, postgres_server)
    assert result.target == target and "PostgreSQL" in result.what
    assert result.ours > 0 and result.baseline > 0 and math.isfinite(result.ratio)
    assert result.holds, result.note


def test_the_postgresql_rows_are_those_of_t1_t3_and_t7() -> None:
    assert [target for target in TARGETS if on_postgres(target)] == ["T1", "T3", "T7"]


def test_the_upgrade_target_sees_no_table_copy() -> None:
    result = run_target("T8", TINY, 1)
    assert result.holds and result.note == "no table copy"


@pytest.mark.postgres  # T7's second line: the harness starts a PostgreSQL server of its own
def test_the_command_line_prints_one_consistent_line_per_target(capsys) -> None:
    assert main(["--tiny", "--only", "t2, T7", "--repeat", "1"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "only ratios" in lines[0]
    found = [LINE.match(line) for line in lines[1:]]
    assert [m["target"] for m in found if m] == ["T2", "T7", "T7"]
    assert "PostgreSQL" in lines[-1] and "PostgreSQL" not in lines[-2]
    for m in filter(None, found):
        assert float(m["ours"]) > 0 and float(m["baseline"]) > 0
        if "and ≤" not in m.string:  # T7 also has an absolute limit
            assert (m["verdict"] == "PASS") == (float(m["ratio"]) <= float(m["goal"]))


@pytest.mark.parametrize(
    "argv", [["--quick", "--full"], ["--only", "T2,T42"], ["--repeat", "0"], ["--tiny", "--full"]]
)
def test_the_command_line_refuses_bad_arguments(argv: list[str]) -> None:
    with pytest.raises(SystemExit):
        main(argv)


def test_the_command_line_knows_every_target() -> None:
    assert list(TARGETS) == ["T1", "T2", "T3", "T4", "T5", "T6", "T7", "T8", "T9", "T10"]
