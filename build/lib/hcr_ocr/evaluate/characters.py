"""Score a model on a test split: accuracy, macro F1, per-class precision/recall, top confusions, pictures.

    from hcr_ocr.evaluate.characters import evaluate_model, write_confusion_outputs
    report = evaluate_model("models/emnist47.pt", dataset="emnist")
    report.accuracy, report.top_confusions[:3]           # 0.9..., [("O", "0", 87), ...]
    write_confusion_outputs(report, "out/")              # confusion.png, confusion.csv, errors.png

Metrics are plain numpy over (truth, prediction) pairs, so they work for any classifier.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from hcr_ocr.data.datasets import Split, load_split


@dataclass
class ClassScore:
    char: str
    precision: float
    recall: float
    f1: float
    support: int


@dataclass
class EvalReport:
    model: str
    dataset: str
    split: str
    classes: str
    truth: np.ndarray
    pred: np.ndarray
    images: np.ndarray
    confusion: np.ndarray
    accuracy: float
    macro_f1: float
    per_class: list[ClassScore]
    top_confusions: list[tuple[str, str, int]]
    views: bool = True  # predictions averaged over zoomed views, as the reader makes them

    @property
    def n(self) -> int:
        return len(self.truth)

    def to_dict(self) -> dict:
        return {
            "model": self.model,
            "dataset": self.dataset,
            "split": self.split,
            "n": self.n,
            "accuracy": self.accuracy,
            "views": self.views,
            "macro_f1": self.macro_f1,
            "per_class": {
                s.char: {"precision": s.precision, "recall": s.recall, "f1": s.f1, "support": s.support}
                for s in self.per_class
            },
            "top_confusions": [{"truth": t, "predicted": p, "count": c} for t, p, c in self.top_confusions],
        }


def confusion_matrix(truth: np.ndarray, pred: np.ndarray, num_classes: int) -> np.ndarray:
    """matrix[t, p] = how many of class t were predicted as p."""
    return np.bincount(truth * num_classes + pred, minlength=num_classes * num_classes).reshape(
        num_classes, num_classes
    )


def per_class_scores(matrix: np.ndarray, classes: str) -> list[ClassScore]:
    tp = np.diag(matrix).astype(float)
    predicted, actual = matrix.sum(0), matrix.sum(1)
    precision = np.divide(tp, predicted, out=np.zeros_like(tp), where=predicted > 0)
    recall = np.divide(tp, actual, out=np.zeros_like(tp), where=actual > 0)
    denom = precision + recall
    f1 = np.divide(2 * precision * recall, denom, out=np.zeros_like(tp), where=denom > 0)
    return [
        ClassScore(c, float(precision[i]), float(recall[i]), float(f1[i]), int(actual[i]))
        for i, c in enumerate(classes)
    ]


def top_confusions(matrix: np.ndarray, classes: str, k: int = 10) -> list[tuple[str, str, int]]:
    """The k most frequent (truth, predicted, count) off-diagonal pairs."""
    off = matrix.copy()
    np.fill_diagonal(off, 0)
    flat = np.argsort(off, axis=None, kind="stable")[::-1][:k]
    pairs = []
    for f in flat:
        t, p = divmod(int(f), len(classes))
        if off[t, p] > 0:
            pairs.append((classes[t], classes[p], int(off[t, p])))
    return pairs


def score(truth: np.ndarray, pred: np.ndarray, classes: str, images: np.ndarray, **info) -> EvalReport:
    matrix = confusion_matrix(truth, pred, len(classes))
    per_class = per_class_scores(matrix, classes)
    present = [s for s in per_class if s.support > 0]
    return EvalReport(
        classes=classes,
        truth=truth,
        pred=pred,
        images=images,
        confusion=matrix,
        accuracy=float(np.mean(truth == pred)) if len(truth) else 0.0,
        macro_f1=float(np.mean([s.f1 for s in present])) if present else 0.0,
        per_class=per_class,
        top_confusions=top_confusions(matrix, classes),
        **info,
    )


def predict_with_model(
    model_path: str | Path, images: np.ndarray, views: bool = True
) -> tuple[np.ndarray, str]:
    """Predicted class indices with a .pt checkpoint (torch) or an .onnx export (onnxruntime), and its classes.
    `views`: average over the zoomed views as the reader does (False: the network alone)."""
    model_path = Path(model_path)
    if model_path.suffix == ".onnx":
        from hcr_ocr.reading.recognition import OnnxClassifier

        clf = OnnxClassifier(model_path)
        return clf.probabilities(images, views).argmax(1), clf.classes
    from hcr_ocr.reading.normalization import with_views
    from hcr_ocr.train.checkpoints import load_checkpoint, model_from_checkpoint
    from hcr_ocr.train.training import predict

    ckpt = load_checkpoint(model_path)
    model = model_from_checkpoint(ckpt)
    probs = with_views(lambda g: predict(model, g), images) if views else predict(model, images)
    return probs.argmax(1), ckpt["meta"]["classes"]


def shrunk(images: np.ndarray, height: int) -> np.ndarray:
    """(N, 1, 28, 28) glyphs as the reader would see them written `height` pixels tall: ink cropped, shrunk,
    binarised, then normalised by normalization.to_emnist."""
    import cv2

    from hcr_ocr.reading.normalization import batch

    masks = []
    for glyph in images[:, 0]:
        ys, xs = np.nonzero(glyph > 0.3)
        if len(xs) == 0:
            masks.append(np.zeros((height, height), np.uint8))
            continue
        crop = glyph[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]
        width = max(1, int(round(crop.shape[1] * height / crop.shape[0])))
        small = cv2.resize(crop, (width, height), interpolation=cv2.INTER_AREA)
        masks.append((small > 0.45).astype(np.uint8) * 255)
    return batch(masks)


def evaluate_model(
    model_path: str | Path,
    dataset: str = "emnist",
    split: str = "test",
    data_dir: str | Path | None = None,
    limit: int | None = None,
    data: Split | None = None,
    views: bool = True,
    shrink: int | None = None,
) -> EvalReport:
    """Score a model on a split; `shrink`: on the glyphs written that many pixels tall (see `shrunk`)."""
    data = data or load_split(dataset, split, data_dir, limit)
    images = shrunk(data.images, shrink) if shrink else data.images
    pred, classes = predict_with_model(model_path, images, views)
    if classes != data.classes:
        from hcr_ocr.errors import CheckpointError

        raise CheckpointError(
            f"{model_path} predicts {len(classes)} classes but {dataset} has {len(data.classes)}: "
            "pick the matching --model or --dataset"
        )
    report = score(data.labels, pred, classes, images, model=str(model_path), dataset=dataset, split=split)
    report.views = views
    return report


def write_confusion_outputs(report: EvalReport, out_dir: str | Path, gallery: int = 60) -> list[Path]:
    """confusion.png, confusion.csv and errors.png (a gallery of misclassified images) in out_dir."""
    from hcr_ocr.train.plots import plot_confusion, plot_errors

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    csv_path = out_dir / "confusion.csv"
    chars = list(report.classes)
    lines = ["truth\\predicted," + ",".join(chars)]
    lines += [
        f"{c}," + ",".join(str(int(v)) for v in row) for c, row in zip(chars, report.confusion, strict=True)
    ]
    csv_path.write_text("\n".join(lines) + "\n")
    wrong = np.flatnonzero(report.truth != report.pred)
    if len(wrong) > gallery:
        wrong = np.random.default_rng(0).choice(wrong, gallery, replace=False)
        wrong.sort()
    return [
        plot_confusion(report.confusion, report.classes, out_dir / "confusion.png"),
        csv_path,
        plot_errors(
            report.images[wrong],
            report.truth[wrong],
            report.pred[wrong],
            report.classes,
            out_dir / "errors.png",
        ),
    ]
