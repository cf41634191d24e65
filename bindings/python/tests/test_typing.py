"""The stubs match the compiled module (stubtest) and the examples type-check under mypy --strict."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT


def _run(*args: str, cwd: Path) -> None:
    result = subprocess.run([sys.executable, "-m", *args], cwd=cwd, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr


def test_stubtest(tmp_path: Path) -> None:
    _run("mypy.stubtest", "hooksig", cwd=tmp_path)


def test_package_passes_mypy_strict(tmp_path: Path) -> None:
    _run("mypy", "--strict", "--cache-dir", str(tmp_path / "cache"), "-p", "hooksig", cwd=tmp_path)


@pytest.mark.parametrize("example", ["python-flask", "python-fastapi", "python-replay"])
def test_examples_pass_mypy_strict(example: str, tmp_path: Path) -> None:
    _run("mypy", "--strict", "--cache-dir", str(tmp_path / "cache"), "app.py", cwd=ROOT / "examples" / example)
