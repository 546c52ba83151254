"""Where the shipped models are: the folder named by $HCR_OCR_MODELS, else the package `hcr_ocr.models`
(`models/` at the top of the checkout, installed into the package by `pip install .` and found through
importlib.resources), else `models/` beside the package in a checkout.

    shipped_model("emnist", ".onnx")   # → .../models/emnist47.onnx
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

from hcr_ocr.errors import CheckpointError

MODELS_ENV = "HCR_OCR_MODELS"
MODEL_NAMES = {"emnist": "emnist47", "mnist": "mnist", "emnist-byclass": "emnist62"}


def models_dir() -> Path:
    if os.environ.get(MODELS_ENV):
        return Path(os.environ[MODELS_ENV])
    installed = Path(str(resources.files("hcr_ocr") / "models"))  # where `pip install .` puts them
    if installed.is_dir():
        return installed
    return Path(__file__).resolve().parents[2] / "models"  # a checkout installed editable


def shipped_small_model(dataset: str = "emnist") -> Path | None:
    """The shipped model for glyphs written small (see hcr_ocr.reading.recognition), or None."""
    return _shipped_companion(dataset, "small")


def shipped_second_model(dataset: str = "emnist") -> Path | None:
    """The shipped second network, asked about the glyphs the first is unsure of, or None."""
    return _shipped_companion(dataset, "second")


def _shipped_companion(dataset: str, role: str) -> Path | None:
    path = models_dir() / f"{MODEL_NAMES[dataset]}-{role}.onnx"
    return path if path.exists() else None


def shipped_model(dataset: str = "emnist", suffix: str = ".onnx") -> Path:
    """The shipped model for a dataset; a one-line error when it is not there."""
    if dataset not in MODEL_NAMES:
        raise CheckpointError(f"no shipped model for dataset {dataset!r}")
    path = models_dir() / f"{MODEL_NAMES[dataset]}{suffix}"
    if not path.exists():
        raise CheckpointError(f"no shipped {dataset} model at {path}: train one or pass --model")
    return path
