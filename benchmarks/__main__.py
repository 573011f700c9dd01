"""``python -m benchmarks [--quick | --full] [--only T2,T7] [--repeat N]``.

T1, T3 and T7 print a second line, on PostgreSQL: a private server is started for them
(``devtools.postgres_server``, as the tests do), and a machine without one fails those rows.
"""

import argparse
import importlib
import sys
import tempfile
import traceback
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from benchmarks.data import quiet_env
from benchmarks.harness import Result, Sizes

if TYPE_CHECKING:
    from devtools.postgres_server import Server

TARGETS = {
    "T1": "benchmarks.t1_import",
    "T2": "benchmarks.t2_size",
    "T3": "benchmarks.t3_series",
    "T4": "benchmarks.t4_chart",
    "T5": "benchmarks.t5_cold_start",
    "T6": "benchmarks.t6_device_table",
    "T7": "benchmarks.t7_save",
    "T8": "benchmarks.t8_upgrade",
    "T9": "benchmarks.t9_responsiveness",
    "T10": "benchmarks.t10_exports",
}


def run_target(target: str, sizes: Sizes, repeat: int) -> Result:
    module = importlib.import_module(TARGETS[target])
    with tempfile.TemporaryDirectory(prefix=f"fieldlog-bench-{target}-") as folder:
        result: Result = module.run(sizes, Path(folder), repeat)
    return result


def on_postgres(target: str) -> bool:
    """Whether ``target`` has a PostgreSQL row too (T1, T3, T7)."""
    return hasattr(importlib.import_module(TARGETS[target]), "run_postgres")


def run_postgres_target(target: str, sizes: Sizes, repeat: int, server: "Server") -> Result:
    """The PostgreSQL row of ``target``, on ``server`` (each side a database of its own)."""
    result: Result = importlib.import_module(TARGETS[target]).run_postgres(sizes, server, repeat)
    return result


def positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, not {text!r}")
    return int(text)


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--quick", action="store_true", help="small sizes (the default; CI)")
    mode.add_argument("--full", action="store_true", help="the sizes of docs/PERFORMANCE.md")
    mode.add_argument("--tiny", action="store_true", help="the harness's own test: toy sizes")
    parser.add_argument("--only", help="comma-separated targets, e.g. T2,T7")
    parser.add_argument("--repeat", type=positive, default=None, help="runs per median")
    args = parser.parse_args(argv)
    args.only = [t.strip() for t in args.only.upper().split(",")] if args.only else list(TARGETS)
    unknown = [target for target in args.only if target not in TARGETS]
    if unknown:
        parser.error(f"unknown targets {', '.join(unknown)}; known: {', '.join(TARGETS)}")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    quiet_env()
    sizes = Sizes(quick=not args.full, tiny=args.tiny)
    repeat = args.repeat or (3 if sizes.quick else 5)
    mode = "tiny" if sizes.tiny else "quick" if sizes.quick else "full"
    print(f"FieldLog benchmarks, {mode} mode, median of {repeat}. "
          "Shared, noisy machine: only ratios to the same-run baseline mean anything.")  # fmt: skip
    crashed = False
    with ExitStack() as stack:
        servers: list[Server] = []  # started at the first PostgreSQL row, then shared
        for target in args.only:
            crashed |= not _report(target, partial(run_target, target, sizes, repeat))
            if on_postgres(target):
                if not servers:
                    servers.append(stack.enter_context(_postgres_server()))
                row = partial(run_postgres_target, target, sizes, repeat, servers[0])
                crashed |= not _report(target, row)
    return 1 if crashed else 0


def _report(target: str, run: Callable[[], Result]) -> bool:
    """Print ``run()``'s line, or CRASHED with the traceback; whether it ran."""
    try:
        print(run().line(), flush=True)
    except Exception:
        print(f"{target}   CRASHED", flush=True)
        traceback.print_exc()
        return False
    return True


@contextmanager
def _postgres_server() -> Iterator["Server"]:
    """The private server of the PostgreSQL rows, started at the first one (as the tests
    start theirs: ``devtools.postgres_server``)."""
    from devtools.postgres_server import start

    server = start()
    try:
        yield server
    finally:
        server.stop()


if __name__ == "__main__":
    sys.exit(main())
