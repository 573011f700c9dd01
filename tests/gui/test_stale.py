"""Requests go stale once a newer one is made, and what a stale one brings back is dropped."""

from gui.stale import Request, Requests


def stale(request: Request) -> bool:
    """Read anew each time (mypy would narrow the property after an assert)."""
    return request.stale


def test_a_request_is_stale_once_a_newer_one_is_made() -> None:
    requests = Requests()
    first = requests.new()
    assert not stale(first)
    second = requests.new()
    assert stale(first) and not stale(second)


def test_the_newest_request_goes_stale_with_the_load_it_belongs_to() -> None:
    """A further page of a load is the load's request: stale when the load is."""
    requests = Requests()
    load = requests.new()
    page = requests.newest()
    assert not stale(page)
    requests.new()
    assert stale(load) and stale(page) and not stale(requests.newest())


def test_answers_and_failures_of_a_stale_request_are_dropped() -> None:
    requests = Requests()
    heard: list[object] = []
    old = requests.new()
    old_done, old_failed = old.unless_stale(heard.append), old.unless_stale(heard.append)
    old_done("old answer while newest")
    new = requests.new()
    old_done("old answer")
    old_failed(RuntimeError("old failure"))
    new.unless_stale(heard.append)("new answer")
    assert heard == ["old answer while newest", "new answer"]


def test_a_request_made_before_any_is_not_stale() -> None:
    """``newest()`` before any ``new()``: the work of a model that never loaded still counts."""
    requests = Requests()
    first = requests.newest()
    assert not stale(first)
    requests.new()
    assert stale(first)
