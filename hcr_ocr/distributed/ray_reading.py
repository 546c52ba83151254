"""Many images read on Ray: the inputs listed here, their bytes read by Ray Data, the torch-free reader run
in `map_batches` by a pool of workers that each load the models once and write one JSON Lines file per
block (inputs that cannot even be opened are one more file, written here).

    from hcr_ocr.distributed.ray_reading import read_with_ray
    summary = read_with_ray(["scans/", "forms/*.jpg"], Path("results"))           # a local Ray, all cores
    summary = read_with_ray(["/shared/scans/"], Path("/shared/results"), address="auto")  # a running cluster
    summary.rows, summary.failed, summary.files, summary.workers, summary.seconds

Each line of the output files is one input: {"path", "text", "result", "error"}, `path` the input's
absolute path and `result` the page as `hcr-ocr read --format json` gives it. A bad input (missing, empty,
not an image) is a line with its one-line `error`, never a failed job. The files come in no set order.

`address`: None or "local" starts a Ray on this machine for the call (and stops it after); "auto" joins
the cluster this machine is part of; "HOST:PORT" or "ray://HOST:10001" joins that one. On a cluster the
inputs and `out_dir` must be paths every node sees (a shared file system), and every node needs
`pip install hcr-ocr[distributed]`. Ray is imported only here, and only when this is called.
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path

from hcr_ocr.distributed.records import RECORD_FORMATS, PageReader, error_record, write_part
from hcr_ocr.errors import HcrError
from hcr_ocr.reading.batch import expand_inputs
from hcr_ocr.reading.documents import DEFAULT_DPI, check_dpi, parse_pages
from hcr_ocr.reading.lexicon import lexicon_from
from hcr_ocr.reading.loading import read_source

RAY_MISSING = "reading on Ray needs Ray: pip install 'hcr-ocr[distributed]'"
LOCAL = "local"  # the address that means: start a Ray on this machine for the call
ROWS_PER_BLOCK = 64  # images per block of the read (and per output file), at most ...
BLOCKS_PER_WORKER = 8  # ... and at least this many blocks per worker, so that the last ones share evenly
WORKER_PRELOAD = ("ray.data", "hcr_ocr.distributed.records")  # what a local Ray's worker processes import
# as they start, before a reader is given to one (Ray Data alone is ~0.55 s of import). On a cluster the
# same is `RAY_preload_python_modules=ray.data,hcr_ocr.distributed.records` in each node's `ray start`.


@dataclass(frozen=True)
class RaySummary:
    rows: int  # records written: one per input
    failed: int  # of which errors
    files: list[Path]  # the JSON Lines files written
    workers: int
    seconds: float  # from the call to the last file written, Ray's start included

    @property
    def read(self) -> int:
        return self.rows - self.failed


def import_ray():
    """Ray and Ray Data, or an HcrError that names the extra to install."""
    try:
        import ray
        import ray.data
    except ImportError as err:
        raise HcrError(RAY_MISSING) from err
    return ray


def _check_out_dir(out_dir: Path) -> None:
    if out_dir.exists() and not out_dir.is_dir():
        raise HcrError(f"{out_dir}: exists and is not a folder (results go into a folder)")
    if out_dir.is_dir() and any(out_dir.glob("*.jsonl")):
        raise HcrError(f"{out_dir}: already holds results (*.jsonl); choose another folder or empty it")


def _split_readable(sources: list[str]) -> tuple[list[str], list[dict]]:
    """The absolute paths of the files that can be opened, and error records for the others."""
    readable, errors = [], []
    for source in sources:
        if source == "-":
            errors.append(error_record("-", "stdin: reading on Ray takes files, not standard input"))
            continue
        path = Path(source).resolve()
        if path.is_file() and os.access(path, os.R_OK):
            readable.append(str(path))
            continue
        try:
            read_source(path)
            message = f"{path}: cannot be read"
        except HcrError as err:
            message = str(err)
        errors.append(error_record(str(path), message))
    return readable, errors


def start_ray(address: str | None = None, cpus: int | None = None) -> bool:
    """Start or join Ray unless it already runs in this process; True when this call started it. A local
    Ray (`address` None or "local") gets `cpus` CPUs (default: all) and worker processes that import Ray
    Data and the reader as they start, before any work is given to them."""
    ray = import_ray()
    if ray.is_initialized():
        return False
    local = address in (None, LOCAL)
    ray.init(
        address=LOCAL if local else address,  # "local": a new Ray, even where RAY_ADDRESS names another
        num_cpus=(cpus or os.cpu_count() or 1) if local else None,
        include_dashboard=False if local else None,
        logging_level=logging.ERROR,
        log_to_driver=False,
        configure_logging=True,
        _system_config={"preload_python_modules": list(WORKER_PRELOAD)} if local else None,
    )
    return True


def _quiet_ray_data():
    import ray.data

    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = False
    context.print_on_execution_start = False
    context.enable_auto_log_stats = False
    for name in ("ray.data", "ray.data._internal"):
        logging.getLogger(name).setLevel(logging.ERROR)
    return context


def _read_blocks(ray, paths: list[str], out_dir: Path, pool: int, reader_options: dict):
    """The dataset that reads `paths` in blocks and writes each block's records: one row per file written.
    Reading the bytes and reading the images are one stage (Ray Data fuses a read into the actor stage
    after it when that takes whole blocks), so each worker reads its blocks' bytes itself and no other
    process starts to read or to write."""
    from pyarrow import fs

    blocks = min(len(paths), max(BLOCKS_PER_WORKER * pool, -(-len(paths) // ROWS_PER_BLOCK)))
    images = ray.data.read_binary_files(
        paths, filesystem=fs.LocalFileSystem(), include_paths=True, override_num_blocks=blocks
    )
    return images.map_batches(
        PageReader,
        fn_constructor_kwargs={"out_dir": out_dir, **reader_options},
        batch_size=None,  # a whole block per call: one output file per block, and the read fused in
        compute=ray.data.ActorPoolStrategy(size=pool),
        num_cpus=1,
        batch_format="numpy",
    )


def _run(dataset, out_dir: Path) -> list[dict]:
    """The rows of the dataset, run to the end; a failure of the job is one line (a worker that cannot write
    into `out_dir` says so)."""
    try:
        return list(dataset.materialize().iter_rows())
    except Exception as err:  # Ray wraps what failed in a worker: find it
        cause = err
        while getattr(cause, "cause", None) is not None or cause.__cause__ is not None:
            cause = getattr(cause, "cause", None) or cause.__cause__
        if isinstance(cause, OSError):
            raise HcrError(
                f"{out_dir}: a Ray worker cannot write results there ({cause.strerror or cause}); on a "
                "cluster, --out must be a folder every node sees"
            ) from err
        first = str(cause).strip().splitlines()[0] if str(cause).strip() else ""
        raise HcrError(f"reading on Ray failed: {type(cause).__name__}: {first}") from err


def read_with_ray(
    inputs: list[str],
    out_dir: Path,
    address: str | None = None,
    fmt: str = "json",
    model: str | Path | None = None,
    lexicon: str = "shipped",
    workers: int | None = None,
    pages: str | None = None,
    dpi: float = DEFAULT_DPI,
    min_confidence: float = 0.0,
    upright: bool = False,
) -> RaySummary:
    """Read every image and document the inputs name (files, folders, globs) on Ray and write the records
    into `out_dir` as JSON Lines; `workers`: reader processes (default: every CPU Ray has); `pages`, `dpi`,
    `min_confidence` and `upright` as `read` takes them. Raises HcrError for a missing Ray, a bad model, word list,
    page list or dpi, inputs that name nothing, or an `out_dir` with results in it."""
    start = time.perf_counter()
    if fmt not in RECORD_FORMATS:
        raise HcrError(f"unknown format {fmt!r} for Ray records: choose json, text or hocr")
    if workers is not None and workers < 1:
        raise HcrError(f"workers must be at least 1, not {workers}")
    check_dpi(dpi)
    if pages is not None:
        parse_pages(pages)
    ray = import_ray()
    out_dir = Path(out_dir).resolve()
    _check_out_dir(out_dir)
    model = str(Path(model).resolve()) if model else None
    if model:
        from hcr_ocr.reading.pipeline import get_classifier

        get_classifier(model)  # a bad model fails here, in one line, before Ray starts
    if lexicon.lower() not in ("shipped", "none"):
        lexicon = str(Path(lexicon).resolve())  # a word list: the workers may start in other folders
    lexicon_from(lexicon)
    readable, errors = _split_readable(expand_inputs(inputs))
    reader_options = {
        "model": model,
        "lexicon": lexicon,
        "fmt": fmt,
        "pages": pages,
        "dpi": dpi,
        "min_confidence": min_confidence,
        "upright": upright,
    }
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise HcrError(f"{out_dir}: cannot write results there ({err.strerror or err})") from err
    parts, rows, failed, pool = [], 0, 0, 0
    if readable:
        started = start_ray(address, workers)
        try:
            _quiet_ray_data()
            cpus = int(ray.cluster_resources().get("CPU", 1))
            pool = max(1, min(workers or cpus, cpus, len(readable)))
            blocks = _read_blocks(ray, readable, out_dir, pool, reader_options)
            for written in _run(blocks, out_dir):
                parts.append(Path(written["file"]))
                rows += int(written["rows"])
                failed += int(written["failed"])
        finally:
            if started:
                ray.shutdown()
    if errors:
        parts.append(write_part(out_dir, errors))
        rows, failed = rows + len(errors), failed + len(errors)
    return RaySummary(rows, failed, sorted(parts), pool, time.perf_counter() - start)
