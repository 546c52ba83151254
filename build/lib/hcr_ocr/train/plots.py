"""Pictures: training curves, the confusion matrix and a gallery of errors (matplotlib, no screen needed).

plot_history(history, "runs/x")                   # accuracy.png, loss.png
plot_confusion(matrix, classes, "out/confusion.png")
plot_errors(images, truth, pred, classes, "out/errors.png")
"""

from __future__ import annotations

from pathlib import Path

import numpy as np


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def plot_history(history: list[dict], out_dir: str | Path) -> tuple[Path, Path]:
    """accuracy.png and loss.png: train and validation curves over the epochs."""
    plt = _pyplot()
    out_dir = Path(out_dir)
    epochs = [h["epoch"] for h in history]
    paths = []
    for key, label in (("acc", "accuracy"), ("loss", "loss")):
        fig, ax = plt.subplots(figsize=(6, 4), dpi=110)
        ax.plot(epochs, [h[f"train_{key}"] for h in history], "o-", label=f"train {label} (augmented)")
        ax.plot(epochs, [h[f"val_{key}"] for h in history], "s-", label=f"validation {label}")
        ax.set_xlabel("epoch")
        ax.set_ylabel(label)
        ax.set_title(f"{label} over the epochs")
        ax.grid(alpha=0.3)
        ax.legend()
        ax.xaxis.get_major_locator().set_params(integer=True)  # epochs are whole numbers
        if len(epochs) == 1:
            ax.set_xticks(epochs)
        fig.tight_layout()
        path = out_dir / f"{label}.png"
        fig.savefig(path)
        plt.close(fig)
        paths.append(path)
    return paths[0], paths[1]


def plot_confusion(matrix: np.ndarray, classes: str, path: str | Path) -> Path:
    """Row-normalised confusion matrix, every class labelled with its character."""
    plt = _pyplot()
    rows = matrix.sum(1, keepdims=True)
    norm = np.divide(matrix, rows, out=np.zeros_like(matrix, dtype=float), where=rows > 0)
    k = len(classes)
    size = max(6, 0.24 * k + 2)
    fig, ax = plt.subplots(figsize=(size, size * 0.92), dpi=110)
    im = ax.imshow(norm, cmap="viridis", vmin=0, vmax=1)
    ticks = np.arange(k)
    ax.set_xticks(ticks, list(classes), fontsize=8)
    ax.set_yticks(ticks, list(classes), fontsize=8)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    ax.set_title("confusion matrix (each row sums to 1)")
    fig.colorbar(im, ax=ax, fraction=0.04, pad=0.02)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return Path(path)


def plot_errors(
    images: np.ndarray, truth: np.ndarray, pred: np.ndarray, classes: str, path: str | Path, cols: int = 10
) -> Path:
    """A gallery of misclassified images, each captioned truth → prediction."""
    plt = _pyplot()
    n = len(images)
    rows = max(1, -(-n // cols))
    fig, axes = plt.subplots(rows, cols, figsize=(cols * 1.1, rows * 1.3), dpi=100, squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i < n:
            ax.imshow(images[i].reshape(28, 28), cmap="gray_r", vmin=0, vmax=1)
            ax.set_title(f"{classes[truth[i]]} → {classes[pred[i]]}", fontsize=9)
    fig.suptitle("misclassified test images: truth → prediction", fontsize=10)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return Path(path)
