"""``python -m benchmarks [--quick | --full] [--only T2,T7] [--repeat N]``."""

import argparse
import importlib
import sys
import tempfile
import traceback
from pathlib import Path

from benchmarks.data import quiet_env
from benchmarks.harness import Result, Sizes

TARGETS = {
    "T2": "benchmarks.t2_size",
    "T3": "benchmarks.t3_series",
    "T4": "benchmarks.t4_chart",
    "T5": "benchmarks.t5_cold_start",
    "T6": "benchmarks.t6_device_table",
    "T7": "benchmarks.t7_save",
    "T8": "benchmarks.t8_upgrade",
}


def run_target(target: str, sizes: Sizes, repeat: int) -> Result:
    module = importlib.import_module(TARGETS[target])
    with tempfile.TemporaryDirectory(prefix=f"fieldlog-bench-{target}-") as folder:
        result: Result = module.run(sizes, Path(folder), repeat)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--quick", action="store_true", help="small sizes (the default; CI)")
    mode.add_argument("--full", action="store_true", help="the sizes of PERFORMANCE.md")
    parser.add_argument("--only", help="comma-separated targets, e.g. T2,T7")
    parser.add_argument("--repeat", type=int, default=None)
    args = parser.parse_args(argv)
    quiet_env()
    sizes = Sizes(quick=not args.full)
    repeat = args.repeat or (3 if sizes.quick else 5)
    chosen = args.only.upper().split(",") if args.only else list(TARGETS)
    print(f"FieldLog benchmarks, {'quick' if sizes.quick else 'full'} mode, median of {repeat}. "
          "Shared, noisy machine: only ratios to the same-run baseline mean anything.")  # fmt: skip
    crashed = False
    for target in chosen:
        try:
            print(run_target(target, sizes, repeat).line(), flush=True)
        except Exception:
            crashed = True
            print(f"{target}   CRASHED", flush=True)
            traceback.print_exc()
    return 1 if crashed else 0


if __name__ == "__main__":
    sys.exit(main())
