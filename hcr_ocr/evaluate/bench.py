"""Score page readers on images with ground truth: CER (with and without case), WER, exact matches, speed.

    from hcr_ocr.evaluate.bench import load_bench_set, run_engine, score_texts
    items = load_bench_set("samples")                       # [(image path, truth), ...]
    result = run_engine("hcr", items)                       # texts and seconds per image
    score_texts(result.texts, [t for _, t in items])        # {"cer": ..., "cer_caseless": ..., ...}

A set is a folder of images with NAME.gt.txt beside each, or a folder with labels.csv (FILENAME,IDENTITY).
Edit distances come from rapidfuzz. Tesseract runs as the `tesseract` program, one process per image, the way
people call it; `scripts/install-deps.sh tesseract` installs it.
"""

from __future__ import annotations

import csv
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz.distance import Levenshtein

from hcr_ocr.errors import HcrError, ImageError
from hcr_ocr.reading.loading import IMAGE_SUFFIXES


def normalise_text(text: str) -> str:
    """Trim each line, collapse runs of spaces, drop empty lines."""
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def load_bench_set(path: str | Path) -> list[tuple[Path, str]]:
    """(image, ground truth) pairs from a folder with labels.csv or NAME.gt.txt files."""
    path = Path(path)
    if not path.exists():
        raise HcrError(f"{path}: no such file or folder")
    if path.is_file():
        gt = path.with_suffix(".gt.txt")
        if not gt.exists():
            raise HcrError(f"{path}: no ground truth {gt.name} beside it")
        return [(path, gt.read_text(encoding="utf-8"))]
    labels = path / "labels.csv"
    if labels.exists():
        with open(labels, newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        if not rows or "FILENAME" not in rows[0] or "IDENTITY" not in rows[0]:
            raise HcrError(f"{labels}: expected the columns FILENAME,IDENTITY")
        return [(path / r["FILENAME"], r["IDENTITY"] or "") for r in rows]
    items = []
    for gt in sorted(path.glob("*.gt.txt")):
        stem = gt.name[: -len(".gt.txt")]
        image = next((path / f"{stem}{s}" for s in IMAGE_SUFFIXES if (path / f"{stem}{s}").exists()), None)
        if image is not None:
            items.append((image, gt.read_text(encoding="utf-8")))
    if not items:
        raise HcrError(f"{path}: no images with NAME.gt.txt and no labels.csv")
    return items


@dataclass
class EngineRun:
    engine: str
    texts: list[str]
    seconds: list[float]
    failures: list[str] = field(default_factory=list)


def tesseract_available() -> bool:
    return shutil.which("tesseract") is not None


def _read_tesseract(image) -> str:
    if not isinstance(image, str | Path):  # an in-memory page: hand tesseract a file
        import tempfile

        import cv2

        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "page.png"
            cv2.imwrite(str(path), image)
            return _read_tesseract(path)
    proc = subprocess.run(
        ["tesseract", str(image), "stdout", "--psm", "6", "-l", "eng"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    if proc.returncode != 0:
        raise HcrError(f"tesseract failed on {image}: {proc.stderr.strip().splitlines()[-1:]}")
    return proc.stdout


def run_engine(engine: str, items: list, model: str | Path | None = None, lexicon="shipped") -> EngineRun:
    """Read every image (a path or a grayscale array) with `hcr` (in this process, with `lexicon` as in
    `hcr_ocr.read`) or `tesseract` (one process per image)."""
    if engine == "tesseract":
        if not tesseract_available():
            raise HcrError("tesseract is not installed: run scripts/install-deps.sh tesseract")
        reader = _read_tesseract
    elif engine == "hcr":
        from hcr_ocr.reading.pipeline import get_classifier, read

        get_classifier(model)  # loading the model is not part of any image's time

        def reader(image) -> str:
            return read(image, model=model, lexicon=lexicon).text
    else:
        raise HcrError(f"unknown engine {engine!r}: choose hcr or tesseract")
    run = EngineRun(engine, [], [])
    for image, _ in items:
        start = time.perf_counter()
        try:
            text = reader(image)
        except ImageError as err:
            run.failures.append(str(err))
            text = ""
        run.seconds.append(time.perf_counter() - start)
        run.texts.append(text)
    return run


def score_texts(predicted: list[str], truth: list[str]) -> dict:
    """CER (case-sensitive and caseless), WER and exact-match rate over a set; rates are over all characters
    (or words) of the ground truth, so long texts weigh more than short ones."""
    chars = errors = errors_caseless = words = word_errors = exact = 0
    for p, t in zip(predicted, truth, strict=True):
        p, t = normalise_text(p), normalise_text(t)
        chars += len(t)
        errors += Levenshtein.distance(p, t)
        errors_caseless += Levenshtein.distance(p.casefold(), t.casefold())
        tw, pw = t.split(), p.split()
        words += len(tw)
        word_errors += Levenshtein.distance(pw, tw)
        exact += p == t
    n = max(1, len(truth))
    return {
        "images": len(truth),
        "cer": errors / max(1, chars),
        "cer_caseless": errors_caseless / max(1, chars),
        "wer": word_errors / max(1, words),
        "exact_match": exact / n,
    }


def bench(path: str | Path, engines: list[str], model: str | Path | None = None, lexicon="shipped") -> dict:
    """Scores of each engine on one set: {engine: {cer, cer_caseless, wer, exact_match, seconds_per_image}}."""
    return bench_items(load_bench_set(path), engines, model, lexicon)


def bench_synthetic(
    n: int, seed: int, engines: list[str], model=None, data_dir=None, lexicon="shipped"
) -> dict:
    """The same scores on n synthetic pages of EMNIST test ink (see hcr_ocr.data.synthetic)."""
    from hcr_ocr.data.synthetic import synthetic_pages

    return bench_items(list(synthetic_pages(n, seed, data_dir)), engines, model, lexicon)


def bench_items(items: list, engines: list[str], model: str | Path | None = None, lexicon="shipped") -> dict:
    truth = [t for _, t in items]
    out = {}
    for engine in engines:
        run = run_engine(engine, items, model, lexicon)
        scores = score_texts(run.texts, truth)
        scores["seconds_per_image"] = sum(run.seconds) / max(1, len(run.seconds))
        scores["failures"] = run.failures
        out[engine] = scores
    return out


def print_whole_table(table, console) -> None:
    """Print a rich table as wide as it needs, not cut to the terminal with "…"."""
    from rich.measure import Measurement

    wide = Measurement.get(console, console.options.update_width(1000), table).maximum
    console.width = max(console.width, wide)
    console.print(table)
