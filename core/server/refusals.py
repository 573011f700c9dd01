"""A request or command the server refuses: the HTTP status, and the reason a person reads.

Raised anywhere below the routes; the application answers it as ``{"reason": …}`` with its
status, and ``fieldlog-server`` prints it as its one line (it is a ``FieldLogError``).
"""

from core.errors import FieldLogError


class Refused(FieldLogError):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def unauthenticated(reason: str) -> Refused:
    """401: who is asking is not known (no token, an unknown or revoked one, a bad code)."""
    return Refused(401, reason)


def forbidden(reason: str) -> Refused:
    """403: who is asking is known, and may not do this."""
    return Refused(403, reason)
