"""Many images read on Ray: the inputs listed here, their bytes read by Ray Data, the torch-free reader run
in `map_batches` by a pool of workers that each load the models once, one JSON Lines file written per block.

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

from hcr_ocr.distributed.records import RECORD_FORMATS, PageReader, error_record, json_line
from hcr_ocr.errors import HcrError
from hcr_ocr.reading.batch import expand_inputs
from hcr_ocr.reading.documents import DEFAULT_DPI, check_dpi, parse_pages
from hcr_ocr.reading.lexicon import lexicon_from
from hcr_ocr.reading.loading import read_source

RAY_MISSING = "reading on Ray needs Ray: pip install 'hcr-ocr[distributed]'"
LOCAL = "local"  # the address that means: start a Ray on this machine for the call
ROWS_PER_BLOCK = 64  # images per block of the read (and per output file), at most ...
BLOCKS_PER_WORKER = 8  # ... and at least this many blocks per worker, so that the last ones share evenly
BATCH_SIZE = 8  # images per map_batches call
WORKERS_PER_MOVER = 16  # one task reading bytes (or writing files) per this many reading workers: a crop
# takes ~15 ms to read and 0.3 ms to load, so one mover keeps many workers busy (CPU-free: num_cpus=0)


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


def _start(ray, address: str | None, workers: int | None) -> bool:
    """Start or join Ray unless it already runs in this process; True when this call started it."""
    if ray.is_initialized():
        return False
    local = address in (None, LOCAL)
    ray.init(
        address=None if local else address,
        num_cpus=(workers or os.cpu_count() or 1) if local else None,
        include_dashboard=False if local else None,
        logging_level=logging.ERROR,
        log_to_driver=False,
        configure_logging=True,
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
) -> RaySummary:
    """Read every image and document the inputs name (files, folders, globs) on Ray and write the records
    into `out_dir` as JSON Lines; `workers`: reader processes (default: every CPU Ray has); `pages`, `dpi`
    and `min_confidence` as `read` takes them. Raises HcrError for a missing Ray, a bad model, word list,
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
    started = _start(ray, address, workers)
    try:
        _quiet_ray_data()
        from hcr_ocr.distributed.ray_sink import JsonLinesSink

        cpus = int(ray.cluster_resources().get("CPU", 1))
        pool = max(1, min(workers or cpus, cpus, len(readable) or 1))
        movers = max(1, pool // WORKERS_PER_MOVER)
        parts = []
        if readable:
            blocks = min(len(readable), max(BLOCKS_PER_WORKER * pool, -(-len(readable) // ROWS_PER_BLOCK)))
            from pyarrow import fs

            images = ray.data.read_binary_files(
                readable,
                filesystem=fs.LocalFileSystem(),
                include_paths=True,
                override_num_blocks=blocks,
                num_cpus=0,
                concurrency=movers,
            )
            parts.append(
                images.map_batches(
                    PageReader,
                    fn_constructor_kwargs={
                        "model": model,
                        "lexicon": lexicon,
                        "fmt": fmt,
                        "pages": pages,
                        "dpi": dpi,
                        "min_confidence": min_confidence,
                    },
                    batch_size=BATCH_SIZE,
                    compute=ray.data.ActorPoolStrategy(size=pool),
                    num_cpus=1,
                    batch_format="numpy",
                )
            )
        if errors:
            rows = [{"line": json_line(e), "failed": True} for e in errors]
            parts.append(ray.data.from_items(rows))
        dataset = parts[0].union(*parts[1:]) if len(parts) > 1 else parts[0]
        sink = JsonLinesSink(out_dir)
        dataset.write_datasink(sink, ray_remote_args={"num_cpus": 0}, concurrency=movers)
    finally:
        if started:
            ray.shutdown()
    return RaySummary(sink.rows, sink.failed, sink.files, pool, time.perf_counter() - start)
