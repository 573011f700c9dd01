"""Answers to stale requests, dropped: only the newest request of a model is shown.

A model that asks the database thread again (a new filter, a new range, a refresh) may get the
answers to its older requests after that: ops run in order, and an older one may still be on
its way. Each request is numbered; once a newer one is made, the older one is stale, and what
it brings back, an answer or a failure, is dropped. Work still queued can ask too, and skip
its query.
"""

from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class Requests:
    """The requests of one model (or panel), numbered in the order they were made."""

    def __init__(self) -> None:
        self._newest = 0

    def new(self) -> "Request":
        """A request newer than every one before, which are stale from now on."""
        self._newest += 1
        return Request(self, self._newest)

    def newest(self) -> "Request":
        """The newest request, for more work of it (a further block or page of one load)."""
        return Request(self, self._newest)

    def is_newest(self, number: int) -> bool:
        return number == self._newest


class Request:
    """One numbered request: stale as soon as a newer one is made."""

    def __init__(self, requests: Requests, number: int) -> None:
        self._requests = requests
        self._number = number

    @property
    def stale(self) -> bool:
        """Whether a newer request was made (readable from the database thread)."""
        return not self._requests.is_newest(self._number)

    def unless_stale(self, callback: Callable[[T], None]) -> Callable[[T], None]:
        """``callback``, called only while this request is the newest: for an op's ``done``
        and ``failed``, so that an older request's answer or failure is dropped."""

        def answer(value: T) -> None:
            if not self.stale:
                callback(value)

        return answer
