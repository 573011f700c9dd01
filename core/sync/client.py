"""The laptop's HTTP calls to the office server (``httpx``).

HTTPS, checked against the system's certificate authorities or the CA file the office gives
(``--ca-file``, for a certificate of its own); plain HTTP only to a server on this machine
(loopback). Every failure is a ``SyncError`` in one line: the server's own reason when it
refused, or why it could not be reached.
"""

import ipaddress
import uuid
from typing import Any
from urllib.parse import urlsplit

from core.errors import FieldLogError

TIMEOUT_S = 120.0


class SyncError(FieldLogError):
    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


def checked_url(url: str) -> str:
    """``url`` without a trailing slash, if FieldLog may talk to it."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise SyncError(f"{url!r} is not a server's address: give https://host:port")
    if parts.scheme == "http" and not _loopback(parts.hostname):
        raise SyncError(
            f"{url}: plain HTTP would send the token in clear; give the server's https:// "
            "address (plain http:// only for a server on this machine)"
        )
    return url.strip().rstrip("/")


def _loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class ServerClient:
    def __init__(self, url: str, token: str | None = None, ca_file: str | None = None) -> None:
        import httpx

        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.url = checked_url(url)
        self._http = httpx.Client(
            base_url=self.url, headers=headers, verify=ca_file or True, timeout=TIMEOUT_S
        )

    def __enter__(self) -> "ServerClient":
        return self

    def __exit__(self, *_exc: object) -> None:
        self._http.close()

    def enrol(self, code: str, origin: uuid.UUID, name: str) -> dict[str, Any]:
        return self._call("POST", "/enrol", {"code": code, "origin": str(origin), "name": name})

    def push(self, body: dict[str, Any]) -> dict[str, Any]:
        return self._call("POST", "/push", body)

    def me(self) -> dict[str, Any]:
        return self._call("GET", "/me", None)

    def _call(self, method: str, path: str, body: Any) -> dict[str, Any]:
        import httpx

        try:
            answer = self._http.request(method, path, json=body)
        except httpx.TransportError as error:
            raise SyncError(f"the server at {self.url} cannot be reached: {error}") from error
        if answer.status_code >= 400:
            raise SyncError(
                f"the server refused ({answer.status_code}): {_reason(answer)}", answer.status_code
            )
        found: dict[str, Any] = answer.json()
        return found


def _reason(answer: Any) -> str:
    try:
        return str(answer.json()["reason"])
    except (ValueError, KeyError, TypeError):
        return str(answer.text[:200] or answer.reason_phrase)
