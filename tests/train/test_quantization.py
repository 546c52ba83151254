"""int8 models: the shipped twins are what the reader runs, and a quantized model reads as its float one."""

from __future__ import annotations

import numpy as np

from hcr_ocr.data.datasets import load_split
from hcr_ocr.reading.pipeline import get_classifier
from hcr_ocr.reading.recognition import OnnxClassifier
from hcr_ocr.reading.shipped import shipped_model
from hcr_ocr.train.quantization import quantize_model
from tests.conftest import MODELS, shipped


def test_the_reader_runs_the_shipped_int8_twins():
    shipped("emnist47.int8.onnx")
    assert shipped_model("emnist", ".onnx") == MODELS / "emnist47.int8.onnx"
    assert shipped_model("emnist", ".pt") == MODELS / "emnist47.pt"
    classifier = get_classifier()
    paths = [c.path.name for c in (classifier.main, classifier.small, classifier.second)]
    assert paths == ["emnist47.int8.onnx", "emnist47-small.int8.onnx", "emnist47-second.int8.onnx"]
    for twin in paths:
        meta = OnnxClassifier(MODELS / twin).meta
        assert meta["quantized"].startswith("int8 static QDQ, per-channel weights, calibrated on 6000")
        assert meta["classes"] == OnnxClassifier(MODELS / twin.replace(".int8", "")).meta["classes"]


def test_a_quantized_model_classifies_as_its_float_model(tmp_path, data_dir):
    float_model = shipped("mnist.onnx")
    int8 = quantize_model(float_model, tmp_path / "mnist.int8.onnx", data_dir=data_dir)
    assert int8.stat().st_size < float_model.stat().st_size / 3
    test = load_split("mnist", "test", data_dir, limit=2000)
    a = OnnxClassifier(float_model).probabilities(test.images, views=False).argmax(1)
    b = OnnxClassifier(int8).probabilities(test.images, views=False).argmax(1)
    assert (a != b).sum() <= 3  # measured: 1 of 2,000 (the shipped twin)
    assert np.mean(b == test.labels) >= np.mean(a == test.labels) - 0.0015  # measured: 0.0005 less
