"""Train the character CNN on MNIST or EMNIST, on the CPU (or a GPU where there is one).

    from hcr_ocr.train.training import TrainConfig, train
    result = train(TrainConfig(dataset="emnist", epochs=10, out="runs/emnist47"))
    result.best_path, result.history[-1]["val_acc"]

A stratified, seeded validation split is held out of the training files; the test files are only scored at
the end, never used to choose anything. Batches are drawn class-balanced and augmented on the fly (rotation,
scale, shear, translation, stroke thickness; optionally coarse low-resolution copies, --low-res, and the
degradations of scans, --degrade); --extra-glyphs adds glyphs harvested from real crops (hcr_ocr.data.harvest)
to the training images. On a GPU (--device cuda) cuBLAS is made deterministic. The output folder gets
best.pt, last.pt, best.onnx, history.json, accuracy.png and loss.png. Same seed, same data, same numbers.

The steps: start.start_run (settings, data, network; --init, --resume), epochs.train_epoch, then here
each epoch's validation, history and checkpoints, and at the end the test score and the ONNX export.

With `distributed=True` (under torchrun, see hcr_ocr.train.distributed) each process trains on its share
of every global batch; rank 0 alone validates and writes the folder, and every rank returns its result.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import torch

from hcr_ocr.data import datasets as datamod
from hcr_ocr.errors import HcrError
from hcr_ocr.reading.normalization import NORMALISATION
from hcr_ocr.train.checkpoints import export_onnx, load_checkpoint, save_checkpoint
from hcr_ocr.train.config import TrainConfig
from hcr_ocr.train.distributed import SINGLE, Cluster, join_group
from hcr_ocr.train.epochs import EpochStats, StepPlan, train_epoch
from hcr_ocr.train.network import count_parameters
from hcr_ocr.train.plots import plot_history
from hcr_ocr.train.scoring import score_images
from hcr_ocr.train.start import RunSettings, RunState, TrainData, start_run

__all__ = ["RunFiles", "TrainConfig", "TrainResult", "train"]

NEAR_CHANCE = 2.0  # a best validation accuracy under this many times chance is worth a warning
DETERMINISTIC_CUBLAS = ":4096:8"  # CUBLAS_WORKSPACE_CONFIG that deterministic algorithms need on CUDA


@dataclass
class TrainResult:
    out: Path
    best_path: Path
    last_path: Path
    onnx_path: Path
    history: list[dict]
    best_val_acc: float  # class-balanced
    test_acc: float | None
    num_classes: int
    rank: int = 0  # this process's rank in a distributed run (only rank 0 wrote the files)

    @property
    def chance(self) -> float:
        """The balanced accuracy of a guess."""
        return 1 / self.num_classes

    @property
    def near_chance(self) -> bool:
        """True when the best epoch is under twice chance: the network learned next to nothing."""
        return self.best_val_acc < NEAR_CHANCE * self.chance


@dataclass(frozen=True)
class RunFiles:
    """What a run writes into its folder."""

    out: Path

    @property
    def best(self) -> Path:
        return self.out / "best.pt"

    @property
    def last(self) -> Path:
        return self.out / "last.pt"

    @property
    def onnx(self) -> Path:
        return self.out / "best.onnx"

    @property
    def history(self) -> Path:
        return self.out / "history.json"


def carry_best(resumed_from: str | None, files: RunFiles) -> None:
    """A run resumed into another folder starts there with the best.pt it has so far: later epochs may
    not beat it, and the end of the run scores and exports the best."""
    if resumed_from is None:
        return
    earlier = Path(resumed_from).parent / "best.pt"
    if earlier.is_file() and not files.best.exists():
        shutil.copyfile(earlier, files.best)


def run_metadata(
    config: TrainConfig,
    settings: RunSettings,
    data: TrainData,
    model: torch.nn.Module,
    plan: StepPlan,
    cluster: Cluster = SINGLE,
) -> dict:
    """The meta every checkpoint of the run carries (classes, arch, normalisation, the config it ran with)."""
    ran_with = replace(
        config,
        dataset=settings.dataset,
        arch=settings.arch,
        out=str(settings.out),
        batch_size=plan.batch_size,
    )
    processes = {"processes": cluster.world_size, "backend": cluster.backend} if cluster.grouped else {}
    return {
        **({"distributed": processes} if processes else {}),
        "classes": data.classes,
        "num_classes": data.num_classes,
        "arch": settings.arch,
        "parameters": count_parameters(model),
        "normalisation": NORMALISATION,
        "dataset": settings.dataset,
        "train_config": {k: v for k, v in asdict(ran_with).items() if k not in ("data_dir", "resume")},
        "torch_version": str(torch.__version__),
    }


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def finish_epoch(
    state: RunState, data: TrainData, stats: EpochStats, epoch: int, started: float, device: str
) -> dict:
    """Validate after epoch `epoch` (0-based) and append its record to the history."""
    val = score_images(state.model, data.x_val, data.y_val, data.num_classes, device)
    record = {
        "epoch": epoch + 1,
        "train_loss": stats.loss,
        "train_acc": stats.acc,
        "val_loss": val.loss,
        "val_acc": val.acc,
        "val_balanced_acc": val.balanced_acc,
        "lr": state.optimizer.param_groups[0]["lr"],
        "seconds": time.time() - started,
    }
    state.history.append(record)
    state.epochs_done = epoch + 1
    return record


def save_epoch(state: RunState, record: dict, meta: dict, files: RunFiles) -> None:
    """best.pt when the epoch beats the ones before on balanced accuracy (the test sets are balanced, the
    train files are not); last.pt with the training state for --resume; history.json and the plots."""
    weights = {k: v.detach().cpu().clone() for k, v in state.model.state_dict().items()}
    if record["val_balanced_acc"] > state.best_score:
        state.best_score = record["val_balanced_acc"]
        best_meta = {
            **meta,
            "epoch": record["epoch"],
            "val_acc": record["val_acc"],
            "val_balanced_acc": state.best_score,
            "date": _now(),
        }
        save_checkpoint(files.best, weights, best_meta)
    train_state = {
        "optimizer": state.optimizer.state_dict(),
        "generator": state.generator.get_state(),
        "history": state.history,
        "epoch": state.epochs_done,
        "best_score": state.best_score,
    }
    save_checkpoint(files.last, weights, {**meta, "epoch": state.epochs_done}, train_state)
    files.history.write_text(json.dumps(state.history, indent=1))
    plot_history(state.history, files.out)


def finish_run(model: torch.nn.Module, config: TrainConfig, dataset: str, files: RunFiles) -> float | None:
    """Score the chosen model on the test files once, for the record (it chooses nothing), and export it
    as ONNX. Returns the test accuracy (None where there are no test files)."""
    best = load_checkpoint(files.best)
    model.load_state_dict(best["state_dict"])
    model = model.cpu()
    test_acc = None
    try:
        test = datamod.load_split(dataset, "test", config.data_dir)
    except datamod.DataError:
        test = None
    if test is not None:
        test_acc = score_images(model, test.images, test.labels, len(test.classes)).acc
        best["meta"]["test_accuracy"] = test_acc
        best["meta"]["test_n"] = len(test)
        save_checkpoint(files.best, best["state_dict"], best["meta"])
    export_onnx(model, best["meta"], files.onnx)
    return test_acc


def train(config: TrainConfig, on_progress: Callable[[dict], None] | None = None) -> TrainResult:
    """Run (or resume) a training run; returns paths and the per-epoch history. `on_progress` gets each
    step's event (see epochs.train_epoch) and {"epoch_done": record} after each epoch (on rank 0 only)."""
    if not config.distributed:
        return _train(config, on_progress, SINGLE)
    cluster, device = join_group(config.device)
    finished = False
    try:
        result = _train(replace(config, device=device), on_progress if cluster.is_main else None, cluster)
        finished = True
        return result
    finally:
        cluster.leave(finished)


def _train(config: TrainConfig, on_progress: Callable[[dict], None] | None, cluster: Cluster) -> TrainResult:
    torch.manual_seed(config.seed)
    if config.device.startswith("cuda"):  # before the first cuBLAS call, or deterministic matmuls raise
        os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", DETERMINISTIC_CUBLAS)
    torch.use_deterministic_algorithms(True)
    settings, data, state = start_run(config)
    files = RunFiles(settings.out)
    plan = StepPlan.for_run(len(data.y_train), settings.batch_size, config.epochs, cluster.world_size)
    if cluster.grouped and plan.batch_size < 2 * cluster.world_size:
        raise HcrError(
            f"a batch of {plan.batch_size} is too small for {cluster.world_size} processes "
            f"(batch norm needs 2 images on each): raise --batch-size"
        )
    if cluster.is_main:
        files.out.mkdir(parents=True, exist_ok=True)
        carry_best(config.resume, files)
    meta = run_metadata(config, settings, data, state.model, plan, cluster)
    network = cluster.wrap(state.model)
    for epoch in range(state.epochs_done, config.epochs):
        started = time.time()
        stats = train_epoch(state, data, config, plan, epoch, on_progress, cluster, network)
        record = None
        if cluster.is_main:
            record = finish_epoch(state, data, stats, epoch, started, config.device)
            save_epoch(state, record, meta, files)
        record, state.best_score = cluster.broadcast((record, state.best_score))  # the others wait here
        if not cluster.is_main:
            state.history.append(record)
            state.epochs_done = epoch + 1
        if on_progress:
            on_progress({"epoch_done": record})
    test_acc = finish_run(state.model, config, settings.dataset, files) if cluster.is_main else None
    test_acc = cluster.broadcast(test_acc)
    return TrainResult(
        files.out,
        files.best,
        files.last,
        files.onnx,
        state.history,
        state.best_score,
        test_acc,
        data.num_classes,
        cluster.rank,
    )
