"""The layering docs/ARCHITECTURE.md states: core/ never imports Qt or gui/, gui/ holds no SQL."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
QT = ("PySide6", "pyqtgraph", "shiboken6", "gui")


def imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return names


def test_core_never_imports_qt_or_the_window() -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(n for n in imported(path) if n.split(".")[0] in QT)
        for path in sorted((ROOT / "core").rglob("*.py"))
    }
    assert {path: names for path, names in offenders.items() if names} == {}


def test_the_window_holds_no_sql() -> None:
    offenders = []
    for path in sorted((ROOT / "gui").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        names = {n.split(".")[0] for n in imported(path)}
        if names & {"sqlite3", "sqlalchemy"} or "SELECT " in text or "INSERT INTO" in text:
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_screens_reach_the_database_thread_only_through_named_operations() -> None:
    """``Ops.run(work, …)`` is called by the operations and the undo stack that reruns them;
    every screen and model calls a named operation of ``gui/operations/`` instead."""
    allowed = {"gui/ops.py", "gui/undo.py"}
    offenders = []
    for path in sorted((ROOT / "gui").rglob("*.py")):
        name = str(path.relative_to(ROOT))
        if name in allowed or name.startswith("gui/operations/"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not (node.args or node.keywords):
                continue  # DatabaseOp.run() takes nothing; Ops.run takes the work
            if isinstance(node.func, ast.Attribute) and node.func.attr == "run":
                offenders.append(f"{name}:{node.lineno}")
    assert offenders == []
