"""Write the int8 twin of each shipped float model (models/NAME.onnx → models/NAME.int8.onnx).

    .venv/bin/python scripts/quantize-models.py [--data-dir ../shared/data] [NAME.onnx ...]

Calibrated on training glyphs of the model's dataset (see hcr_ocr/train/quantization.py); needs the [train]
extra. The reader uses the int8 twins by default.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from hcr_ocr.reading.shipped import INT8_SUFFIX, models_dir
from hcr_ocr.train.quantization import quantize_model

DEFAULT_MODELS = ("emnist47.onnx", "emnist47-small.onnx", "emnist47-second.onnx", "mnist.onnx")

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("models", nargs="*", default=[str(models_dir() / m) for m in DEFAULT_MODELS])
parser.add_argument("--data-dir", default=None)
args = parser.parse_args()
for source in map(Path, args.models):
    target = source.with_name(source.name.removesuffix(".onnx") + INT8_SUFFIX)
    quantize_model(source, target, data_dir=args.data_dir)
    print(f"wrote {target}")
