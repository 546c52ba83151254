"""Weight averages of checkpoints of one network (stochastic weight averaging, or a fine-tuned model with the
one it started from).

    from hcr_ocr.train.averaging import average_checkpoints
    scores, written = average_checkpoints(["runs/a/best.pt", "runs/a/last.pt"], "runs/a-avg", dataset="emnist")
    scores["average"], written          # class-balanced validation accuracy; whether best.pt/.onnx were written

The average is kept only if its class-balanced validation accuracy beats every input's (or `always`, when
another yardstick such as `hcr-ocr bench` decides); the test files are scored for the record and choose nothing.
Word readers (`average_word_checkpoints`, one fine-tuned from the other) are averaged with their batch-norm
statistics as they are and always written: `hcr-ocr bench` judges them.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import torch

from hcr_ocr.data import datasets as datamod
from hcr_ocr.errors import CheckpointError
from hcr_ocr.train.checkpoints import export_onnx, load_checkpoint, save_checkpoint
from hcr_ocr.train.network import build_model
from hcr_ocr.train.scoring import score_images

BATCHNORM_SAMPLE = 20000  # training images that measure the averaged network's batch-norm statistics
STALE_META = ("test_accuracy", "epoch", "val_acc")  # facts about an input that are not true of the average


def mean_state_dict(state_dicts: list[dict]) -> dict:
    """The element-wise mean of state dicts of one network, each tensor keeping its dtype."""
    averaged = {}
    for name, tensor in state_dicts[0].items():
        stack = torch.stack([sd[name].float() for sd in state_dicts])
        averaged[name] = stack.mean(0).to(tensor.dtype)
    return averaged


def remeasure_batchnorm(model: torch.nn.Module, images: np.ndarray, batch_size: int = 500) -> None:
    """Replace the batch-norm running statistics by a plain average over `images`; the statistics of
    averaged weights are not the average of the statistics."""
    for module in model.modules():
        if isinstance(module, torch.nn.modules.batchnorm._BatchNorm):
            module.reset_running_stats()
            module.momentum = None  # a cumulative average over the batches below
    model.train()
    with torch.no_grad():
        for i in range(0, len(images), batch_size):
            model(torch.from_numpy(images[i : i + batch_size]))
    model.eval()


def _write_average(
    model: torch.nn.Module, meta: dict, ckpts: list[dict], paths: list, out: Path, test: datamod.Split | None
) -> None:
    avg_meta = {
        **meta,
        "averaged_from": [str(p) for p in paths],
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    for stale in STALE_META:
        avg_meta.pop(stale, None)
    avg_meta["averaged_epochs"] = [int(c["meta"].get("epoch", 0)) for c in ckpts]
    if test is not None:
        avg_meta["test_accuracy"] = score_images(model, test.images, test.labels, len(meta["classes"])).acc
        avg_meta["test_n"] = len(test)
    out.mkdir(parents=True, exist_ok=True)
    state = {k: v.detach().clone() for k, v in model.state_dict().items()}
    save_checkpoint(out / "best.pt", state, avg_meta)
    export_onnx(model, avg_meta, out / "best.onnx")


def is_word_checkpoint(path: str | Path) -> bool:
    """Whether the checkpoint is a word reader's (`hcr-ocr train-words`) rather than a character model's."""
    return _is_word_reader(load_checkpoint(path))


def _is_word_reader(ckpt: dict) -> bool:
    from hcr_ocr.train.word_network import ARCH_NAME

    return ckpt["meta"].get("arch", {}).get("name") == ARCH_NAME


def average_word_checkpoints(paths: list[str | Path], out: str | Path) -> Path:
    """The word reader with the mean of the checkpoints' weights and batch-norm statistics, written to
    out/best.pt and out/best.onnx (the reader's models/words.onnx); returns the ONNX path."""
    from hcr_ocr.train.word_network import WordCRNN, export_word_reader

    ckpts = [load_checkpoint(p) for p in paths]
    for path, ckpt in zip(paths, ckpts, strict=True):
        if not _is_word_reader(ckpt):
            raise CheckpointError(
                f"{path} is not a word reader: a word reader averages only with word readers"
            )
    model = WordCRNN()
    model.load_state_dict(mean_state_dict([c["state_dict"] for c in ckpts]))
    model.eval()
    meta = {k: v for k, v in ckpts[-1]["meta"].items() if k not in ("val_cer", "step")}
    meta["averaged_from"] = [str(p) for p in paths]
    meta["date"] = datetime.now(UTC).isoformat(timespec="seconds")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    save_checkpoint(out / "best.pt", model.state_dict(), meta)
    return export_word_reader(model, meta, out / "best.onnx")


def _test_split(dataset: str, data_dir: str | None) -> datamod.Split | None:
    try:
        return datamod.load_split(dataset, "test", data_dir)
    except datamod.DataError:
        return None


def average_checkpoints(
    paths: list[str | Path],
    out: str | Path,
    dataset: str = "emnist",
    data_dir: str | None = None,
    val_fraction: float = 0.1,
    seed: int = 0,
    always: bool = False,
) -> tuple[dict[str, float], bool]:
    """Average the weights of `paths`, re-measure the batch-norm statistics on training images, and save
    out/best.pt and out/best.onnx if the average beats every input on class-balanced validation accuracy
    (or `always`). Returns the validation score of each input and of "average", and whether it was written."""
    ckpts = [load_checkpoint(p) for p in paths]
    meta = ckpts[0]["meta"]
    num_classes = len(meta["classes"])
    full = datamod.load_split(dataset, "train", data_dir)
    train_idx, val_idx = datamod.stratified_split(full.labels, val_fraction, seed)
    x_val, y_val = full.images[val_idx], full.labels[val_idx]
    scores = {}
    for path, ckpt in zip(paths, ckpts, strict=True):
        model = build_model(num_classes, meta["arch"])
        model.load_state_dict(ckpt["state_dict"])
        scores[str(path)] = score_images(model, x_val, y_val, num_classes).balanced_acc
    model = build_model(num_classes, meta["arch"])
    model.load_state_dict(mean_state_dict([c["state_dict"] for c in ckpts]))
    gen = torch.Generator().manual_seed(seed)
    sample = train_idx[torch.randperm(len(train_idx), generator=gen)[:BATCHNORM_SAMPLE].numpy()]
    remeasure_batchnorm(model, full.images[sample])
    scores["average"] = score_images(model, x_val, y_val, num_classes).balanced_acc
    written = always or scores["average"] > max(v for k, v in scores.items() if k != "average")
    if written:
        meta = {**meta, "val_balanced_acc": scores["average"]}
        _write_average(model, meta, ckpts, paths, Path(out), _test_split(dataset, data_dir))
    return scores, written
