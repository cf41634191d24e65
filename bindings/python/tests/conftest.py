"""Shared fixtures. The suite runs against the *installed* wheel (see test.sh)."""

from __future__ import annotations

import base64
import json
import os
import shutil
import socket
import subprocess
import sysconfig
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import hooksig

ROOT = Path(__file__).resolve().parents[3]
VECTORS = ROOT / "tests" / "vectors"


def pytest_report_header() -> str:
    return f"hooksig {hooksig.__version__} from {Path(hooksig.__file__).parent}"


def pytest_sessionstart(session: pytest.Session) -> None:
    installed = Path(sysconfig.get_paths()["purelib"]).resolve()
    location = Path(hooksig.__file__).resolve()
    if installed not in location.parents:
        raise pytest.UsageError(f"hooksig is imported from {location}, not from the installed wheel in {installed}")


def load_cases(name: str) -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = json.loads((VECTORS / f"{name}.json").read_text(encoding="utf-8"))["cases"]
    return cases


def case_body(case: dict[str, Any]) -> bytes:
    if "body_base64" in case:
        return base64.b64decode(case["body_base64"])
    body: str = case["body"]
    return body.encode()


@pytest.fixture(scope="session")
def cli() -> str:
    """The release build of the `hooksig` CLI (test.sh exports its path)."""
    path = os.environ.get("HOOKSIG_CLI")
    if not path or not os.access(path, os.X_OK):
        pytest.fail("HOOKSIG_CLI must point at the hooksig binary; run bindings/python/test.sh")
    return path


class Redis:
    """A redis-server of its own on a free loopback port, with a minimal RESP client."""

    def __init__(self) -> None:
        if shutil.which("redis-server") is None:
            pytest.fail("redis-server is missing: apt-get install -y redis-server (scripts/test does)")
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port: int = s.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while True:
            try:
                if self.command("PING") == "PONG":
                    return
            except OSError:
                pass
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.stop()
                pytest.fail("redis-server did not start")
            time.sleep(0.02)

    def command(self, *args: str) -> object:
        """One command; the reply as str, int or None (enough for PING, GET, EXISTS, PTTL)."""
        request = f"*{len(args)}\r\n".encode() + b"".join(
            f"${len(a.encode())}\r\n{a}\r\n".encode() for a in args
        )
        with socket.create_connection(("127.0.0.1", self.port), timeout=2) as connection:
            connection.sendall(request)
            reader = connection.makefile("rb")
            reply = reader.readline().decode().rstrip("\r\n")
            if reply.startswith("$"):
                length = int(reply[1:])
                return None if length < 0 else reader.read(length + 2)[:-2].decode()
        if reply.startswith(":"):
            return int(reply[1:])
        if reply.startswith("-"):
            raise RuntimeError(reply)
        return reply[1:]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@pytest.fixture()
def redis() -> Iterator[Redis]:
    server = Redis()
    yield server
    server.stop()
