"""Start the window: parse the options, set up logging, paint, then open the database."""

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

from PySide6.QtWidgets import QApplication, QMessageBox

from gui.resources import icon_path

log = logging.getLogger("fieldlog.gui")
DEMO_FILENAME = "FieldLog sample.db"
LOG_MAX_BYTES = 2_000_000
LOG_KEEP = 3  # older logs kept beside the current one


def build_parser() -> argparse.ArgumentParser:
    from core import __version__

    parser = argparse.ArgumentParser(
        prog="fieldlog",
        description="FieldLog: instrument inventory and reading log. With a command "
        "(db, device, reading) it runs the support command line instead: fieldlog db --help.",
    )
    parser.add_argument("--version", action="version", version=f"FieldLog {__version__}")
    parser.add_argument("--db", type=Path, help="database file to open ($FIELDLOG_DB, else "
                        "the per-user file)")  # fmt: skip
    parser.add_argument("--demo", action="store_true",
                        help="open a sample database full of devices and readings (created "
                        "if it does not exist; --db chooses the file)")  # fmt: skip
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="run the real launch path on a temporary database, then exit",
    )
    parser.add_argument("--screenshot", type=Path, help="with --self-test: save the window as PNG")
    return parser


def configure_logging() -> Path:
    """Everything at INFO and above goes to the per-user log file; nothing to the user."""
    from core.paths import log_dir

    path = log_dir() / "fieldlog.log"
    root = logging.getLogger()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        rotate_log(path)
        handler: logging.Handler = logging.FileHandler(path, encoding="utf-8")
    except OSError:
        handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    logging.captureWarnings(True)
    return path


def rotate_log(path: Path, max_bytes: int = LOG_MAX_BYTES, keep: int = LOG_KEEP) -> None:
    """Start a new log when the current one is big: ``fieldlog.log`` becomes ``.1``, ``.1``
    becomes ``.2``, and so on. Done once at start rather than by ``RotatingFileHandler``, which
    renames the open file mid-run (refused on Windows while a second FieldLog has it open) and
    whose module costs the first paint 10 ms. A file that cannot be renamed is left to grow."""
    try:
        if path.stat().st_size < max_bytes:
            return
        for number in range(keep - 1, 0, -1):
            older = path.with_name(f"{path.name}.{number}")
            if older.exists():
                older.replace(path.with_name(f"{path.name}.{number + 1}"))
        path.replace(path.with_name(f"{path.name}.1"))
    except OSError:
        return


def install_excepthook(log_file: Path) -> None:
    """A failure nobody caught is logged in full; the user gets a plain message, no traceback."""

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        log.critical("unexpected error", exc_info=(kind, exc, tb))
        if QApplication.instance() is not None:
            QMessageBox.warning(None, "FieldLog", "Something went wrong. Your data is safe; "
                                f"the details were written to {log_file}.")  # fmt: skip

    sys.excepthook = hook


def make_application(argv0: str = "fieldlog") -> QApplication:
    from core import __version__

    app = QApplication.instance() or QApplication([argv0])
    assert isinstance(app, QApplication)
    app.setOrganizationName("FieldLog")
    app.setApplicationName("FieldLog")
    app.setApplicationVersion(__version__)
    return app


def set_icon(app: QApplication) -> None:
    from PySide6.QtGui import QIcon

    app.setWindowIcon(QIcon(str(icon_path())))


def demo_path(option: Path | None) -> Path:
    from core.paths import default_db_path

    return option or default_db_path().with_name(DEMO_FILENAME)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    log_file = configure_logging()
    app = make_application()
    if args.self_test:
        from gui.selftest import run_self_test

        set_icon(app)
        return run_self_test(app, args.screenshot, log_file)
    install_excepthook(log_file)
    from gui.main_window import MainWindow

    window = MainWindow(log_file)
    window.show()
    if os.environ.get("FIELDLOG_EXIT_AFTER_FIRST_PAINT"):  # the cold-start benchmark (T5)
        window.first_painted.connect(app.quit)
        return app.exec()
    from gui.recent import startup_database

    path = demo_path(args.db) if args.demo else startup_database(args.db)
    window.first_painted.connect(lambda: set_icon(app))  # a few ms the first paint need not wait
    window.first_painted.connect(lambda: window.open_path(path, demo=args.demo))
    return app.exec()
