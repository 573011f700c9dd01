"""Results, medians and the one-line report per target.

These machines are shared and noisy: only the ratio to a baseline measured in the same run,
interleaved with FieldLog's own path, means anything.
"""

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Sizes:
    """How big each benchmark runs: quick for CI (the harness must not rot), full for real."""

    quick: bool
    tiny: bool = False  # the harness's own test: every code path, a hundredth of quick

    def pick(self, quick: int, full: int) -> int:
        if self.tiny:
            return max(quick // 100, 10)
        return quick if self.quick else full


@dataclass(frozen=True)
class Result:
    target: str
    what: str
    ours: float
    baseline: float
    unit: str
    goal: float
    absolute_limit: float | None = None  # e.g. T7: also at most 5 ms
    note: str = ""
    holds: bool = True  # a yes/no requirement of the target, e.g. T8: no table copy (see note)

    @property
    def ratio(self) -> float:
        return self.ours / self.baseline

    @property
    def passed(self) -> bool:
        within = self.absolute_limit is None or self.ours <= self.absolute_limit
        return self.ratio <= self.goal and within and self.holds

    def line(self) -> str:
        verdict = "PASS" if self.passed else "FAIL"
        limit = f" and ≤ {self.absolute_limit:g} {self.unit}" if self.absolute_limit else ""
        note = f"  [{self.note}]" if self.note else ""
        return (
            f"{self.target:<4} {self.what:<44} fieldlog {self.ours:10.4g} {self.unit:<3} "
            f"baseline {self.baseline:10.4g} {self.unit:<3} ratio {self.ratio:6.2f}x "
            f"goal ≤ {self.goal:g}x{limit}  {verdict}{note}"
        )


def timed(work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def interleaved(
    ours: Callable[[], float], baseline: Callable[[], float], repeat: int
) -> tuple[float, float]:
    """Medians of ``repeat`` alternating runs of each (each callable returns one timing)."""
    mine, theirs = [], []
    for _ in range(repeat):
        theirs.append(baseline())
        mine.append(ours())
    return statistics.median(mine), statistics.median(theirs)
