"""Failure messages: FieldLog's own words, and the details in the log the message points to."""

import logging

import pytest

from core.errors import NotFoundError
from gui.messages import explain


def test_our_errors_speak_for_themselves(caplog: pytest.LogCaptureFixture) -> None:
    assert explain(NotFoundError("There is no device with id 7."), "x") == (
        "There is no device with id 7."
    )
    assert caplog.records == []


def test_a_bug_is_logged_with_its_traceback_and_not_shown(
    caplog: pytest.LogCaptureFixture,
) -> None:
    try:
        raise KeyError("internal detail")
    except KeyError as exc:
        with caplog.at_level(logging.ERROR, logger="fieldlog.gui"):
            text = explain(exc, "The export failed")
    assert text == "The export failed. Nothing was changed; the details are in the log file."
    (record,) = caplog.records
    assert record.exc_info is not None and "internal detail" not in text


def test_a_full_disk_is_said_plainly() -> None:
    text = explain(OSError(28, "No space left on device"), "The export failed", logged=True)
    assert text == "The export failed: No space left on device. Nothing was changed."
