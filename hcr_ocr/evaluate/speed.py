"""How fast the reader is as people use it, against Tesseract measured in the same run.

    from hcr_ocr.evaluate.speed import speed_bench
    figures = speed_bench(runs=5, compare=True)     # {"cold start": {"hcr": s, "tesseract": s, "ratio": x}, ...}

Each figure is the median of `runs` runs (ours and Tesseract's taken in turn):
- cold start: `hcr-ocr read` on a one-line image, the whole process, as a shell script calls it;
- seconds per image, whole process: a name crop, a page of samples, a 4000x3000 photo of a page;
- glyphs per second inside one process: the network alone, and the page reader's letters read per second;
- throughput over 1,000 name crops in one `read` call with `--jobs 1` and `--jobs 2`, against Tesseract's
  one process per file.

The photo and the 1,000 crops are made in a temporary folder for the run (the photo from a sample page,
enlarged onto uneven, grainy paper; the crops repeat `real-dev/form-names`, or the samples without it).
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from hcr_ocr.errors import HcrError
from hcr_ocr.evaluate.bench import load_bench_set, tesseract_available

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "samples"
ONE_LINE = SAMPLES / "word-caps.png"
PAGE = SAMPLES / "paragraph.png"
PHOTO_SIZE = (4000, 3000)  # width, height of the made-up phone photo
CROPS = 1000  # name crops in the throughput runs
TESSERACT_CROPS = 50  # crops Tesseract reads, one process each, to measure its rate per file


def median_seconds(run: Callable[[], object], runs: int) -> float:
    """The median seconds of `runs` runs of one command."""
    return paired_medians(run, None, runs)[0]


def paired_medians(
    ours: Callable[[], object], theirs: Callable[[], object] | None, runs: int
) -> tuple[float, float | None]:
    """The median seconds of each of two commands run in turn, ours then theirs, `runs` times: a machine
    that slows down for a while slows both alike. Theirs is None when there is no `theirs`."""
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(runs):
        for run, kept in ((ours, times[0]), (theirs, times[1])):
            if run is not None:
                start = time.perf_counter()
                run()
                kept.append(time.perf_counter() - start)
    return statistics.median(times[0]), statistics.median(times[1]) if theirs is not None else None


def hcr_command(*args: str) -> Callable[[], None]:
    command = [sys.executable, "-m", "hcr_ocr", "read", *args]
    return lambda: subprocess.run(command, check=True, capture_output=True, timeout=3600)


def tesseract_command(image: Path) -> Callable[[], None]:
    command = ["tesseract", str(image), "stdout", "--psm", "6", "-l", "eng"]
    return lambda: subprocess.run(command, check=True, capture_output=True, timeout=600)


def make_photo(path: Path, seed: int = 0) -> Path:
    """A 4000x3000 JPEG 'phone photo' of the paragraph sample: enlarged, on paper lit unevenly, with grain."""
    import cv2

    page = cv2.imread(str(PAGE), cv2.IMREAD_GRAYSCALE)
    width, height = PHOTO_SIZE
    scale = min(0.8 * width / page.shape[1], 0.8 * height / page.shape[0])
    page = cv2.resize(page, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
    photo = np.full((height, width), 255, np.float32)
    y, x = (height - page.shape[0]) // 2, (width - page.shape[1]) // 2
    photo[y : y + page.shape[0], x : x + page.shape[1]] = page
    light = np.linspace(0.75, 1.0, width, dtype=np.float32)[None, :] * np.linspace(0.9, 1.0, height)[:, None]
    grain = np.random.default_rng(seed).normal(0, 6, (height, width)).astype(np.float32)
    photo = np.clip(photo * light * 0.92 + grain, 0, 255).astype(np.uint8)
    colour = cv2.merge([photo, photo, np.clip(photo.astype(np.int16) + 8, 0, 255).astype(np.uint8)])
    cv2.imwrite(str(path), colour, [cv2.IMWRITE_JPEG_QUALITY, 90])
    return path


def make_crops(folder: Path, data_dir: Path | None) -> list[Path]:
    """CROPS name crops in `folder`: the real-dev form-names repeated, or the samples when they are absent."""
    names = (data_dir / "real-dev" / "form-names") if data_dir else None
    sources = (
        [p for p, _ in load_bench_set(names)] if names and names.is_dir() else sorted(SAMPLES.glob("*.png"))
    )
    folder.mkdir(parents=True, exist_ok=True)
    crops = []
    for i in range(CROPS):
        source = sources[i % len(sources)]
        crops.append(folder / f"{i:04d}{source.suffix}")
        shutil.copy(source, crops[-1])
    return crops


def glyph_rates(runs: int) -> dict[str, float]:
    """Glyphs per second inside one process: the network alone on a batch of EMNIST-sized glyphs, and the
    page reader's letters per second on the sample pages."""
    import hcr_ocr
    from hcr_ocr.reading.pipeline import get_classifier

    classifier = get_classifier()
    glyphs = np.random.default_rng(0).random((2048, 1, 28, 28), dtype=np.float32)
    network = median_seconds(lambda: classifier.main.probabilities(glyphs, views=False), runs)
    pages = [str(p) for p, _ in load_bench_set(SAMPLES)]
    letters = sum(len(hcr_ocr.read(p).text.replace(" ", "").replace("\n", "")) for p in pages)
    reader = median_seconds(lambda: [hcr_ocr.read(p) for p in pages], runs)
    return {"network glyphs/s": len(glyphs) / network, "reader letters/s": letters / reader}


def _figure(hcr: float, tesseract: float | None, higher_is_better: bool = False) -> dict:
    figure = {"hcr": hcr, "tesseract": tesseract}
    if tesseract:
        figure["ratio"] = hcr / tesseract if higher_is_better else tesseract / hcr  # > 1: hcr is better
    return figure


def speed_bench(runs: int = 5, compare: bool = True, data_dir: Path | None = None) -> dict[str, dict]:
    """Every figure of the module docstring: {name: {"hcr": value, "tesseract": value, "ratio": x}}; a
    ratio over 1 means hcr-ocr is faster. Seconds, except the rates."""
    if compare and not tesseract_available():
        raise HcrError("tesseract is not installed: run scripts/install-deps.sh tesseract, or drop --compare")
    with tempfile.TemporaryDirectory(prefix="hcr-speed-") as tmp:
        crops = make_crops(Path(tmp) / "crops", data_dir)
        photo = make_photo(Path(tmp) / "photo.jpg")
        images = {
            "cold start, one line": ONE_LINE,
            "name crop": crops[0],
            "sample page": PAGE,
            "4000x3000 photo": photo,
        }
        figures = {}
        for name, image in images.items():
            tesseract = tesseract_command(image) if compare else None
            figures[f"{name} (s)"] = _figure(*paired_medians(hcr_command(str(image)), tesseract, runs))
        tesseract_rate = None
        if compare:
            per_file = median_seconds(lambda: [tesseract_command(c)() for c in crops[:TESSERACT_CROPS]], 1)
            tesseract_rate = TESSERACT_CROPS / per_file
        folder = str(Path(tmp) / "crops")
        for jobs in (1, 2):
            seconds = median_seconds(hcr_command(folder, "--jobs", str(jobs)), runs)
            figures[f"{CROPS} crops, --jobs {jobs} (files/s)"] = _figure(
                CROPS / seconds, tesseract_rate, True
            )
    one, two = (figures[f"{CROPS} crops, --jobs {j} (files/s)"]["hcr"] for j in (1, 2))
    figures["--jobs 2 over --jobs 1"] = {"hcr": two / one, "tesseract": None}
    figures.update({name: {"hcr": rate, "tesseract": None} for name, rate in glyph_rates(runs).items()})
    return figures
