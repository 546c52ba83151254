"""The word reader's network: a word's ink, (N, 1, 32, W) in [0, 1] → (W/4, N, 37) CTC log-probabilities
(class 0 the blank, then 0-9 and a-z; see hcr_ocr.reading.word_reader).

    from hcr_ocr.train.word_network import WordCRNN, export_word_reader
    net = WordCRNN()
    logp = net(torch.rand(8, 1, 32, 120))        # (30, 8, 37)
    export_word_reader(net, {"val_cer": 0.05}, "models/words.onnx")

Five conv + batch-norm stages (height 32 → 2, width → W/4), the two rows of features projected into one
vector per frame, one bidirectional LSTM over the frames, and a linear layer to the symbols.
"""

from __future__ import annotations

from pathlib import Path

import torch
from torch import nn

from hcr_ocr.reading.word_reader import FRAME_PIXELS, WORD_HEIGHT, WORD_SYMBOLS
from hcr_ocr.train.checkpoints import write_onnx
from hcr_ocr.train.network import conv_bn

ARCH_NAME = "wordcrnn"  # the word reader's `arch.name` in its checkpoints' meta


class WordCRNN(nn.Module):
    def __init__(self, hidden: int = 128):
        super().__init__()
        self.cnn = nn.Sequential(
            *conv_bn(1, 16),
            nn.MaxPool2d(2),  # 16 x W/2
            *conv_bn(16, 32),
            nn.MaxPool2d(2),  # 8 x W/4
            *conv_bn(32, 64),
            *conv_bn(64, 96),
            nn.MaxPool2d((2, 1)),  # 4 x W/4
            *conv_bn(96, 128),
            nn.MaxPool2d((2, 1)),  # 2 x W/4
        )
        self.proj = nn.Linear(128 * 2, 160)
        self.rnn = nn.LSTM(160, hidden, bidirectional=True)
        self.out = nn.Linear(2 * hidden, len(WORD_SYMBOLS) + 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        f = self.cnn(x)
        n, c, h, t = f.shape
        f = torch.relu(self.proj(f.permute(3, 0, 1, 2).reshape(t, n, c * h)))
        f, _ = self.rnn(f)
        return self.out(f).log_softmax(-1)


def export_word_reader(model: WordCRNN, meta: dict, path: str | Path) -> Path:
    """Write the word reader as ONNX (batch and width dynamic), `meta` and its symbols in its metadata."""
    dummy = torch.zeros(1, 1, WORD_HEIGHT, 32 * FRAME_PIXELS)
    axes = {"image": {0: "batch", 3: "width"}, "logp": {0: "frames", 1: "batch"}}
    return write_onnx(model, dummy, ("image", "logp"), axes, {**meta, "symbols": WORD_SYMBOLS}, path)
