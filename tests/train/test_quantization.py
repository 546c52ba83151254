"""int8 models: the shipped twins are what the reader runs, and a quantized model reads as its float one on
every CPU (7-bit weights: without VNNI, full 8-bit ones saturate ONNX Runtime's 16-bit sums)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import numpy_helper

from hcr_ocr.data.datasets import load_split
from hcr_ocr.reading.pipeline import get_classifier
from hcr_ocr.reading.recognition import OnnxClassifier
from hcr_ocr.reading.shipped import shipped_model
from hcr_ocr.train.quantization import quantize_model
from tests.conftest import MODELS, shipped

TWINS = sorted(p.name for p in MODELS.glob("*.int8.onnx"))


def widest_weight(path: str | Path) -> int:
    """The largest magnitude among a quantized model's int8 weights."""
    weights = [numpy_helper.to_array(t) for t in onnx.load(str(path)).graph.initializer]
    return max(int(np.abs(w.astype(np.int16)).max()) for w in weights if w.dtype == np.int8)


def classes(model: str | Path, images: np.ndarray) -> np.ndarray:
    """The class the network alone gives each glyph."""
    return OnnxClassifier(model).probabilities(images, views=False).argmax(1)


@pytest.fixture(scope="module")
def emnist_test(data_dir):
    return load_split("emnist", "test", data_dir, limit=4000)


def test_the_reader_runs_the_shipped_int8_twins():
    shipped("emnist47.int8.onnx")
    assert shipped_model("emnist", ".onnx") == MODELS / "emnist47.int8.onnx"
    assert shipped_model("emnist", ".pt") == MODELS / "emnist47.pt"
    classifier = get_classifier()
    paths = [c.path.name for c in (classifier.main, classifier.small, classifier.second)]
    assert paths == ["emnist47.int8.onnx", "emnist47-small.int8.onnx", "emnist47-second.int8.onnx"]
    for twin in paths:
        meta = OnnxClassifier(MODELS / twin).meta
        assert meta["quantized"].startswith("int8 static QDQ, per-channel 7-bit weights, calibrated on 6000")
        assert meta["classes"] == OnnxClassifier(MODELS / twin.replace(".int8", "")).meta["classes"]


def test_a_quantized_model_classifies_as_its_float_model(tmp_path, data_dir):
    float_model = shipped("mnist.onnx")
    int8 = quantize_model(float_model, tmp_path / "mnist.int8.onnx", data_dir=data_dir)
    assert int8.stat().st_size < float_model.stat().st_size / 3
    test = load_split("mnist", "test", data_dir, limit=2000)
    a, b = classes(float_model, test.images), classes(int8, test.images)
    assert (a != b).sum() <= 3  # measured: 0 of 2,000 (1 with 8-bit weights, on a VNNI CPU)
    assert np.mean(b == test.labels) >= np.mean(a == test.labels) - 0.0015  # measured: the same
    assert widest_weight(int8) <= 64


@pytest.mark.parametrize("name", TWINS)
def test_the_shipped_twins_keep_to_7_bit_weights(name):
    assert widest_weight(MODELS / name) <= 64  # 2 x 255 x 64 = 32,640 fits int16: no saturation without VNNI


@pytest.mark.parametrize("name, most", [("emnist47", 12), ("emnist47-small", 8), ("emnist47-second", 15)])
def test_the_shipped_twins_classify_as_their_float_models(name, most, emnist_test):
    a = classes(shipped(f"{name}.onnx"), emnist_test.images)
    b = classes(shipped(f"{name}.int8.onnx"), emnist_test.images)
    # measured on an AVX2 CPU without VNNI: 9, 5 and 12 of 4,000 glyphs change class (with 8-bit
    # weights 110, 75 and 141 there)
    assert (a != b).sum() <= most
