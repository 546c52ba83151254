"""What the commands say and how they end, without Typer: results on stdout, progress, warnings and one-line
errors on stderr, exit codes; and the `read` command's run, which the Typer command and the plain
`hcr-ocr read FILE...` of hcr_ocr.__main__ share.

    from hcr_ocr.console import read_command, report_error
    code = read_command(["scans/", "note.png"], fmt="json")     # 0 all read, 1 some failed, 2 all failed

Exit codes: 2 for our own errors (HcrError: bad input, missing model), 130 when interrupted, 3 for an
internal error (a bug: HCR_OCR_DEBUG=1 shows its traceback).
"""

from __future__ import annotations

import os
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from hcr_ocr.errors import HcrError


def Console(**options):  # noqa: N802 - rich's Console, imported on first use: `read` mostly needs none
    from rich.console import Console as RichConsole

    return RichConsole(**options)


class _ErrorConsole:
    """A rich Console on stderr, made when something is first printed there."""

    _console = None

    def __getattr__(self, name: str):
        if self._console is None:
            type(self)._console = Console(stderr=True)
        return getattr(self._console, name)


err_console = _ErrorConsole()


_LABELS = {"error": "red", "internal error": "red", "warning": "yellow"}


def say(text: str, label: str = "") -> None:
    """One line on stderr, never wrapped, after a coloured `label:` (error, internal error, warning) if one
    is given. The text is printed as it is: a file name like `a[b].png` is no markup."""
    from rich.markup import escape

    head = f"[{_LABELS[label]}]{label}:[/{_LABELS[label]}] " if label else ""
    err_console.print(head + escape(text), highlight=False, soft_wrap=True)


def report_error(err: BaseException) -> int:
    """Say what went wrong in one line; the exit code for it. An interrupt ends quietly with 130 and a
    closed output pipe (`| head`) with 1, as Typer ends them."""
    if isinstance(err, HcrError):
        say(str(err), "error")
        return err.exit_code
    if isinstance(err, KeyboardInterrupt):
        return 130
    if isinstance(err, BrokenPipeError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # nothing more to flush there
        return 1
    if hasattr(err, "format_message") and hasattr(err, "exit_code"):  # click's usage errors
        say(err.format_message(), "error")
        return err.exit_code
    if os.environ.get("HCR_OCR_DEBUG"):
        raise err
    first = str(err).strip().splitlines()[0] if str(err).strip() else ""
    say(f"{type(err).__name__}: {first} (set HCR_OCR_DEBUG=1 for the traceback)", "internal error")
    return 3


def prepare_read(model: Path | None, pages: str | None, verbose: bool) -> Path | None:
    """What `read` does before any file, on Ray or not: -v's log on stderr, the page list checked, and the
    model to run (the ONNX export beside a .pt checkpoint)."""
    if verbose:
        _log_to_stderr()
    if pages is not None:
        from hcr_ocr.reading.documents import parse_pages

        parse_pages(pages)  # a bad page list fails before any file is read
    if model is not None and model.suffix == ".pt":
        return model.with_suffix(".onnx")
    return model


def read_command(
    images: list[str],
    *,
    fmt: str = "text",
    overlay: Path | None = None,
    model: Path | None = None,
    out: Path | None = None,
    lexicon: str = "shipped",
    jobs: int | None = None,
    force: bool = False,
    dpi: float = 300,
    pages: str | None = None,
    min_confidence: float = 0.0,
    verbose: bool = False,
    upright: bool = False,
) -> int:
    """`hcr-ocr read`: every input read and its result printed (or written into `out`); the exit code. The
    options are the command's (see `hcr-ocr read --help`); `jobs` defaults to the cores."""
    from hcr_ocr.reading.batch import BatchJob, expand_inputs, read_all
    from hcr_ocr.reading.lexicon import lexicon_from
    from hcr_ocr.reading.output import FORMATS
    from hcr_ocr.reading.pipeline import get_classifier

    start = time.perf_counter()
    if fmt not in FORMATS:
        raise HcrError(f"unknown --format {fmt!r}: choose text, json, hocr, alto or pagexml")
    model = prepare_read(model, pages, verbose)
    sources = expand_inputs(images)
    # A bad model or word list fails once, before any image. One file may use every core for its
    # network; many files are read one core each (--jobs sets how many at once).
    get_classifier(model, threads=1 if len(sources) > 1 else 0)
    lexicon_from(lexicon)
    job = BatchJob(
        fmt, out, overlay, str(model) if model else None, lexicon, force, dpi, pages, min_confidence, upright
    )
    several = len(sources) > 1
    counts = {"read": 0, "skipped": 0, "failed": 0}
    with _progress(len(sources)) as advance:
        for result in read_all(sources, job, jobs or os.cpu_count() or 1):
            advance()
            _report(result, fmt, several, counts)
    if several:
        skipped = f", {counts['skipped']} up to date" if counts["skipped"] else ""
        say(f"{counts['read']} read, {counts['failed']} failed{skipped}, {time.perf_counter() - start:.1f} s")
    if not counts["failed"]:
        return 0
    return 2 if counts["failed"] == len(sources) else 1


def _report(result, fmt: str, several: bool, counts: dict[str, int]) -> None:
    """Print one input's result (or its error) and count it."""
    name = "stdin" if result.source == "-" else result.source
    if result.skipped:
        counts["skipped"] += 1
        return
    if result.error:
        counts["failed"] += 1
        say(result.error, "error")
        return
    counts["read"] += 1
    if result.blank:
        say(f"{name}: no handwriting found (blank page)", "warning")
    if result.rendered is None:
        return
    if several and fmt != "json":
        print(f"==> {name} <==")
    print(result.rendered, flush=True)  # flushed: a reader of the JSON Lines sees each file as it is read


@contextmanager
def _progress(total: int):
    """A progress bar on stderr for many files, when stderr is a terminal; yields the step function."""
    if total < 2 or not sys.stderr.isatty():
        yield lambda: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    with Progress(BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), console=err_console) as bar:
        task = bar.add_task("read", total=total)
        yield lambda: bar.advance(task)


@contextmanager
def counting(label: str):
    """A transient progress bar on stderr (when it is a terminal); yields its `on_progress(done, total)`."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    bar = Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err_console,
        transient=True,
        disable=not err_console.is_terminal,
    )
    with bar:
        task = bar.add_task(label, total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total)


def _log_to_stderr() -> None:
    import logging

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(name)s: %(message)s"))
    logger = logging.getLogger("hcr_ocr")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
