"""Checkpoints and ONNX export: one format, weights plus metadata, loadable with `weights_only=True`.

    from hcr_ocr.serialization import load_checkpoint, save_checkpoint, export_onnx, read_onnx_metadata
    ckpt = load_checkpoint("models/emnist47.pt")        # {"state_dict": ..., "meta": {...}}
    model = model_from_checkpoint(ckpt)                 # a CharCNN in eval mode
    export_onnx(model, ckpt["meta"], "models/emnist47.onnx")
    read_onnx_metadata("models/emnist47.onnx")          # the same meta dict, without torch

A checkpoint is a dict of tensors and built-in types only: `format`, `state_dict`, `meta` (classes, arch,
normalisation, dataset, accuracies, torch version, date) and, for `last.pt`, `train_state` for --resume.
"""

from __future__ import annotations

import json
import pickle
import warnings
import zipfile
from pathlib import Path
from typing import Any

from hcr_ocr.errors import CheckpointError

FORMAT = "hcr-ocr/1"
ONNX_META_KEY = "hcr_ocr"
# How a glyph becomes the network's input; recorded in every model so that readers can check it.
NORMALISATION = {
    "size": 28,
    "pixel_range": [0.0, 1.0],
    "ink": "bright on dark",
    "layout": "NCHW float32",
    "emnist_steps": "crop to ink, centre in square keeping aspect, pad 2 px, gaussian sigma 1, bicubic 28x28, "
    "stretch to full range",
}


def save_checkpoint(path: str | Path, state_dict: dict, meta: dict, train_state: dict | None = None) -> None:
    import torch

    payload: dict[str, Any] = {"format": FORMAT, "state_dict": state_dict, "meta": meta}
    if train_state is not None:
        payload["train_state"] = train_state
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    torch.save(payload, tmp)
    tmp.replace(path)


def load_checkpoint(path: str | Path) -> dict:
    """Load and check a checkpoint; any problem becomes a one-line CheckpointError."""
    import torch

    path = Path(path)
    if not path.exists():
        raise CheckpointError(f"model file not found: {path}")
    if path.is_dir():
        raise CheckpointError(f"model path is a directory: {path}")
    try:
        with warnings.catch_warnings():  # torch warns about pickle protocols of foreign files
            warnings.simplefilter("ignore")
            payload = torch.load(path, map_location="cpu", weights_only=True)
    except (RuntimeError, pickle.UnpicklingError, zipfile.BadZipFile, EOFError, ValueError, OSError) as err:
        raise CheckpointError(f"{path} is not a readable hcr-ocr checkpoint ({type(err).__name__})") from err
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise CheckpointError(f"{path} is not an hcr-ocr checkpoint (no '{FORMAT}' format tag)")
    meta = payload.get("meta")
    if not isinstance(meta, dict) or "classes" not in meta or "arch" not in meta:
        raise CheckpointError(f"{path} has no model metadata")
    return payload


def model_from_checkpoint(ckpt: dict):
    """Build the network a checkpoint describes and load its weights (eval mode)."""
    from hcr_ocr.model import build_model

    meta = ckpt["meta"]
    try:
        model = build_model(len(meta["classes"]), meta["arch"])
        model.load_state_dict(ckpt["state_dict"])
    except (RuntimeError, ValueError, KeyError, TypeError) as err:
        raise CheckpointError(
            f"checkpoint weights do not fit its architecture: {str(err).splitlines()[0]}"
        ) from err
    return model.eval()


def export_onnx(model, meta: dict, path: str | Path) -> Path:
    """Write the model as ONNX (batch dimension dynamic) with `meta` as JSON in its metadata_props."""
    import onnx
    import torch

    path = Path(path)
    model = model.eval()
    dummy = torch.zeros(1, 1, 28, 28)
    torch.onnx.export(
        model,
        (dummy,),
        str(path),
        input_names=["pixels"],
        output_names=["logits"],
        dynamic_axes={"pixels": {0: "batch"}, "logits": {0: "batch"}},
        opset_version=13,
        dynamo=False,
    )
    proto = onnx.load(str(path))
    entry = proto.metadata_props.add()
    entry.key, entry.value = ONNX_META_KEY, json.dumps(meta)
    onnx.save(proto, str(path))
    return path


def _varint(buf: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        if pos >= len(buf):
            raise ValueError("truncated varint")
        byte = buf[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, pos
        shift += 7


def _protobuf_fields(buf: bytes):
    """Top-level (field number, bytes) pairs of the length-delimited fields of a protobuf message."""
    pos = 0
    while pos < len(buf):
        tag, pos = _varint(buf, pos)
        field_no, wire = tag >> 3, tag & 7
        if wire == 0:
            _, pos = _varint(buf, pos)
        elif wire == 1:
            pos += 8
        elif wire == 5:
            pos += 4
        elif wire == 2:
            size, pos = _varint(buf, pos)
            if pos + size > len(buf):
                raise ValueError("truncated field")
            yield field_no, buf[pos : pos + size]
            pos += size
        else:
            raise ValueError(f"unsupported wire type {wire}")


def read_onnx_metadata(path: str | Path) -> dict:
    """The metadata dict stored in an exported model. Reads ModelProto.metadata_props (field 14) directly,
    so that the read path needs neither torch nor the onnx package."""
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(f"model file not found: {path}")
    try:
        for field_no, entry in _protobuf_fields(path.read_bytes()):
            if field_no == 14:
                kv = dict(_protobuf_fields(entry))
                if kv.get(1) == ONNX_META_KEY.encode():
                    return json.loads(kv.get(2, b"{}").decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as err:
        raise CheckpointError(f"{path} is not a readable ONNX model ({err})") from err
    raise CheckpointError(f"{path} is not an hcr-ocr ONNX model (no hcr-ocr metadata)")
