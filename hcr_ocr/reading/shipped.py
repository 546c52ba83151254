"""Where the shipped models are: the folder named by $HCR_OCR_MODELS, else the package's `hcr_ocr/models`
(`models/` at the top of the checkout, installed into the package by `pip install .`), else `models/`
beside the package in a checkout.

    shipped_model("emnist", ".onnx")   # → .../models/emnist47.int8.onnx (the float model where no int8 twin)
    shipped_word_reader()              # → .../models/words.onnx, or None
"""

from __future__ import annotations

import os
from pathlib import Path

from hcr_ocr.errors import CheckpointError

MODELS_ENV = "HCR_OCR_MODELS"
MODEL_NAMES = {"emnist": "emnist47", "mnist": "mnist", "emnist-byclass": "emnist62"}
INT8_SUFFIX = ".int8.onnx"  # the quantized twin of NAME.onnx, three times faster, read by default


def models_dir() -> Path:
    if os.environ.get(MODELS_ENV):
        return Path(os.environ[MODELS_ENV])
    package = Path(__file__).resolve().parents[1]
    installed = package / "models"  # where `pip install .` puts them
    if installed.is_dir():
        return installed
    return package.parent / "models"  # a checkout installed editable


def shipped_small_model(dataset: str = "emnist") -> Path | None:
    """The shipped model for glyphs written small (see hcr_ocr.reading.recognition), or None."""
    return _shipped_companion(dataset, "small")


def shipped_second_model(dataset: str = "emnist") -> Path | None:
    """The shipped second network, asked about the glyphs the first is unsure of, or None."""
    return _shipped_companion(dataset, "second")


WORD_READER_NAME = "words.onnx"  # the shipped word reader (hcr_ocr.reading.word_reader)


def shipped_word_reader() -> Path | None:
    """The shipped word reader, or None."""
    path = models_dir() / WORD_READER_NAME
    return path if path.exists() else None


def _shipped_companion(dataset: str, role: str) -> Path | None:
    path = _fastest(models_dir() / f"{MODEL_NAMES[dataset]}-{role}.onnx")
    return path if path.exists() else None


def _fastest(path: Path) -> Path:
    """The int8 version of an ONNX model where it sits beside it (hcr_ocr.train.quantization), else the model."""
    int8 = path.with_name(path.name.removesuffix(".onnx") + INT8_SUFFIX)
    return int8 if path.suffix == ".onnx" and int8.exists() else path


def shipped_model(dataset: str = "emnist", suffix: str = ".onnx") -> Path:
    """The shipped model for a dataset (for ".onnx", its int8 version where there is one); a one-line error
    when it is not there."""
    if dataset not in MODEL_NAMES:
        raise CheckpointError(f"no shipped model for dataset {dataset!r}")
    path = _fastest(models_dir() / f"{MODEL_NAMES[dataset]}{suffix}")
    if not path.exists():
        raise CheckpointError(f"no shipped {dataset} model at {path}: train one or pass --model")
    return path
