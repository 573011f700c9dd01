"""The benchmark harness must not rot: verdicts follow the numbers, and targets run."""

import math
from pathlib import Path

import pytest

from benchmarks import t2_size, t7_save, t8_upgrade
from benchmarks.__main__ import TARGETS, main
from benchmarks.harness import Result, Sizes


def test_the_verdict_follows_the_ratio_and_the_absolute_limit() -> None:
    assert Result("T9", "x", 2.0, 1.0, "ms", 2.0).passed
    assert not Result("T9", "x", 2.1, 1.0, "ms", 2.0).passed
    assert not Result("T9", "x", 6.0, 1.0, "ms", 20.0, absolute_limit=5.0).passed
    line = Result("T9", "x", 3.0, 2.0, "ms", 2.0).line()
    assert "ratio   1.50x" in line and line.rstrip().endswith("PASS")


class Tiny(Sizes):
    def pick(self, quick: int, full: int) -> int:
        return max(quick // 100, 50)


@pytest.mark.parametrize("module", [t2_size, t7_save, t8_upgrade])
def test_a_target_measures_both_sides(module, tmp_path: Path) -> None:
    result = module.run(Tiny(quick=True), tmp_path, 1)
    assert result.ours > 0 and result.baseline > 0 and math.isfinite(result.ratio)
    assert result.passed == (result.ratio <= result.goal and (
        result.absolute_limit is None or result.ours <= result.absolute_limit))  # fmt: skip


def test_the_command_line_knows_every_target() -> None:
    assert list(TARGETS) == ["T2", "T3", "T4", "T5", "T6", "T7", "T8"]
    with pytest.raises(SystemExit):
        main(["--quick", "--full"])
