"""Pictures: training curves, the confusion matrix and a gallery of errors (matplotlib, no screen needed).

plot_history(history, "runs/x")                   # accuracy.png, loss.png
plot_confusion(matrix, classes, "out/confusion.png")  # counts in the cells, rare errors visible
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
    """accuracy.png and loss.png: train and validation curves over the epochs, the legend below the axes
    so that it hides no point."""
    plt = _pyplot()
    out_dir = Path(out_dir)
    epochs = [h["epoch"] for h in history]
    paths = []
    for key, label in (("acc", "accuracy"), ("loss", "loss")):
        fig, ax = plt.subplots(figsize=(6, 4.4), dpi=110)
        ax.plot(epochs, [h[f"train_{key}"] for h in history], "o-", label=f"train {label} (augmented)")
        ax.plot(epochs, [h[f"val_{key}"] for h in history], "s-", label=f"validation {label}")
        ax.set_xlabel("epoch")
        ax.set_ylabel(label)
        ax.set_title(f"{label} over the epochs")
        ax.grid(alpha=0.3)
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.15), ncol=2, frameon=False)
        ax.xaxis.get_major_locator().set_params(integer=True)  # epochs are whole numbers
        if len(epochs) == 1:
            ax.set_xticks(epochs)
        fig.tight_layout()
        path = out_dir / f"{label}.png"
        fig.savefig(path)
        plt.close(fig)
        paths.append(path)
    return paths[0], paths[1]


def plot_word_training(history: list[dict], path: str | Path) -> Path:
    """The word reader's training: mean CTC loss and validation CER over the steps, one axis each."""
    plt = _pyplot()
    steps = [h["step"] for h in history]
    fig, (loss, cer) = plt.subplots(1, 2, figsize=(9, 3.8), dpi=110)
    loss.plot(steps, [h["train_loss"] for h in history], "o-")
    loss.set_title("training CTC loss (mean since the last point)")
    cer.plot(steps, [h["val_cer"] for h in history], "s-", color="tab:orange")
    cer.set_title("validation CER (greedy, no word list)")
    for ax in (loss, cer):
        ax.set_xlabel("step")
        ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return Path(path)


def _cell_font_size(k: int) -> float:
    """Points for the counts in the cells of a k x k matrix: 11 for digits, under 7 at 47 classes."""
    return float(np.clip(80 / k + 5, 6, 11))


def _error_colours():
    """magma reversed, without its near-white end, so that a cell with a single error stands out."""
    from matplotlib.colors import ListedColormap

    plt = _pyplot()
    return ListedColormap(plt.get_cmap("magma_r")(np.linspace(0.18, 0.95, 256)))


def plot_confusion(matrix: np.ndarray, classes: str, path: str | Path) -> Path:
    """The confusion matrix with rare mistakes visible: every off-diagonal cell that has any errors shows
    its count, coloured on a log scale (1 error is as visible as 100); the diagonal, the correct answers,
    is grey with its count, so that it does not drown the rest."""
    from matplotlib.colors import LogNorm
    from matplotlib.ticker import FixedLocator, NullLocator

    plt = _pyplot()
    k = len(classes)
    matrix = np.asarray(matrix)
    errors = matrix.astype(float)
    np.fill_diagonal(errors, 0)
    top = max(10.0, errors.max())
    size = max(6, 0.26 * k + 2)
    fig, ax = plt.subplots(figsize=(size + 1, size), dpi=110)
    ax.imshow(np.where(np.eye(k, dtype=bool), 0.88, np.nan), cmap="gray", vmin=0, vmax=1)
    im = ax.imshow(np.ma.masked_equal(errors, 0), cmap=_error_colours(), norm=LogNorm(vmin=1, vmax=top))
    font = _cell_font_size(k)
    for t, p in zip(*np.nonzero(matrix), strict=True):
        dark = t != p and np.log(errors[t, p]) > 0.45 * np.log(top)
        colour = "white" if dark else "0.3" if t == p else "black"
        ax.text(p, t, str(matrix[t, p]), ha="center", va="center", fontsize=font, color=colour)
    ticks = np.arange(k)
    ax.set_xticks(ticks, list(classes), fontsize=max(font, 7))
    ax.set_yticks(ticks, list(classes), fontsize=max(font, 7))
    ax.set_xticks(ticks - 0.5, minor=True)
    ax.set_yticks(ticks - 0.5, minor=True)
    ax.grid(which="minor", color="0.9", linewidth=0.5)
    ax.tick_params(which="minor", length=0)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    total, wrong = int(matrix.sum()), int(errors.sum())
    ax.set_title(
        f"confusion matrix: {total} images, {wrong} wrong ({wrong / max(1, total):.2%})\n"
        "grey diagonal: read right; coloured cells: errors (log scale)",
        fontsize=10,
    )
    bar = fig.colorbar(im, ax=ax, fraction=0.04, pad=0.02)
    bar.set_label("errors in the cell")
    steps = [v * 10**e for e in range(6) for v in (1, 2, 5)]
    bar.ax.yaxis.set_major_locator(FixedLocator([v for v in steps if v <= top]))
    bar.ax.yaxis.set_minor_locator(NullLocator())
    bar.ax.yaxis.set_major_formatter("{x:.0f}")
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
