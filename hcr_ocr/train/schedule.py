"""The pace of a run: batch size, learning rate per step, sample order, batch-norm statistics.

    from hcr_ocr.train.schedule import batch_size_for, epoch_order, one_cycle_lr, pace_batchnorm
    batch = batch_size_for(samples=1801)                 # 36: a small set still makes 50 steps an epoch
    lr = one_cycle_lr(step, total_steps, peak=3e-3)      # warm-up, then cosine down to ~0
    order = epoch_order(labels, balanced=True, gen=gen)  # this epoch's sample indices
    pace_batchnorm(model)                                # before each training step

Each is a pure function of its arguments, the generator or the network's own counters, so a resumed run
continues exactly.

Short runs: batch norm keeps running statistics for inference, a moving average that starts at mean 0 and
variance 1 and moves 10% of the way towards each batch's statistics. After 7 steps (2,000 images in batches
of 256) they are still half the starting values, every layer is mis-scaled at inference, and the network
answers one class for everything. `pace_batchnorm` makes the average bias-corrected (the first batch counts
fully, the weight falls to 10% over the first ~50 steps), and `batch_size_for` gives a small set smaller
batches so that an epoch is at least 50 optimizer steps. Neither changes a run on the full data sets:
their epochs are 200-720 steps of 256, and the correction is below float precision after ~350 steps.
"""

from __future__ import annotations

import math

import numpy as np
import torch

BATCH_SIZE = 256
MIN_BATCH_SIZE = 16
MIN_STEPS_PER_EPOCH = 50
BATCHNORM_MOMENTUM = 0.1  # torch's default weight of each new batch in the running statistics


def batch_size_for(samples: int, requested: int | None = None) -> int:
    """`requested`, or 256 unless that leaves an epoch of `samples` with fewer than 50 steps (never under 16)."""
    if requested:
        return requested
    return max(MIN_BATCH_SIZE, min(BATCH_SIZE, samples // MIN_STEPS_PER_EPOCH))


def debiased_momentum(batches_seen: int, momentum: float = BATCHNORM_MOMENTUM) -> float:
    """The weight of the next batch that turns an exponential moving average started at a guess into a
    bias-corrected one: 1 for the first batch, then falling to `momentum`."""
    return min(1.0, momentum / (1 - (1 - momentum) ** (batches_seen + 1)))


def pace_batchnorm(model: torch.nn.Module) -> None:
    """Set every batch-norm layer's momentum from the batches it has seen (`num_batches_tracked`, kept in
    checkpoints, so --resume and --init go on where they were)."""
    for module in model.modules():
        if (
            isinstance(module, torch.nn.modules.batchnorm._BatchNorm)
            and module.num_batches_tracked is not None
        ):
            module.momentum = debiased_momentum(int(module.num_batches_tracked))


def one_cycle_lr(step: int, total_steps: int, peak: float, warmup: float = 0.2) -> float:
    """Linear warm-up from peak/25 to peak over the first `warmup` of the steps, then cosine down to ~0.
    A pure function of the step, so a resumed run with more epochs simply stretches the schedule."""
    warm = max(1, int(total_steps * warmup))
    if step < warm:
        return peak / 25 + (peak - peak / 25) * step / warm
    progress = min(1.0, (step - warm) / max(1, total_steps - warm))
    return peak * (0.5 * (1 + math.cos(math.pi * progress)) * (1 - 1e-4) + 1e-4)


def epoch_order(labels: np.ndarray, balanced: bool, gen: torch.Generator) -> np.ndarray:
    """This epoch's sample order: class-balanced draws (with replacement) or a plain shuffle."""
    n = len(labels)
    if not balanced:
        return torch.randperm(n, generator=gen).numpy()
    counts = np.bincount(labels)
    weights = torch.from_numpy(1.0 / counts[labels])
    return torch.multinomial(weights, n, replacement=True, generator=gen).numpy()
