"""A real office server for a test: ``python -m core.server serve`` in a process of its own,
on 127.0.0.1 and a free port, over a database of the session's PostgreSQL; stopped after."""

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

REPO_ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 60


@dataclass
class RunningServer:
    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def log_lines(self) -> list[dict[str, Any]]:
        """Everything it wrote on stderr, each line a JSON object (a test fails on any other)."""
        return [json.loads(line) for line in self.log.read_text().splitlines() if line.strip()]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def server_environment(database_url: str, extra: Mapping[str, str] = {}) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": database_url, "PYTHONPATH": str(REPO_ROOT), **extra}


def server_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "core.server", *args]


def start(
    database_url: str,
    log: Path,
    *args: str,
    environ: Mapping[str, str] = {},
    scheme: str = "http",
) -> RunningServer:
    """Start a server; ``args`` replace ``--insecure-dev`` (TLS options, say)."""
    port = free_port()
    options = list(args) or ["--insecure-dev"]
    command = server_command("serve", "--host", "127.0.0.1", "--port", str(port), *options)
    with log.open("wb") as stderr:
        process = subprocess.Popen(
            command,
            cwd=REPO_ROOT,
            env=server_environment(database_url, environ),
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
    return RunningServer(f"{scheme}://127.0.0.1:{port}", process, log)


def wait_until_up(server: RunningServer, verify: Any = True) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise AssertionError(f"the server stopped: {server.log.read_text()[-3000:]}")
        try:
            if httpx.get(f"{server.url}/health", verify=verify, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    stop(server)
    raise AssertionError(f"the server did not come up: {server.log.read_text()[-3000:]}")


def stop(server: RunningServer) -> None:
    if server.process.poll() is None:
        server.process.terminate()
        try:
            server.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait(timeout=15)


@contextmanager
def running(
    database_url: str, log: Path, *args: str, environ: Mapping[str, str] = {}
) -> Iterator[RunningServer]:
    """A server that is up (its /health answers), stopped when the block ends."""
    server = start(database_url, log, *args, environ=environ)
    try:
        wait_until_up(server)
        yield server
    finally:
        stop(server)
