"""Shared fixtures. The suite runs against the *installed* wheel (see test.sh)."""

from __future__ import annotations

import base64
import json
import os
import sysconfig
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
