"""How a run starts: its settings, its data, and a network and optimizer that are new, fine-tuned (--init)
or resumed where a last.pt left off (--resume).

    from hcr_ocr.train.start import start_run
    settings, data, state = start_run(config)
    settings.out, data.x_train.shape, state.epochs_done

A resumed run is the checkpoint's run: its dataset, classes, architecture, batch size and folder come from
the checkpoint, and a command line that contradicts them is a CheckpointError rather than a broken network.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from hcr_ocr.data import datasets as datamod
from hcr_ocr.data.harvest import harvest_glyphs
from hcr_ocr.errors import CheckpointError, HcrError
from hcr_ocr.train.checkpoints import load_checkpoint
from hcr_ocr.train.config import TrainConfig
from hcr_ocr.train.network import DEFAULT_ARCH, build_model

DEFAULT_DATASET = "emnist"


@dataclass(frozen=True)
class RunSettings:
    """The settings a run uses, once the command line and the checkpoints it starts from agree."""

    dataset: str
    arch: dict
    out: Path
    batch_size: int | None  # None: schedule.batch_size_for decides from the number of images


@dataclass
class TrainData:
    """The training files split into what the network learns from and what chooses the best epoch."""

    classes: str
    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray

    @property
    def num_classes(self) -> int:
        return len(self.classes)


@dataclass
class RunState:
    """Everything a run changes as it goes, and what last.pt keeps for --resume."""

    model: torch.nn.Module
    optimizer: torch.optim.Optimizer
    generator: torch.Generator
    history: list[dict]
    epochs_done: int
    best_score: float  # the best class-balanced validation accuracy so far


@dataclass(frozen=True)
class StartingPoints:
    """The checkpoints named by --resume and --init, loaded (None where not given)."""

    resume: dict | None
    init: dict | None


def load_starting_points(config: TrainConfig) -> StartingPoints:
    if config.resume and config.init:
        raise HcrError("--resume continues a run and --init starts a new one from weights: give one of them")
    resume = load_checkpoint(config.resume) if config.resume else None
    if resume is not None and resume.get("train_state") is None:
        raise CheckpointError(f"{config.resume} has no training state to resume from (use last.pt)")
    return StartingPoints(resume, load_checkpoint(config.init) if config.init else None)


def _resumed_settings(config: TrainConfig, meta: dict) -> RunSettings:
    dataset, arch = meta.get("dataset", DEFAULT_DATASET), {**DEFAULT_ARCH, **meta["arch"]}
    if config.dataset and config.dataset != dataset:
        raise CheckpointError(
            f"{config.resume} is a run on {dataset}, not {config.dataset}: leave out --dataset to resume it"
        )
    asked = {**DEFAULT_ARCH, **(config.arch or {})}
    if config.arch and asked != arch:
        wrong = ", ".join(f"{k} {arch.get(k)}" for k in asked if asked[k] != arch.get(k))
        raise CheckpointError(f"{config.resume} was trained with {wrong}: leave out --width to resume it")
    out = Path(config.out) if config.out else Path(config.resume).parent
    batch_size = config.batch_size or meta.get("train_config", {}).get("batch_size")
    return RunSettings(dataset, arch, out, batch_size)


def resolve_settings(config: TrainConfig, starts: StartingPoints) -> RunSettings:
    if starts.resume is not None:
        return _resumed_settings(config, starts.resume["meta"])
    dataset = config.dataset or DEFAULT_DATASET
    if starts.init is not None:  # fine-tuning keeps the shape of the network it starts from
        arch = {**DEFAULT_ARCH, **starts.init["meta"]["arch"]}
    else:
        arch = {**DEFAULT_ARCH, **(config.arch or {})}
    return RunSettings(dataset, arch, Path(config.out or Path("runs") / dataset), config.batch_size)


def load_train_data(config: TrainConfig, settings: RunSettings) -> TrainData:
    """The training files (the first `limit`), split into train and a stratified, seeded validation set;
    with `extra_glyphs`, the glyphs harvested from that folder's crops join the training part (never the
    validation part), each as many times as `extra_repeat` says for its source."""
    full = datamod.load_split(settings.dataset, "train", config.data_dir, config.limit)
    train_idx, val_idx = datamod.stratified_split(full.labels, config.val_fraction, config.seed)
    x_train, y_train = full.images[train_idx], full.labels[train_idx]
    if config.extra_glyphs:
        x_train, y_train = with_extra_glyphs(x_train, y_train, config, full.classes)
    return TrainData(full.classes, x_train, y_train, full.images[val_idx], full.labels[val_idx])


def with_extra_glyphs(
    x_train: np.ndarray, y_train: np.ndarray, config: TrainConfig, classes: str
) -> tuple[np.ndarray, np.ndarray]:
    """The training images with the extra glyphs appended, oversampled: harvested from each folder of crops
    in `config.extra_glyphs`, or read from each .npz (uint8 `images` (N, 28, 28) upright, int `labels`)."""
    if classes != datamod.BALANCED47:
        raise HcrError("--extra-glyphs gives glyphs of the 47 emnist classes: train with --dataset emnist")
    xs, ys = [x_train], [y_train]
    for source, repeat in zip(config.extra_glyphs, config.repeats(), strict=True):
        images, labels = _extra_glyphs(source, config)
        xs.append(np.repeat(datamod.to_tensor_layout(images), repeat, axis=0))
        ys.append(np.repeat(labels, repeat))
    return np.concatenate(xs), np.concatenate(ys)


def _extra_glyphs(source: str, config: TrainConfig) -> tuple[np.ndarray, np.ndarray]:
    if source.endswith(".npz"):
        try:
            with np.load(source) as saved:
                images, labels = saved["images"], saved["labels"].astype(np.int64)
        except (OSError, KeyError, ValueError) as err:
            raise HcrError(f"--extra-glyphs {source}: not an .npz of images and labels ({err})") from None
        if images.shape[1:] != (28, 28) or len(images) != len(labels) or labels.max(initial=0) >= 47:
            raise HcrError(f"--extra-glyphs {source}: expected (N, 28, 28) images and N labels under 47")
    else:
        images, labels = harvest_glyphs(source, config.data_dir)
    if not len(labels):
        raise HcrError(f"--extra-glyphs {source}: no glyphs (no crop gave as many glyphs as its label)")
    return images, labels


def check_classes(config: TrainConfig, starts: StartingPoints, data: TrainData, dataset: str) -> None:
    for path, ckpt in ((config.resume, starts.resume), (config.init, starts.init)):
        if ckpt is not None and ckpt["meta"].get("classes") != data.classes:
            raise CheckpointError(f"{path} was trained on other classes than {dataset}")


def start_state(
    config: TrainConfig, settings: RunSettings, data: TrainData, starts: StartingPoints
) -> RunState:
    """A network and optimizer, new, from --init's weights, or as --resume's last.pt left them."""
    model = build_model(data.num_classes, settings.arch).to(config.device)
    optimizer = torch.optim.AdamW(model.parameters(), lr=config.lr, weight_decay=config.weight_decay)
    generator = torch.Generator().manual_seed(config.seed)
    state = RunState(model, optimizer, generator, [], 0, -1.0)
    if starts.init is not None:
        model.load_state_dict(starts.init["state_dict"])
    if starts.resume is not None:
        saved = starts.resume["train_state"]
        model.load_state_dict(starts.resume["state_dict"])
        optimizer.load_state_dict(saved["optimizer"])
        generator.set_state(saved["generator"])
        state.history = list(saved["history"])
        state.epochs_done, state.best_score = int(saved["epoch"]), float(saved["best_score"])
    return state


def start_run(config: TrainConfig) -> tuple[RunSettings, TrainData, RunState]:
    """Settle the run's settings, load its data and build (or restore) its network and optimizer."""
    starts = load_starting_points(config)
    settings = resolve_settings(config, starts)
    data = load_train_data(config, settings)
    check_classes(config, starts, data, settings.dataset)
    return settings, data, start_state(config, settings, data, starts)
