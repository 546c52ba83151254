"""The character CNN: (N, 1, 28, 28) pixels in [0, 1] → (N, classes) logits.

    from hcr_ocr.train.network import CharCNN
    net = CharCNN(num_classes=47, width=32)
    logits = net(torch.rand(8, 1, 28, 28))      # (8, 47)

Three conv + batch-norm stages (28 → 14 → 7 → 3), dropout, one hidden dense layer. `width` scales the
channels (width, 2*width, 4*width); the default was chosen by accuracy per second of CPU time (models/README.md).
"""

from __future__ import annotations

import torch
from torch import nn

DEFAULT_ARCH = {"name": "charcnn", "width": 32, "hidden": 256, "dropout": 0.3}


def conv_bn(c_in: int, c_out: int) -> list[nn.Module]:
    return [nn.Conv2d(c_in, c_out, 3, padding=1, bias=False), nn.BatchNorm2d(c_out), nn.ReLU(inplace=True)]


class CharCNN(nn.Module):
    def __init__(self, num_classes: int, width: int = 32, hidden: int = 256, dropout: float = 0.3):
        super().__init__()
        w = width
        self.features = nn.Sequential(
            *conv_bn(1, w),
            *conv_bn(w, w),
            nn.MaxPool2d(2),  # 14x14
            *conv_bn(w, 2 * w),
            *conv_bn(2 * w, 2 * w),
            nn.MaxPool2d(2),  # 7x7
            *conv_bn(2 * w, 4 * w),
            nn.MaxPool2d(2),  # 3x3
        )
        self.classifier = nn.Sequential(
            nn.Flatten(),
            nn.Dropout(dropout),
            nn.Linear(4 * w * 9, hidden, bias=False),
            nn.BatchNorm1d(hidden),
            nn.ReLU(inplace=True),
            nn.Dropout(dropout),
            nn.Linear(hidden, num_classes),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.features(x))


def build_model(num_classes: int, arch: dict | None = None) -> CharCNN:
    """A CharCNN from an architecture dict as stored in checkpoints."""
    arch = {**DEFAULT_ARCH, **(arch or {})}
    if arch["name"] != "charcnn":
        raise ValueError(f"unknown architecture {arch['name']!r}")
    return CharCNN(num_classes, width=arch["width"], hidden=arch["hidden"], dropout=arch["dropout"])


def count_parameters(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())
