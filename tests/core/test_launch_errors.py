"""Every way a launch can fail carries its own words and offers something to do."""

from pathlib import Path

import pytest

from core.errors import DatabaseError, NotFoundError
from core.launch_errors import (
    Action,
    CorruptDatabaseError,
    LaunchError,
    UpgradeFailedError,
    failure_of,
)


def launch_error_classes() -> list[type[LaunchError]]:
    found, todo = [], [LaunchError]
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo += cls.__subclasses__()
    return found


@pytest.mark.parametrize("cls", launch_error_classes(), ids=lambda cls: cls.__name__)
@pytest.mark.parametrize("has_backup", [True, False])
def test_every_launch_error_has_a_title_a_text_and_an_action(
    cls: type[LaunchError], has_backup: bool
) -> None:
    failure = cls(Path("/data/site.db"), "the exact line").failure(has_backup)
    assert failure.kind and failure.title.strip() and failure.summary.strip()
    assert failure.actions and all(isinstance(action, Action) for action in failure.actions)
    assert Action.QUIT in failure.actions  # there is always a way out


@pytest.mark.parametrize(
    "exc", [RuntimeError("bug"), NotFoundError("gone"), DatabaseError(Path("x"), "?")]
)
def test_any_other_failure_is_unexpected_and_can_be_tried_again(exc: BaseException) -> None:
    failure = failure_of(exc, has_backup=False)
    assert failure.kind == "unexpected" and failure.actions[0] is Action.RETRY


def test_restoring_is_offered_only_when_there_is_a_backup() -> None:
    exc = CorruptDatabaseError.damaged(Path("/data/site.db"), "page 3 is broken")
    with_backup, without = exc.failure(True), exc.failure(False)
    assert with_backup.actions[0] is Action.RESTORE and Action.RESTORE not in without.actions
    assert "restore the newest backup" in with_backup.summary
    assert "no backup" in without.summary


def test_a_failed_upgrade_mentions_a_backup_only_when_it_took_one() -> None:
    path, cause = Path("/data/site.db"), RuntimeError("boom")
    new_file = UpgradeFailedError.upgrading(path, cause, None, None)
    behind = UpgradeFailedError.upgrading(path, cause, Path("/data/backups/b.db"), None)
    assert "backup" not in new_file.failure(True).summary.lower()
    assert "A backup was taken before the upgrade" in behind.failure(False).summary
    assert "/data/backups/b.db" in str(behind) and "backup" not in str(new_file).lower()
