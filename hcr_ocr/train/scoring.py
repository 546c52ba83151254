"""Run a torch network over images: probabilities, and the loss and accuracies that choose checkpoints.

    from hcr_ocr.train.scoring import predict, score_images
    probs = predict(model, images)                          # (N, classes) softmax probabilities
    scores = score_images(model, images, labels, num_classes)
    scores.acc, scores.balanced_acc, scores.loss

Balanced accuracy is the mean of the per-class recalls: the test sets are balanced, the train files are not.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch


@dataclass(frozen=True)
class Scores:
    loss: float  # mean negative log-likelihood of the true class
    acc: float
    balanced_acc: float


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


def score_images(
    model: torch.nn.Module, images: np.ndarray, labels: np.ndarray, num_classes: int, device: str = "cpu"
) -> Scores:
    probs = predict(model, images, device=device)
    pred = probs.argmax(1)
    nll = -np.log(np.clip(probs[np.arange(len(labels)), labels], 1e-12, None)).mean()
    recalls = [np.mean(pred[labels == c] == c) for c in range(num_classes) if np.any(labels == c)]
    return Scores(float(nll), float(np.mean(pred == labels)), float(np.mean(recalls)))
