"""The import wizard: pick a file, check how it was read, see the dry run, then import.

1. **File** — the file (chosen, or dropped on the window), its format (detected unless set),
   the time zone of times that carry no offset, and whether unknown devices may be created.
2. **Preview** — what the parser made of it: the first rows as split, the channels with their
   units and serials, and for a generic CSV or Excel file which column is which.
3. **Check** — the dry-run report: rows accepted, rejected (with line and reason), duplicates
   skipped, devices that would be created. *Import* writes exactly that, as one batch.

Everything that reads the file or the database runs on the database thread (``gui.ops``); the
dry run and the import report progress as a percentage and can be cancelled, leaving nothing.
"""

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QWidget,
    QWizard,
)

from core.db import Database
from core.importing.formats import ImportOptions, open_import
from core.importing.parsed import ParsedFile
from core.importing.report import ImportReport
from core.importing.service import import_parsed
from gui.import_pages import CheckPage, FilePage, PreviewPage
from gui.ops import Ops


class ImportWizard(QWizard):
    """Modeless; ``imported`` carries the report once a batch has been written."""

    imported = Signal(object)  # ImportReport
    progressed = Signal(int, int)  # bytes read, file size (from the database thread)

    def __init__(self, ops: Ops, db: Database, path: Path | None = None,
                 parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.setObjectName("importWizard")
        self.setWindowTitle("Import readings")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setMinimumSize(820, 600)
        self._ops, self._db = ops, db
        self.parsed: ParsedFile | None = None
        self.report: ImportReport | None = None
        self.busy = False
        self._cancel = threading.Event()
        self.file_page = FilePage(self, path)
        self.preview_page = PreviewPage(self)
        self.check_page = CheckPage(self)
        for page in (self.file_page, self.preview_page, self.check_page):
            self.addPage(page)
        self.setButtonText(QWizard.WizardButton.FinishButton, "&Import")
        self.progressed.connect(self.check_page.show_progress)

    # --- what the pages ask for --------------------------------------------------------------

    def import_options(self) -> ImportOptions:
        page = self.file_page
        chosen = page.format.currentData()
        mapping = self.preview_page.mapping() if self.parsed is not None else None
        return ImportOptions(format=chosen, timezone=page.zone.currentText().strip() or None,
                             date_format=page.date_format(), mapping=mapping or None)  # fmt: skip

    def read_file(self, then: Callable[[ParsedFile], None],
                  failed: Callable[[BaseException], None]) -> None:  # fmt: skip
        """Open the file with the current options on the database thread."""
        path, options = self.file_page.path(), self.import_options()
        self._run(lambda: open_import(path, options), then, failed)

    def dry_run(self) -> None:
        self._import(dry_run=True)

    def commit(self) -> None:
        self._import(dry_run=False)

    def cancel_work(self) -> None:
        self._cancel.set()

    def _import(self, *, dry_run: bool) -> None:
        path, options, db = self.file_page.path(), self.import_options(), self._db
        create = self.file_page.create_devices.isChecked()
        self._cancel.clear()
        cancelled, progress = self._cancel.is_set, self.progressed.emit

        def work() -> ImportReport:
            parsed = open_import(path, options)  # a parsed file is read once: open it afresh
            return import_parsed(db, parsed, dry_run=dry_run, create_devices=create,
                                 progress=progress, cancelled=cancelled)  # fmt: skip

        self.check_page.started(dry_run)
        self._run(work, lambda report: self._on_report(report, dry_run), self.check_page.failed)

    def _on_report(self, report: ImportReport, dry_run: bool) -> None:
        self.report = report
        self.check_page.show_report(report)
        if not dry_run:
            self.imported.emit(report)
            super().accept()

    def _run(self, work: Callable[[], Any], done: Callable[[Any], None],
             failed: Callable[[BaseException], None]) -> None:  # fmt: skip
        self.busy = True
        self._update_buttons()

        def finish(handler: Callable[[Any], None]) -> Callable[[Any], None]:
            def call(outcome: Any) -> None:
                self.busy = False
                self._update_buttons()
                handler(outcome)

            return call

        self._ops.run(work, done=finish(done), failed=finish(failed), label="Importing")

    def _update_buttons(self) -> None:
        for which in (QWizard.WizardButton.BackButton, QWizard.WizardButton.NextButton):
            self.button(which).setEnabled(not self.busy)
        self.check_page.completeChanged.emit()

    # --- QWizard -------------------------------------------------------------------------------

    def accept(self) -> None:
        """*Import*: the batch is written first; the wizard closes when it has been."""
        if not self.busy and self.report is not None:
            self.commit()

    def reject(self) -> None:
        if self.busy:
            self.cancel_work()  # the op finishes (rolled back) before the wizard goes
            return
        super().reject()
