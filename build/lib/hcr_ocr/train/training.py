"""Train the character CNN on MNIST or EMNIST, on the CPU (or a GPU where there is one).

    from hcr_ocr.train.training import TrainConfig, train
    result = train(TrainConfig(dataset="emnist", epochs=10, out="runs/emnist47"))
    result.best_path, result.history[-1]["val_acc"]

A stratified, seeded validation split is held out of the training files; the test files are only scored at
the end, never used to choose anything. Batches are drawn class-balanced and augmented on the fly (rotation,
scale, shear, translation, stroke thickness; optionally coarse low-resolution copies). The output folder gets best.pt, last.pt, best.onnx,
history.json, accuracy.png and loss.png. Same seed, same data, same numbers.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from hcr_ocr.data import datasets as datamod
from hcr_ocr.errors import CheckpointError
from hcr_ocr.reading.normalization import NORMALISATION
from hcr_ocr.train.checkpoints import export_onnx, load_checkpoint, save_checkpoint
from hcr_ocr.train.network import DEFAULT_ARCH, build_model, count_parameters
from hcr_ocr.train.plots import plot_history


@dataclass
class TrainConfig:
    dataset: str = "emnist"
    epochs: int = 10
    batch_size: int = 256
    lr: float = 3e-3
    weight_decay: float = 5e-4
    label_smoothing: float = 0.1
    val_fraction: float = 0.1
    limit: int | None = None
    seed: int = 0
    out: str = "runs/emnist"
    data_dir: str | None = None
    resume: str | None = None
    balanced: bool = True
    augment: bool = True
    low_res: float = 0.0  # share of each batch also seen as if written small and scanned coarsely
    init: str | None = None  # start from the weights of this checkpoint (fine-tuning)
    arch: dict = field(default_factory=lambda: dict(DEFAULT_ARCH))
    device: str = "cpu"


@dataclass
class TrainResult:
    out: Path
    best_path: Path
    last_path: Path
    onnx_path: Path
    history: list[dict]
    best_val_acc: float
    test_acc: float | None


def augment(x: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
    """Random rotation (±12°), scale (0.85–1.1), shear (±0.25), shift (±2 px) and stroke thickness."""
    n, dev = x.shape[0], x.device

    def uniform(lo: float, hi: float) -> torch.Tensor:
        return (torch.rand(n, generator=gen) * (hi - lo) + lo).to(dev)

    angle = uniform(-12, 12) * math.pi / 180
    scale = uniform(0.85, 1.1)
    shear = uniform(-0.25, 0.25)
    tx, ty = uniform(-2 / 14, 2 / 14), uniform(-2 / 14, 2 / 14)
    cos, sin = torch.cos(angle) / scale, torch.sin(angle) / scale
    theta = torch.stack(
        [torch.stack([cos, -sin + shear * cos, tx], 1), torch.stack([sin, cos + shear * sin, ty], 1)], 1
    )
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    x = F.grid_sample(x, grid, align_corners=False, padding_mode="zeros")
    # Thicker or thinner strokes: blend with a 3x3 dilation or erosion.
    mode = torch.rand(n, generator=gen).to(dev)
    amount = torch.rand(n, generator=gen).to(dev).view(n, 1, 1, 1)
    thick = F.max_pool2d(x, 3, 1, 1)
    thin = -F.max_pool2d(-x, 3, 1, 1)
    thicker = (mode < 0.25).view(n, 1, 1, 1)
    thinner = ((mode >= 0.25) & (mode < 0.4)).view(n, 1, 1, 1)
    x = torch.where(thicker, x + amount * (thick - x), x)
    x = torch.where(thinner, x + 0.6 * amount * (thin - x), x)
    return x.clamp_(0, 1)


def low_resolution(x: torch.Tensor, gen: torch.Generator, share: float) -> torch.Tensor:
    """A `share` of the glyphs as the reader sees small handwriting (a letter 10-22 px tall in a phone photo
    or a form scan): shrunk, thresholded to a binary mask, smoothed and enlarged back to 28x28."""
    n = x.shape[0]
    pick = torch.rand(n, generator=gen) < share
    if not pick.any():
        return x
    size = int(torch.randint(12, 27, (1,), generator=gen))  # the 28-px frame at this size
    small = F.interpolate(x[pick], size=(size, size), mode="area")
    top = small.amax(dim=(2, 3), keepdim=True)
    cut = (0.2 + 0.3 * torch.rand(int(pick.sum()), 1, 1, 1, generator=gen).to(x.device)) * top
    binary = (small > cut).float()
    kernel = torch.tensor([0.107, 0.786, 0.107], device=x.device)  # a Gaussian of sigma 0.5, as the reader
    kernel = (kernel[:, None] * kernel[None, :]).view(1, 1, 3, 3)
    smooth = F.conv2d(F.pad(binary, (1, 1, 1, 1)), kernel)
    big = F.interpolate(smooth, size=(28, 28), mode="bicubic", align_corners=False).clamp(0, None)
    top = big.amax(dim=(2, 3), keepdim=True).clamp_min(1e-6)
    x = x.clone()
    x[pick] = (big / top).clamp(0, 1)
    return x


def one_cycle_lr(step: int, total_steps: int, peak: float, warmup: float = 0.2) -> float:
    """Linear warm-up from peak/25 to peak over the first `warmup` of the steps, then cosine down to ~0.
    A pure function of the step, so a resumed run with more epochs simply stretches the schedule."""
    warm = max(1, int(total_steps * warmup))
    if step < warm:
        return peak / 25 + (peak - peak / 25) * step / warm
    progress = min(1.0, (step - warm) / max(1, total_steps - warm))
    return peak * (0.5 * (1 + math.cos(math.pi * progress)) * (1 - 1e-4) + 1e-4)


def soft_targets(labels: torch.Tensor, num_classes: int, smoothing: float) -> torch.Tensor:
    """One-hot rows with label smoothing, fed to the cross-entropy as probability targets."""
    return torch.from_numpy(datamod.one_hot(labels.cpu().numpy(), num_classes, smoothing)).to(labels.device)


@torch.no_grad()
def predict(
    model: torch.nn.Module, images: np.ndarray, batch_size: int = 1024, device: str = "cpu"
) -> np.ndarray:
    """Softmax probabilities (N, classes) for float32 images (N, 1, 28, 28)."""
    model.eval()
    out = []
    for i in range(0, len(images), batch_size):
        batch = torch.from_numpy(images[i : i + batch_size]).to(device)
        out.append(torch.softmax(model(batch), 1).cpu().numpy())
    return np.concatenate(out) if out else np.zeros((0, 1), np.float32)


def _evaluate(model, images: np.ndarray, labels: np.ndarray, num_classes: int, device: str) -> dict:
    probs = predict(model, images, device=device)
    pred = probs.argmax(1)
    nll = -np.log(np.clip(probs[np.arange(len(labels)), labels], 1e-12, None)).mean()
    recalls = [np.mean(pred[labels == c] == c) for c in range(num_classes) if np.any(labels == c)]
    return {
        "loss": float(nll),
        "acc": float(np.mean(pred == labels)),
        "balanced_acc": float(np.mean(recalls)),
    }


def _epoch_order(labels: np.ndarray, balanced: bool, gen: torch.Generator) -> np.ndarray:
    """This epoch's sample order: class-balanced draws (with replacement) or a plain shuffle."""
    n = len(labels)
    if not balanced:
        return torch.randperm(n, generator=gen).numpy()
    counts = np.bincount(labels)
    weights = torch.from_numpy(1.0 / counts[labels])
    return torch.multinomial(weights, n, replacement=True, generator=gen).numpy()


def train(config: TrainConfig, on_progress: Callable[[dict], None] | None = None) -> TrainResult:
    """Run (or resume) a training run; returns paths and the per-epoch history."""
    torch.manual_seed(config.seed)
    torch.use_deterministic_algorithms(True)
    out = Path(config.out)
    out.mkdir(parents=True, exist_ok=True)
    device = config.device

    full = datamod.load_split(config.dataset, "train", config.data_dir, config.limit)
    classes = full.classes
    num_classes = len(classes)
    train_idx, val_idx = datamod.stratified_split(full.labels, config.val_fraction, config.seed)
    x_train, y_train = full.images[train_idx], full.labels[train_idx]
    x_val, y_val = full.images[val_idx], full.labels[val_idx]

    start_weights = None
    if config.init:
        start = load_checkpoint(config.init)
        if start["meta"].get("classes") != classes:
            raise CheckpointError(f"{config.init} was trained on other classes than {config.dataset}")
        config.arch = dict(start["meta"].get("arch", config.arch))  # fine-tuning keeps its shape
        start_weights = start["state_dict"]
    model = build_model(num_classes, config.arch).to(device)
    if start_weights is not None:
        model.load_state_dict(start_weights)
    opt = torch.optim.AdamW(model.parameters(), lr=config.lr, weight_decay=config.weight_decay)
    steps_per_epoch = math.ceil(len(y_train) / config.batch_size)
    total_steps = config.epochs * steps_per_epoch
    gen = torch.Generator().manual_seed(config.seed)
    history: list[dict] = []
    start_epoch, best_score = 0, -1.0

    if config.resume:
        ckpt = load_checkpoint(config.resume)
        state = ckpt.get("train_state")
        if state is None:
            raise CheckpointError(f"{config.resume} has no training state to resume from (use last.pt)")
        model.load_state_dict(ckpt["state_dict"])
        opt.load_state_dict(state["optimizer"])
        gen.set_state(state["generator"])
        history, start_epoch, best_score = (
            list(state["history"]),
            int(state["epoch"]),
            float(state["best_score"]),
        )

    meta = {
        "classes": classes,
        "num_classes": num_classes,
        "arch": {**DEFAULT_ARCH, **config.arch},
        "parameters": count_parameters(model),
        "normalisation": NORMALISATION,
        "dataset": config.dataset,
        "train_config": {k: v for k, v in asdict(config).items() if k not in ("data_dir", "resume")},
        "torch_version": str(torch.__version__),
    }
    best_path, last_path, onnx_path = out / "best.pt", out / "last.pt", out / "best.onnx"
    x_train_t, y_train_t = torch.from_numpy(x_train), torch.from_numpy(y_train)

    for epoch in range(start_epoch, config.epochs):
        model.train()
        t0 = time.time()
        order = _epoch_order(y_train, config.balanced, gen)
        seen, loss_sum, correct = 0, 0.0, 0
        for step in range(steps_per_epoch):
            idx = torch.from_numpy(order[step * config.batch_size : (step + 1) * config.batch_size])
            xb, yb = x_train_t[idx].to(device), y_train_t[idx].to(device)
            if config.augment:
                xb = augment(xb, gen)
            if config.low_res:
                xb = low_resolution(xb, gen, config.low_res)
            logits = model(xb)
            loss = F.cross_entropy(logits, soft_targets(yb, num_classes, config.label_smoothing))
            for group in opt.param_groups:
                group["lr"] = one_cycle_lr(epoch * steps_per_epoch + step, total_steps, config.lr)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            seen += len(yb)
            loss_sum += float(loss.detach()) * len(yb)
            correct += int((logits.argmax(1) == yb).sum())
            if on_progress:
                on_progress(
                    {
                        "epoch": epoch + 1,
                        "step": step + 1,
                        "steps": steps_per_epoch,
                        "loss": loss_sum / seen,
                        "acc": correct / seen,
                    }
                )
        val = _evaluate(model, x_val, y_val, num_classes, device)
        record = {
            "epoch": epoch + 1,
            "train_loss": loss_sum / seen,
            "train_acc": correct / seen,
            "val_loss": val["loss"],
            "val_acc": val["acc"],
            "val_balanced_acc": val["balanced_acc"],
            "lr": opt.param_groups[0]["lr"],
            "seconds": time.time() - t0,
        }
        history.append(record)
        state_dict = {k: v.detach().cpu().clone() for k, v in model.state_dict().items()}
        # Balanced accuracy picks the best epoch: the test sets are balanced, the train files are not.
        if val["balanced_acc"] > best_score:
            best_score = val["balanced_acc"]
            best_meta = {
                **meta,
                "epoch": epoch + 1,
                "val_acc": val["acc"],
                "val_balanced_acc": best_score,
                "date": datetime.now(UTC).isoformat(timespec="seconds"),
            }
            save_checkpoint(best_path, state_dict, best_meta)
        train_state = {
            "optimizer": opt.state_dict(),
            "generator": gen.get_state(),
            "history": history,
            "epoch": epoch + 1,
            "best_score": best_score,
        }
        save_checkpoint(last_path, state_dict, {**meta, "epoch": epoch + 1}, train_state)
        (out / "history.json").write_text(json.dumps(history, indent=1))
        plot_history(history, out)
        if on_progress:
            on_progress({"epoch_done": record})

    # Score the chosen model on the test files once, for the record (it chooses nothing).
    best = load_checkpoint(best_path)
    model.load_state_dict(best["state_dict"])
    model = model.cpu()
    test_acc = None
    try:
        test = datamod.load_split(config.dataset, "test", config.data_dir)
        test_acc = _evaluate(model, test.images, test.labels, num_classes, "cpu")["acc"]
        best["meta"]["test_accuracy"] = test_acc
        best["meta"]["test_n"] = len(test)
        save_checkpoint(best_path, best["state_dict"], best["meta"])
    except datamod.DataError:
        pass
    export_onnx(model, best["meta"], onnx_path)
    return TrainResult(out, best_path, last_path, onnx_path, history, best_score, test_acc)


def average_checkpoints(
    paths: list[str | Path],
    out: str | Path,
    dataset: str = "emnist",
    data_dir: str | None = None,
    val_fraction: float = 0.1,
    seed: int = 0,
    always: bool = False,
) -> tuple[dict, bool]:
    """Average the weights of checkpoints of one network (stochastic weight averaging, or a fine-tuned model
    with the one it started from), re-estimate the batch-norm statistics on training images, and save the
    result as out/best.pt and out/best.onnx if its class-balanced validation accuracy beats every input's
    (or `always`, when another yardstick such as `hcr-ocr bench` decides). Returns the validation scores
    and whether the average was written; the test files choose nothing."""
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
        scores[str(path)] = _evaluate(model, x_val, y_val, num_classes, "cpu")["balanced_acc"]
    averaged = {}
    for name, tensor in ckpts[0]["state_dict"].items():
        stack = torch.stack([c["state_dict"][name].float() for c in ckpts])
        averaged[name] = stack.mean(0).to(tensor.dtype)
    model = build_model(num_classes, meta["arch"])
    model.load_state_dict(averaged)
    # Batch-norm statistics of averaged weights are not the average of the statistics: measure them again.
    gen = torch.Generator().manual_seed(seed)
    sample = torch.from_numpy(
        full.images[train_idx[torch.randperm(len(train_idx), generator=gen)[:20000].numpy()]]
    )
    for module in model.modules():
        if isinstance(module, torch.nn.modules.batchnorm._BatchNorm):
            module.reset_running_stats()
            module.momentum = None  # a plain average over the batches below
    model.train()
    with torch.no_grad():
        for i in range(0, len(sample), 500):
            model(sample[i : i + 500])
    model.eval()
    scores["average"] = _evaluate(model, x_val, y_val, num_classes, "cpu")["balanced_acc"]
    written = always or scores["average"] > max(v for k, v in scores.items() if k != "average")
    if written:
        out = Path(out)
        out.mkdir(parents=True, exist_ok=True)
        state = {k: v.detach().clone() for k, v in model.state_dict().items()}
        avg_meta = {
            **meta,
            "averaged_from": [str(p) for p in paths],
            "val_balanced_acc": scores["average"],
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        for stale in ("test_accuracy", "epoch", "val_acc"):
            avg_meta.pop(stale, None)
        avg_meta["averaged_epochs"] = [int(c["meta"].get("epoch", 0)) for c in ckpts]
        try:
            test = datamod.load_split(dataset, "test", data_dir)
            avg_meta["test_accuracy"] = _evaluate(model, test.images, test.labels, num_classes, "cpu")["acc"]
            avg_meta["test_n"] = len(test)
        except datamod.DataError:
            pass
        save_checkpoint(out / "best.pt", state, avg_meta)
        export_onnx(model, avg_meta, out / "best.onnx")
    return scores, written
