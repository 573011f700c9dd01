"""The operations run on a real database thread (one that notes where each work ran), on a
database made by migrating (``tests/conftest.py``)."""

from collections.abc import Iterator

import pytest

from tests.gui.operations.support import WatchedOps


@pytest.fixture
def ops() -> Iterator[WatchedOps]:
    runner = WatchedOps()
    yield runner
    runner.shutdown()
