"""Labelled glyphs harvested from real crops: the reader's segmentation, kept where it fits the label.

    from hcr_ocr.data.harvest import harvest_glyphs
    images, labels = harvest_glyphs("../shared/data/real-dev/form-names-train")
    images.shape, labels[:5]      # uint8 (N, 28, 28) upright, bright ink on dark; int64 class indices (47)

A folder holds crops and a labels.csv (FILENAME,IDENTITY). Each crop is segmented as `hcr-ocr read` does
(`pipeline.segment_page`) and its letter glyphs (not the marks read as punctuation) are normalised as the
classifier's input is (`normalization.batch`), from their masks at the crop's own size. Where a crop gives
exactly as many letter glyphs as its label has characters (spaces and hyphens left out), the glyphs are taken,
in reading order, as those characters; the other crops are left out. Accented letters count as their base
letter (É → E); a crop whose label has a character outside the 47 classes is left out. The images are in the
layout of `datasets.load_split` (upright: the EMNIST files' transpose undone) as uint8, so `images / 255` sits
beside the training images.

The result is cached (npz under $HCR_OCR_CACHE, else the user cache's glyphs folder: lexicon.cache_dir), keyed by the
crops, the labels and the reader's source, so it is computed once. Nothing here is ever written to the
repository: the glyphs are cut from the data.
"""

from __future__ import annotations

import csv
import hashlib
import os
import unicodedata
from pathlib import Path

import numpy as np

from hcr_ocr.data.datasets import BALANCED47, find_data_dir
from hcr_ocr.errors import DataError
from hcr_ocr.reading.lexicon import CACHE_ENV, cache_dir  # noqa: F401 (CACHE_ENV: tests set it)

HARVEST_VERSION = 1  # bump when what is harvested changes in a way the cache key cannot see
SKIPPED_IN_LABELS = " -'"  # label characters with no glyph of their own: word gaps, hyphens, apostrophes
READER_SOURCE = Path(__file__).resolve().parents[1] / "reading"  # its code is part of the cache key


def label_classes(identity: str, classes: str = BALANCED47) -> list[int] | None:
    """The class index of each character of a label, spaces and hyphens left out; accents dropped
    (É → E), merged letters as their capital. None where a character has no class."""
    out = []
    for ch in identity:
        if ch in SKIPPED_IN_LABELS:
            continue
        base = "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c))
        if len(base) != 1:
            return None
        if base in classes:
            out.append(classes.index(base))
        elif base.upper() in classes:
            out.append(classes.index(base.upper()))
        elif base.lower() in classes:
            out.append(classes.index(base.lower()))
        else:
            return None
    return out


def read_labels(folder: Path) -> list[tuple[str, str]]:
    """(file name, identity) rows of the folder's labels.csv."""
    path = folder / "labels.csv"
    if not path.is_file():
        raise DataError(f"{folder}: no labels.csv (FILENAME,IDENTITY) to harvest glyphs from")
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    if rows and not {"FILENAME", "IDENTITY"} <= set(rows[0]):
        raise DataError(f"{path}: expected the columns FILENAME,IDENTITY")
    return [(r["FILENAME"], r["IDENTITY"] or "") for r in rows]


def resolve_folder(folder: str | Path, data_dir: str | Path | None = None) -> Path:
    """`folder` as given where it exists, else relative to the data folder (real-dev/form-names-train)."""
    path = Path(folder).expanduser()
    if path.is_dir():
        return path
    beside = find_data_dir(data_dir) / path
    if beside.is_dir():
        return beside
    raise DataError(f"no folder {folder} (nor {beside}) to harvest glyphs from")


def cache_key(folder: Path, rows: list[tuple[str, str]]) -> str:
    """A digest of the labels, each crop's bytes and the reader's source: any change harvests again."""
    digest = hashlib.sha256(f"harvest v{HARVEST_VERSION}\n".encode())
    for name, identity in rows:
        digest.update(f"{name}\t{identity}\n".encode())
        image = folder / name
        if image.is_file():
            digest.update(hashlib.sha256(image.read_bytes()).digest())
    for source in sorted(READER_SOURCE.rglob("*.py")):
        digest.update(source.name.encode() + hashlib.sha256(source.read_bytes()).digest())
    return digest.hexdigest()[:24]


def segment_letters(path: Path) -> list[np.ndarray]:
    """The ink masks of a crop's letter glyphs in reading order (lines, then words, then left to right), each
    at the crop's own size: the reader classifies tiny writing from its finer page (glyphs.FinerInk), but
    the small-writing model learned these masks, and learning the finer ones read the tune set worse
    (models/README.md)."""
    from hcr_ocr.reading.loading import load_image
    from hcr_ocr.reading.pipeline import segment_page

    layout = segment_page(load_image(str(path)))
    if layout is None:
        return []
    return [g.mask for word in layout.words() for g in word if not g.punct]


def harvest(folder: Path, rows: list[tuple[str, str]]) -> tuple[np.ndarray, np.ndarray, int]:
    """(images uint8 (N, 28, 28), labels int64 (N,), crops matched) of the crops whose glyph count fits."""
    from hcr_ocr.reading.normalization import batch

    images, labels, matched = [], [], 0
    for name, identity in rows:
        wanted = label_classes(identity)
        path = folder / name
        if not wanted or not path.is_file():
            continue
        masks = segment_letters(path)
        if len(masks) != len(wanted):
            continue
        matched += 1
        images.append(np.round(batch(masks)[:, 0] * 255).astype(np.uint8))
        labels.append(np.array(wanted, dtype=np.int64))
    if not images:
        return np.zeros((0, 28, 28), np.uint8), np.zeros(0, np.int64), 0
    return np.concatenate(images), np.concatenate(labels), matched


def harvest_glyphs(
    folder: str | Path, data_dir: str | Path | None = None, *, quiet: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """Labelled glyphs of a folder of crops with a labels.csv: uint8 (N, 28, 28) upright images, bright
    ink on dark, and int64 (N,) indices of the 47 classes. Computed once, then read from the cache.
    Prints how many crops matched and how many glyphs they gave (unless `quiet`)."""
    path = resolve_folder(folder, data_dir)
    rows = read_labels(path)
    cached = cache_dir("glyphs") / f"harvest-{cache_key(path, rows)}.npz"
    if cached.is_file():
        with np.load(cached) as saved:
            images, labels, matched = saved["images"], saved["labels"], int(saved["matched"])
        how = f" (from {cached})"
    else:
        images, labels, matched = harvest(path, rows)
        cached.parent.mkdir(parents=True, exist_ok=True)
        partial = cached.with_suffix(f".{os.getpid()}.npz")
        np.savez_compressed(partial, images=images, labels=labels, matched=np.int64(matched))
        partial.replace(cached)
        how = ""
    if not quiet:
        print(
            f"harvested {len(labels)} glyphs from {matched} of {len(rows)} crops in {path} whose "
            f"segmentation gives as many letters as the label{how}",
            flush=True,
        )
    return images, labels
