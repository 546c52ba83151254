"""Many images in one call: inputs expanded (files, folders, globs), read in this process or spread over
worker processes, each result rendered and, where asked, written to a file of its own.

    from hcr_ocr.reading.batch import BatchJob, expand_inputs, read_all
    sources = expand_inputs(["scans/", "forms/*.jpg"])          # image files, in a stable order
    job = BatchJob(fmt="json", out_dir=Path("results"))
    for result in read_all(sources, job, jobs=2):               # in input order, as they finish
        result.source, result.rendered, result.error, result.skipped

Each worker process loads the models and the word list once. A result is skipped, not read again, when its
output file is newer than its input (unless `force`). A bad input becomes a result with an `error`; the
others are still read.
"""

from __future__ import annotations

import glob
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from hcr_ocr.errors import HcrError, ImageError
from hcr_ocr.page import Page
from hcr_ocr.reading.documents import DEFAULT_DPI, DOCUMENT_SUFFIXES, read_document
from hcr_ocr.reading.lexicon import Lexicon, lexicon_from
from hcr_ocr.reading.loading import IMAGE_SUFFIXES
from hcr_ocr.reading.output import FORMATS, draw_overlay, output_paths
from hcr_ocr.reading.xml_formats import page_file, render_document, write_document

GLOB_CHARACTERS = set("*?[")
READABLE = IMAGE_SUFFIXES + DOCUMENT_SUFFIXES  # what a folder's files are read for
FILES_PER_WORKER = (
    8  # fewer files than this per worker are read in this process: a worker takes ~1 s to start
)
CHUNKS_PER_WORKER = 4  # files go to the workers in about this many chunks each (fewer round trips) ...
MAX_CHUNK = 16  # ... of at most this many files, so that the progress bar moves


def expand_inputs(inputs: list[str]) -> list[str]:
    """Image files named by the inputs: a file as it is (whatever its suffix: reading decides), a folder's
    images at any depth, a glob's matches; `-` is standard input. Raises ImageError for an input that
    names nothing."""
    sources: list[str] = []
    for item in inputs:
        path = Path(item)
        if item == "-" or path.is_file():
            sources.append(item)
        elif path.is_dir():
            found = sorted(str(p) for p in path.rglob("*") if p.suffix.lower() in READABLE and p.is_file())
            if not found:
                raise ImageError(f"{item}: a directory with no images or PDFs ({', '.join(READABLE)})")
            sources += found
        elif GLOB_CHARACTERS & set(item):
            found = sorted(p for p in glob.glob(item, recursive=True) if Path(p).is_file())
            if not found:
                raise ImageError(f"{item}: no files match")
            sources += found
        else:
            sources.append(item)  # missing: reading it gives the one-line error, and the others go on
    return list(dict.fromkeys(sources))


@dataclass(frozen=True)
class BatchJob:
    """What to do with each input: the output format, where results and overlays go, and what reads."""

    fmt: str = "text"
    out_dir: Path | None = None
    overlay_dir: Path | None = None
    model: str | None = None
    lexicon: str = "shipped"
    force: bool = False
    dpi: float = DEFAULT_DPI  # PDF pages are rendered at this resolution
    pages: str | None = None  # the pages of a PDF or multi-page TIFF to read ("1-3,7"); None: all
    min_confidence: float = 0.0  # words read less surely are left out
    upright: bool = False  # read every page as given, never tried turned


@dataclass
class BatchResult:
    source: str
    rendered: str | None = None  # the result in the job's format, when it was not written to a file
    error: str | None = None
    blank: bool = False
    skipped: bool = False  # its output file is newer than the input
    seconds: float = 0.0


@dataclass(frozen=True)
class _Task:
    source: str
    out: Path | None
    overlay: Path | None


def _up_to_date(task: _Task) -> bool:
    if task.out is None or task.source == "-":
        return False
    out = task.out if task.out.exists() else page_file(task.out, 1)  # PAGE-XML of a PDF: a file a page
    try:
        return out.stat().st_mtime >= os.stat(task.source).st_mtime
    except OSError:
        return False


_worker_job: BatchJob | None = None
_lexicons: dict[str, Lexicon | None] = {}


def _lexicon(choice: str) -> Lexicon | None:
    """The word list a job names, loaded once per process."""
    if choice not in _lexicons:
        _lexicons[choice] = lexicon_from(choice)
    return _lexicons[choice]


def _start_worker(job: BatchJob, threads: int) -> None:
    """Load the models and word list once per worker process."""
    global _worker_job
    from hcr_ocr.reading.pipeline import get_classifier

    _worker_job = job
    get_classifier(job.model, threads=threads)
    _lexicon(job.lexicon)


def _read_pages(task: _Task, job: BatchJob, name: str) -> list[Page]:
    """Every selected page of the input, read, each overlay drawn; the pages' images then let go."""
    pages = []
    options = {
        "model": job.model,
        "lexicon": _lexicon(job.lexicon),
        "min_confidence": job.min_confidence,
        "upright": job.upright,
    }
    for page in read_document(task.source, job.dpi, job.pages, name=name, **options):
        if task.overlay is not None:
            overlay = task.overlay if page.number is None else page_file(task.overlay, page.number)
            overlay.parent.mkdir(parents=True, exist_ok=True)
            draw_overlay(page.image, page, overlay)
        page.image = None  # a long PDF keeps only what was read
        pages.append(page)
    return pages


def _run(task: _Task, job: BatchJob) -> BatchResult:
    start = time.perf_counter()
    name = "stdin" if task.source == "-" else task.source
    try:
        pages = _read_pages(task, job, name)
        if task.out is not None:
            write_document(pages, job.fmt, task.out)
            rendered = None
        else:
            rendered = render_document(pages, job.fmt)
    except HcrError as err:
        return BatchResult(task.source, error=str(err), seconds=time.perf_counter() - start)
    except OSError as err:
        return BatchResult(
            task.source, error=f"{name}: {err.strerror or err}", seconds=time.perf_counter() - start
        )
    blank = all(page.is_blank for page in pages)
    return BatchResult(task.source, rendered, blank=blank, seconds=time.perf_counter() - start)


def _run_in_worker(task: _Task) -> BatchResult:
    assert _worker_job is not None
    return _run(task, _worker_job)


def read_all(sources: list[str], job: BatchJob, jobs: int = 1) -> Iterator[BatchResult]:
    """Read every source, in order; with jobs > 1 spread over that many worker processes."""
    outs = output_paths(sources, job.out_dir, FORMATS[job.fmt]) if job.out_dir else {}
    several = len(sources) > 1
    overlays = output_paths(sources, job.overlay_dir, ".overlay.png") if job.overlay_dir and several else {}
    single_overlay = job.overlay_dir if job.overlay_dir and not several else None
    tasks = [_Task(s, outs.get(s), overlays.get(s, single_overlay)) for s in sources]
    todo = [t for t in tasks if job.force or not _up_to_date(t)]
    skipped = {t.source for t in tasks} - {t.source for t in todo}
    results = _results(todo, job, jobs)
    for task in tasks:
        yield BatchResult(task.source, skipped=True) if task.source in skipped else next(results)


def _results(tasks: list[_Task], job: BatchJob, jobs: int) -> Iterator[BatchResult]:
    workers = min(jobs, len(tasks) // FILES_PER_WORKER)
    if workers <= 1 or any(t.source == "-" for t in tasks):
        for task in tasks:
            yield _run(task, job)
        return
    import multiprocessing  # here: a one-process read does not load it
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("spawn")  # no onnxruntime threads carried over a fork
    chunk = max(1, min(MAX_CHUNK, len(tasks) // (CHUNKS_PER_WORKER * workers)))
    with ProcessPoolExecutor(workers, context, initializer=_start_worker, initargs=(job, 1)) as pool:
        yield from pool.map(_run_in_worker, tasks, chunksize=chunk)
