"""Score a model on a test split: accuracy, macro F1, per-class precision/recall, top confusions, pictures.

    from hcr_ocr.evaluate.characters import evaluate_model, write_confusion_outputs
    report = evaluate_model("models/emnist47.pt", dataset="emnist")
    report.accuracy, report.top_confusions[:3]           # 0.9..., [("O", "0", 87), ...]
    write_confusion_outputs(report, "out/")              # confusion.png, confusion.csv, errors.png

Metrics are plain numpy over (truth, prediction) pairs, so they work for any classifier. A .pt checkpoint
is run by onnxruntime from the ONNX export beside it when that holds the same model (as `read` does), by
torch otherwise: onnxruntime is several times faster on a CPU, and with three views a glyph that matters.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from hcr_ocr.data.datasets import Split, load_split
from hcr_ocr.errors import CheckpointError


@dataclass(frozen=True)
class Classifier:
    """Glyphs → probabilities with one model, and the runtime that runs it (onnxruntime or torch)."""

    probabilities: Callable[[np.ndarray], np.ndarray]  # (N, 1, 28, 28) float32 → (N, classes)
    classes: str
    runtime: str

    @classmethod
    def from_onnx(cls, path: Path) -> Classifier:
        from hcr_ocr.reading.recognition import OnnxClassifier

        clf = OnnxClassifier(path)
        return cls(lambda glyphs: clf.probabilities(glyphs, views=False), clf.classes, "onnxruntime")

    def predict(
        self, images: np.ndarray, views: bool = True, on_progress: Progress | None = None
    ) -> np.ndarray:
        """Class indices, chunk by chunk; with `views`, averaged over the reader's zoomed views."""
        from hcr_ocr.reading.normalization import with_views

        predictions = [np.zeros(0, np.int64)]
        if on_progress:
            on_progress(0, len(images))
        for start in range(0, len(images), PREDICT_CHUNK):
            chunk = images[start : start + PREDICT_CHUNK]
            probs = with_views(self.probabilities, chunk) if views else self.probabilities(chunk)
            predictions.append(probs.argmax(1))
            if on_progress:
                on_progress(start + len(chunk), len(images))
        return np.concatenate(predictions)


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
    runtime: str = ""  # what ran the network: onnxruntime or torch

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
            "runtime": self.runtime,
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


PREDICT_CHUNK = 2000  # glyphs classified between two progress reports
Progress = Callable[[int, int], None]  # (glyphs done, glyphs in all)


def _onnx_beside(checkpoint: Path, meta: dict) -> Path | None:
    """The ONNX export that `train` and `average` write beside a checkpoint, if it holds the same model
    (the same metadata, date included); None where there is none or it is another model."""
    from hcr_ocr.reading.recognition import OnnxClassifier

    export = checkpoint.with_suffix(".onnx")
    if not export.is_file():
        return None
    try:
        return export if OnnxClassifier(export).meta == meta else None
    except CheckpointError:
        return None


def load_classifier(model_path: str | Path, use_onnx_export: bool = True) -> Classifier:
    """A .onnx model run by onnxruntime; a .pt checkpoint run by onnxruntime from the ONNX export beside it
    (several times faster than torch on a CPU) or, where there is none or `use_onnx_export` is False, by torch."""
    model_path = Path(model_path)
    if model_path.suffix == ".onnx":
        return Classifier.from_onnx(model_path)
    from hcr_ocr.train.checkpoints import load_checkpoint, model_from_checkpoint

    ckpt = load_checkpoint(model_path)
    export = _onnx_beside(model_path, ckpt["meta"]) if use_onnx_export else None
    if export is not None:
        return Classifier.from_onnx(export)
    from hcr_ocr.train.scoring import predict

    model = model_from_checkpoint(ckpt)
    return Classifier(lambda glyphs: predict(model, glyphs), ckpt["meta"]["classes"], "torch")


def predict_with_model(
    model_path: str | Path,
    images: np.ndarray,
    views: bool = True,
    on_progress: Progress | None = None,
    use_onnx_export: bool = True,
) -> tuple[np.ndarray, str]:
    """Predicted class indices and the model's classes (see `load_classifier` for what runs the model).
    `views`: average over the zoomed views as the reader does (False: the network alone)."""
    clf = load_classifier(model_path, use_onnx_export)
    return clf.predict(images, views, on_progress), clf.classes


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
    on_progress: Progress | None = None,
) -> EvalReport:
    """Score a model on a split; `shrink`: on the glyphs written that many pixels tall (see `shrunk`);
    `on_progress(done, total)` after each chunk of glyphs."""
    data = data or load_split(dataset, split, data_dir, limit)
    clf = load_classifier(model_path)
    if clf.classes != data.classes:
        raise CheckpointError(
            f"{model_path} predicts {len(clf.classes)} classes but {dataset} has {len(data.classes)}: "
            "pick the matching --model or --dataset"
        )
    images = shrunk(data.images, shrink) if shrink else data.images
    pred = clf.predict(images, views, on_progress)
    report = score(
        data.labels, pred, clf.classes, images, model=str(model_path), dataset=dataset, split=split
    )
    report.views, report.runtime = views, clf.runtime
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
