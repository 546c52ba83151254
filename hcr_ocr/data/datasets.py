"""Character datasets: gzip IDX files → upright float32 arrays in [0, 1] of shape (N, 1, 28, 28).

    from hcr_ocr.data.datasets import load_split
    ds = load_split("emnist", "test")          # data dir from HCR_OCR_DATA, ../shared/data, ...
    ds.images.shape, ds.labels[:5], ds.classes[:12]   # (18800, 1, 28, 28), ..., "0123456789AB"

Datasets: `mnist` (10 digits), `emnist` (the 47-class balanced label space, derived47 files, or the official
balanced files where a user downloaded them) and `emnist-byclass` (62 classes, case kept apart).
Ink is bright on dark, as in the files. Nothing here imports torch.
"""

from __future__ import annotations

import gzip
import os
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from hcr_ocr.errors import DataError

IMAGE_MAGIC = 2051
LABEL_MAGIC = 2049

DATASETS = ("emnist", "mnist", "emnist-byclass")
DATA_ENV = "HCR_OCR_DATA"
REPO_ROOT = Path(__file__).resolve().parents[2]  # the checkout, when installed editable

DIGITS = "0123456789"
BALANCED47 = DIGITS + "ABCDEFGHIJKLMNOPQRSTUVWXYZ" + "abdefghnqrt"
BYCLASS62 = DIGITS + "ABCDEFGHIJKLMNOPQRSTUVWXYZ" + "abcdefghijklmnopqrstuvwxyz"
CLASSES = {"mnist": DIGITS, "emnist": BALANCED47, "emnist-byclass": BYCLASS62}


@dataclass
class Split:
    """One split of a dataset, ready for a network."""

    images: np.ndarray  # float32 (N, 1, 28, 28) in [0, 1], upright
    labels: np.ndarray  # int64 (N,) class indices
    classes: str  # class index → character
    dataset: str
    split: str

    def __len__(self) -> int:
        return len(self.labels)


def read_idx(path: Path) -> np.ndarray:
    """Read a gzip (or plain) IDX file of uint8 images (N, H, W) or labels (N,)."""
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rb") as f:
            data = f.read()
    except (OSError, EOFError) as err:
        raise DataError(f"cannot read {path}: {err}") from err
    if len(data) < 8:
        raise DataError(f"{path} is not an IDX file (too short)")
    magic, count = struct.unpack(">II", data[:8])
    if magic == IMAGE_MAGIC:
        if len(data) < 16:
            raise DataError(f"{path} is not an IDX file (truncated header)")
        rows, cols = struct.unpack(">II", data[8:16])
        shape, offset = (count, rows, cols), 16
    elif magic == LABEL_MAGIC:
        shape, offset = (count,), 8
    else:
        raise DataError(f"{path} is not an IDX file (magic {magic})")
    expected = int(np.prod(shape))
    if len(data) - offset != expected:
        raise DataError(
            f"{path} is truncated or padded: {len(data) - offset} bytes of data, expected {expected}"
        )
    return np.frombuffer(data, dtype=np.uint8, offset=offset).reshape(shape)


def to_tensor_layout(images: np.ndarray) -> np.ndarray:
    """uint8 (N, 28, 28) → float32 (N, 1, 28, 28) in [0, 1]."""
    return (images.astype(np.float32) / 255.0)[:, None, :, :]


def one_hot(labels: np.ndarray, num_classes: int, smoothing: float = 0.0) -> np.ndarray:
    """Class indices → one-hot rows, with `smoothing` of the mass spread over the other classes."""
    out = np.full((len(labels), num_classes), smoothing / num_classes, dtype=np.float32)
    out[np.arange(len(labels)), labels] += 1.0 - smoothing
    return out


def find_data_dir(data_dir: str | Path | None = None) -> Path:
    """Where the data lives: the argument, else $HCR_OCR_DATA, else ../shared/data beside the checkout,
    else the user's cache directory (where `hcr-ocr download` puts it)."""
    if data_dir is not None:
        return Path(data_dir).expanduser()
    if os.environ.get(DATA_ENV):
        return Path(os.environ[DATA_ENV]).expanduser()
    shared = REPO_ROOT.parent / "shared" / "data"
    if shared.is_dir():
        return shared
    return default_download_dir()


def default_download_dir() -> Path:
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("hcr-ocr")) / "data"


def _split_files(root: Path, dataset: str, split: str) -> tuple[Path, Path]:
    """The (images, labels) files of a split; the first candidate that exists wins."""
    idx_split = {"train": "train", "test": "test"}[split]
    if dataset == "mnist":
        stem = "train" if split == "train" else "t10k"
        candidates = [root / "mnist" / f"{stem}-{{}}-ubyte.gz"]
    elif dataset == "emnist":
        candidates = [
            root / "emnist" / f"emnist-derived47-{idx_split}-{{}}-ubyte.gz",
            root / "emnist" / f"emnist-balanced-{idx_split}-{{}}-ubyte.gz",
        ]
    else:
        candidates = [root / "emnist" / f"emnist-byclass-{idx_split}-{{}}-ubyte.gz"]
    for pattern in candidates:
        images, labels = Path(str(pattern).format("images-idx3")), Path(str(pattern).format("labels-idx1"))
        if images.exists() and labels.exists():
            return images, labels
    download = "emnist" if dataset.startswith("emnist") else "mnist"
    raise DataError(
        f"no {dataset} {split} data in {root}: run `hcr-ocr download --dataset {download}` "
        f"or point --data-dir / ${DATA_ENV} at a folder that has it"
    )


def load_split(
    dataset: str = "emnist", split: str = "test", data_dir: str | Path | None = None, limit: int | None = None
) -> Split:
    """Load a dataset split as upright float32 images and int64 labels."""
    if dataset not in DATASETS:
        raise DataError(f"unknown dataset {dataset!r}: choose one of {', '.join(DATASETS)}")
    if split not in ("train", "test"):
        raise DataError(f"unknown split {split!r}: choose train or test")
    root = find_data_dir(data_dir)
    if dataset == "emnist-byclass" and split == "train":
        raw, labels = _byclass_train_from_test(root)
    else:
        images_path, labels_path = _split_files(root, dataset, split)
        raw, labels = read_idx(images_path), read_idx(labels_path)
        if len(raw) != len(labels):
            raise DataError(f"{images_path} has {len(raw)} images but {labels_path} has {len(labels)} labels")
    if dataset != "mnist":
        raw = raw.transpose(0, 2, 1)  # EMNIST is stored transposed
    if limit is not None:
        raw, labels = raw[:limit], labels[:limit]
    classes = CLASSES[dataset]
    if len(labels) and int(labels.max()) >= len(classes):
        raise DataError(f"{dataset} {split}: label {int(labels.max())} is outside the {len(classes)} classes")
    return Split(
        to_tensor_layout(np.ascontiguousarray(raw)), labels.astype(np.int64), classes, dataset, split
    )


def true_characters(split: str = "test", data_dir: str | Path | None = None) -> list[str]:
    """For each derived47 image of `split`, its character with the case it was written in, where its
    provenance names a byclass image (the byclass labels keep c and C apart); "" where it does not."""
    root = find_data_dir(data_dir)
    provenance = root / "emnist" / "emnist-derived47-provenance.tsv.gz"
    _, labels_path = _split_files(root, "emnist-byclass", "test")
    if not provenance.exists():
        raise DataError(f"{provenance} is missing")
    byclass = read_idx(labels_path)
    chars: dict[int, str] = {}
    with gzip.open(provenance, "rt") as f:
        next(f)
        for line in f:
            fields = line.rstrip("\n").split("\t")
            if fields[0] != split:
                continue
            sources = [int(s.split(":")[1]) for s in fields[4].split(",") if s.startswith("byclass_test:")]
            chars[int(fields[1])] = BYCLASS62[int(byclass[sources[0]])] if sources else ""
    return [chars.get(i, "") for i in range(max(chars, default=-1) + 1)]


def _byclass_train_from_test(root: Path) -> tuple[np.ndarray, np.ndarray]:
    """Official byclass train where present; otherwise byclass-test minus every image in derived47-test,
    so that a 62-class model can still be scored fairly on derived47-test."""
    official = root / "emnist" / "emnist-byclass-train-images-idx3-ubyte.gz"
    if official.exists():
        return read_idx(official), read_idx(root / "emnist" / "emnist-byclass-train-labels-idx1-ubyte.gz")
    images_path, labels_path = _split_files(root, "emnist-byclass", "test")
    provenance = root / "emnist" / "emnist-derived47-provenance.tsv.gz"
    if not provenance.exists():
        raise DataError(
            f"{provenance} is missing: it is needed to keep derived47-test out of byclass training"
        )
    held_out = set()
    with gzip.open(provenance, "rt") as f:
        next(f)
        for line in f:
            fields = line.rstrip("\n").split("\t")
            if fields[0] == "test":
                held_out.update(
                    int(s.split(":")[1]) for s in fields[4].split(",") if s.startswith("byclass_test:")
                )
    images, labels = read_idx(images_path), read_idx(labels_path)
    keep = np.ones(len(labels), dtype=bool)
    keep[list(held_out)] = False
    return images[keep], labels[keep]


def stratified_split(labels: np.ndarray, val_fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Indices (train, val) with `val_fraction` of every class in val, chosen by `seed`."""
    rng = np.random.default_rng(seed)
    train_idx, val_idx = [], []
    for c in np.unique(labels):
        idx = np.flatnonzero(labels == c)
        rng.shuffle(idx)
        n_val = round(len(idx) * val_fraction)
        if val_fraction > 0 and len(idx) > 1:
            n_val = max(1, n_val)
        val_idx.append(idx[:n_val])
        train_idx.append(idx[n_val:])
    return np.sort(np.concatenate(train_idx)), np.sort(np.concatenate(val_idx))
