"""Checkpoints and ONNX export: one format, weights plus metadata, loadable with `weights_only=True`.

    from hcr_ocr.train.checkpoints import load_checkpoint, save_checkpoint, export_onnx
    ckpt = load_checkpoint("models/emnist47.pt")        # {"state_dict": ..., "meta": {...}}
    model = model_from_checkpoint(ckpt)                 # a CharCNN in eval mode
    export_onnx(model, ckpt["meta"], "models/emnist47.onnx")

The reader gets the same meta back from the ONNX file with `hcr_ocr.reading.recognition.onnx_metadata`.

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
from hcr_ocr.reading.recognition import ONNX_META_KEY

FORMAT = "hcr-ocr/1"


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
    from hcr_ocr.train.network import build_model

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
    import torch

    axes = {"pixels": {0: "batch"}, "logits": {0: "batch"}}
    return write_onnx(model, torch.zeros(1, 1, 28, 28), ("pixels", "logits"), axes, meta, path)


def write_onnx(
    model, dummy, names: tuple[str, str], dynamic_axes: dict, meta: dict, path: str | Path
) -> Path:
    """Export `model` (eval mode) traced on `dummy` as ONNX opset 13, input and output named `names`,
    with `meta` as JSON in its metadata_props (where `onnx_metadata` finds it)."""
    import onnx
    import torch

    path = Path(path)
    with warnings.catch_warnings():  # e.g. an LSTM's warning about other batch sizes than the dummy's
        warnings.simplefilter("ignore")
        torch.onnx.export(
            model.eval(),
            (dummy,),
            str(path),
            input_names=[names[0]],
            output_names=[names[1]],
            dynamic_axes=dynamic_axes,
            opset_version=13,
            dynamo=False,
        )
    proto = onnx.load(str(path))
    entry = proto.metadata_props.add()
    entry.key, entry.value = ONNX_META_KEY, json.dumps(meta)
    onnx.save(proto, str(path))
    return path
