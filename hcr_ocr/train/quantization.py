"""8-bit models: an exported ONNX model quantized to int8 (static, per channel), up to three times faster.

    from hcr_ocr.train.quantization import quantize_model
    quantize_model("models/emnist47.onnx", "models/emnist47.int8.onnx", data_dir="../shared/data")

Weights become int8 per output channel; activations uint8, with ranges calibrated on training glyphs (never
the test split) of the dataset the model was trained on, as they are and zoomed as the reader's extra views
are. The weights keep to 7 bits (`reduce_range`, -64..64): on x86 CPUs without VNNI (AMD Zen 1-3, Intel
Skylake) ONNX Runtime adds pairs of uint8 x int8 products in 16 bits, which saturate with full 8-bit weights
(models/README.md). The hcr-ocr metadata is carried over, with a note of the quantization. The reader
prefers a shipped model's `.int8.onnx` beside it (hcr_ocr.reading.shipped).
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import numpy as np

from hcr_ocr.data.datasets import load_split
from hcr_ocr.errors import CheckpointError
from hcr_ocr.reading.normalization import scaled
from hcr_ocr.reading.recognition import ONNX_META_KEY, OnnxClassifier

CALIBRATION_GLYPHS = 2000  # training glyphs whose activations set the int8 ranges
CALIBRATION_BATCH = 200
CALIBRATION_ZOOMS = (0.9, 1.1)  # the reader's extra views, so that their activations are in range too


def calibration_glyphs(dataset: str, data_dir: str | Path | None, seed: int = 0) -> np.ndarray:
    """CALIBRATION_GLYPHS random training glyphs, and each zoomed by CALIBRATION_ZOOMS, (N, 1, 28, 28)."""
    train = load_split(dataset, "train", data_dir)
    pick = np.random.default_rng(seed).choice(len(train.images), CALIBRATION_GLYPHS, replace=False)
    glyphs = train.images[np.sort(pick)].astype(np.float32)
    return np.concatenate([glyphs] + [scaled(glyphs, zoom) for zoom in CALIBRATION_ZOOMS])


def quantize_model(
    source: str | Path, target: str | Path, dataset: str | None = None, data_dir: str | Path | None = None
) -> Path:
    """Write `target`, the int8 version of the hcr-ocr ONNX model `source`."""
    import onnx
    from onnxruntime.quantization import CalibrationDataReader, QuantFormat, QuantType, quantize_static
    from onnxruntime.quantization.shape_inference import quant_pre_process

    model = OnnxClassifier(source)
    meta = dict(model.meta)
    glyphs = calibration_glyphs(dataset or meta.get("dataset", "emnist"), data_dir)
    batches = iter(
        [
            {model.input_name: glyphs[i : i + CALIBRATION_BATCH]}
            for i in range(0, len(glyphs), CALIBRATION_BATCH)
        ]
    )

    class Glyphs(CalibrationDataReader):
        def get_next(self) -> dict | None:
            return next(batches, None)

    target = Path(target)
    with tempfile.TemporaryDirectory() as tmp:
        prepared = Path(tmp) / "prepared.onnx"
        quant_pre_process(str(source), str(prepared))
        quantize_static(
            str(prepared),
            str(target),
            Glyphs(),
            quant_format=QuantFormat.QDQ,
            activation_type=QuantType.QUInt8,
            weight_type=QuantType.QInt8,
            per_channel=True,
            reduce_range=True,
        )
    proto = onnx.load(str(target))
    meta["quantized"] = (
        f"int8 static QDQ, per-channel 7-bit weights, calibrated on {len(glyphs)} {meta.get('dataset', '')} "
        "training glyphs"
    )
    del proto.metadata_props[:]
    entry = proto.metadata_props.add()
    entry.key, entry.value = ONNX_META_KEY, json.dumps(meta)
    onnx.save(proto, str(target))
    if OnnxClassifier(target).classes != model.classes:
        raise CheckpointError(f"{target}: the quantized model lost its classes")
    return target
