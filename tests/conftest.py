"""Shared fixtures: the real data folder (skip when absent), the shipped models, a CLI runner."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED_DATA = REPO.parent / "shared" / "data"
MODELS = REPO / "models"


@pytest.fixture(scope="session")
def data_dir() -> Path:
    if not (SHARED_DATA / "mnist").is_dir() or not (SHARED_DATA / "emnist").is_dir():
        pytest.skip(f"no data at {SHARED_DATA}")
    return SHARED_DATA


def shipped(name: str) -> Path:
    path = MODELS / name
    if not path.exists():
        pytest.skip(f"shipped model {path} is missing")
    return path


def run_cli(*args: str, cwd: Path | None = None, env: dict | None = None, stdin: bytes | None = None):
    """Run `python -m hcr_ocr ARGS` as a user would; returns the CompletedProcess (text stdout/stderr)."""
    proc = subprocess.run(
        [sys.executable, "-m", "hcr_ocr", *args],
        cwd=cwd or REPO,
        env=env,
        input=stdin,
        capture_output=True,
        timeout=600,
    )
    proc.stdout = proc.stdout.decode("utf-8", "replace")
    proc.stderr = proc.stderr.decode("utf-8", "replace")
    return proc


def assert_one_line_error(proc, *fragments: str) -> None:
    """A failed command: non-zero exit, exactly one line on stderr, no traceback, naming each fragment."""
    assert proc.returncode != 0, proc.stdout
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
