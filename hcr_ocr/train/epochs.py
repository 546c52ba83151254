"""One epoch of training: class-balanced batches, augmented on the fly, one optimizer step each.

    from hcr_ocr.train.epochs import StepPlan, train_epoch
    plan = StepPlan.for_run(samples=len(data.y_train), batch_size=None, epochs=10)  # None: batch_size_for
    stats = train_epoch(state, data, config, plan, epoch=0, on_progress=print)
    stats.loss, stats.acc                 # on the augmented batches the network learned from

`on_progress` gets {"epoch", "step", "steps", "loss", "acc"} after every step.

Under torchrun (`cluster`, `network` from hcr_ocr.train.distributed) every rank draws the same order and
augments the same global batch with the shared generator, then trains its DistributedDataParallel
`network` on its strided share; the epoch's loss and accuracy are summed over the ranks.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import torch
import torch.nn.functional as F

from hcr_ocr.data import datasets as datamod
from hcr_ocr.train.augmentation import augment, degrade, low_resolution
from hcr_ocr.train.config import TrainConfig
from hcr_ocr.train.distributed import SINGLE, Cluster
from hcr_ocr.train.schedule import batch_size_for, epoch_order, one_cycle_lr, pace_batchnorm
from hcr_ocr.train.start import RunState, TrainData


@dataclass(frozen=True)
class StepPlan:
    """How the run's samples become optimizer steps."""

    batch_size: int
    steps_per_epoch: int
    total_steps: int  # over all the run's epochs: the length of the learning-rate schedule

    @classmethod
    def for_run(cls, samples: int, batch_size: int | None, epochs: int, processes: int = 1) -> StepPlan:
        """`batch_size` is the global batch, shared by the `processes` of a distributed run."""
        batch_size = batch_size_for(samples, batch_size)
        steps = math.ceil(samples / batch_size)
        if 0 < samples % batch_size < 2 * processes and steps > 1:
            steps -= 1  # batch norm cannot learn from a batch of one: leave the odd images out of this epoch
        return cls(batch_size, steps, epochs * steps)


@dataclass(frozen=True)
class EpochStats:
    loss: float
    acc: float


def soft_targets(labels: torch.Tensor, num_classes: int, smoothing: float) -> torch.Tensor:
    """One-hot rows with label smoothing, fed to the cross-entropy as probability targets."""
    return torch.from_numpy(datamod.one_hot(labels.cpu().numpy(), num_classes, smoothing)).to(labels.device)


def _distorted(batch: torch.Tensor, config: TrainConfig, gen: torch.Generator) -> torch.Tensor:
    if config.augment:
        batch = augment(batch, gen)
    if config.low_res:
        batch = low_resolution(batch, gen, config.low_res)
    if config.degrade:
        batch = degrade(batch, gen, config.degrade)
    return batch


def train_epoch(
    state: RunState,
    data: TrainData,
    config: TrainConfig,
    plan: StepPlan,
    epoch: int,
    on_progress: Callable[[dict], None] | None = None,
    cluster: Cluster = SINGLE,
    network: torch.nn.Module | None = None,
) -> EpochStats:
    """Train `state.model` for one epoch (0-based `epoch`); returns the loss and accuracy on its batches.
    In a distributed run `network` is the model wrapped in DistributedDataParallel."""
    model, opt, gen = state.model, state.optimizer, state.generator
    network = network or model
    network.train()
    images, labels = torch.from_numpy(data.x_train), torch.from_numpy(data.y_train)
    order = epoch_order(data.y_train, config.balanced, gen)
    seen, loss_sum, correct = 0, 0.0, 0
    for step in range(plan.steps_per_epoch):
        idx = torch.from_numpy(order[step * plan.batch_size : (step + 1) * plan.batch_size])
        xb, yb = images[idx].to(config.device), labels[idx].to(config.device)
        xb = _distorted(xb, config, gen)  # the whole global batch: the generator stays the same on every rank
        xb, yb = cluster.share(xb), cluster.share(yb)
        pace_batchnorm(model)
        logits = network(xb)
        loss = F.cross_entropy(logits, soft_targets(yb, data.num_classes, config.label_smoothing))
        for group in opt.param_groups:
            group["lr"] = one_cycle_lr(epoch * plan.steps_per_epoch + step, plan.total_steps, config.lr)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        seen += len(yb)
        loss_sum += float(loss.detach()) * len(yb)
        correct += int((logits.argmax(1) == yb).sum())
        if on_progress:
            progress = {"epoch": epoch + 1, "step": step + 1, "steps": plan.steps_per_epoch}
            on_progress({**progress, "loss": loss_sum / seen, "acc": correct / seen})
    seen, loss_sum, correct = cluster.all_sum([seen, loss_sum, correct])
    return EpochStats(loss_sum / seen, correct / seen)
