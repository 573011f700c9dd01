"""GUI tests drive the real widgets offscreen, and fail on Qt warnings and on leaks.

``qt_log_level_fail`` (pyproject.toml) turns every Qt warning into a failure. The fixture below
fails a test that leaves a database thread running, a window open, or a Python thread alive.
"""

import gc
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, QSettings
from PySide6.QtWidgets import QApplication

from gui import ops as ops_module
from gui.ops import Ops


@pytest.fixture
def ops() -> Iterator[Ops]:
    """A database thread for the widgets under test, stopped afterwards."""
    runner = Ops()
    yield runner
    runner.shutdown()


@pytest.fixture
def model_owner(ops: Ops) -> Iterator[QObject]:
    """The parent of a model under test. The database thread stops before it goes: no answer
    may arrive for a deleted model."""
    owner = QObject()
    yield owner
    ops.shutdown()
    owner.deleteLater()


@pytest.fixture(autouse=True)
def _own_settings(qapp: QApplication, tmp_path: Path) -> Iterator[None]:
    """Each test gets empty QSettings in its own folder, never the developer's."""
    qapp.setOrganizationName("FieldLogTests")
    qapp.setApplicationName("FieldLogTests")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "qs"))
    yield


@pytest.fixture(autouse=True)
def _no_leaks(qapp: QApplication) -> Iterator[None]:
    threads_before = set(threading.enumerate())
    yield
    QApplication.processEvents()
    gc.collect()
    running = [o for o in ops_module.live_ops() if o.running]
    assert running == [], "an Ops database thread was left running: call shutdown()"
    visible = [w for w in QApplication.topLevelWidgets() if w.isVisible()]
    for widget in visible:
        widget.close()
    assert visible == [], f"widgets left open: {visible}"
    leaked = [t for t in threading.enumerate() if t not in threads_before and _python_thread(t)]
    assert leaked == [], f"threads left running: {leaked}"


def _python_thread(thread: threading.Thread) -> bool:
    """A thread Python started (QThreads show up as dummies that Python never forgets)."""
    return thread.is_alive() and type(thread).__name__ != "_DummyThread"
