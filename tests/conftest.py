"""Shared fixtures: the real data folder (skip when absent), the shipped models, a CLI runner."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED_DATA = REPO.parent / "shared" / "data"
MODELS = REPO / "models"
FORM_NAMES_TRAIN = SHARED_DATA / "real-dev" / "form-names-train"


def leaning(gray: np.ndarray, slant: float) -> np.ndarray:
    """The page sheared so that its writing leans right by `slant` px per px of height (left where
    negative), on a canvas grown to hold all of it, on its own paper."""
    h, w = gray.shape
    m = np.float32([[1, -slant, max(slant, 0.0) * h], [0, 1, 0]])
    return cv2.warpAffine(gray, m, (int(w + abs(slant) * h), h), borderValue=int(np.median(gray)))


def crops_folder(tmp_path: Path, crops: dict[str, str]) -> Path:
    """A folder of some form-names-train crops with a labels.csv giving `crops` (file: label); the glyph
    cache under tmp_path (set HCR_OCR_CACHE to `tmp_path / "cache"`). Skips when the data is absent."""
    if not FORM_NAMES_TRAIN.is_dir():
        pytest.skip(f"no data at {FORM_NAMES_TRAIN}")
    folder = tmp_path / "crops"
    folder.mkdir()
    for name in crops:
        shutil.copy(FORM_NAMES_TRAIN / name, folder / name)
    lines = ["FILENAME,IDENTITY"] + [f"{name},{label}" for name, label in crops.items()]
    (folder / "labels.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="session")
def data_dir() -> Path:
    if not (SHARED_DATA / "mnist").is_dir() or not (SHARED_DATA / "emnist").is_dir():
        pytest.skip(f"no data at {SHARED_DATA}")
    return SHARED_DATA


def synthetic_page(number: int, condition: str = "clean") -> tuple[np.ndarray, list[str]]:
    """The `number`th synthetic page of seed 0 (1-based), degraded as `hcr-ocr bench --conditions` degrades
    it, and its lines of truth; skips the test where the EMNIST data is absent."""
    from itertools import islice

    from hcr_ocr.data.degradations import degrade
    from hcr_ocr.data.synthetic import synthetic_pages

    if not (SHARED_DATA / "emnist").is_dir():
        pytest.skip("no EMNIST data")
    gray, truth = next(islice(synthetic_pages(number, 0, SHARED_DATA), number - 1, None))
    return degrade(gray, condition, seed=0, index=number - 1, source="synthetic 50"), truth.split("\n")


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
