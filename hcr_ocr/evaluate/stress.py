"""Bounded time: the reader on generated worst cases (no writing at all) at several sizes.

    from hcr_ocr.evaluate.stress import stress_bench
    result = stress_bench(sizes=(0.5, 1, 2), seed=0)
    result["over_limit"]          # the cases of up to 2 megapixels that took over 5 s: should be []
    result["growth"]              # per kind, how time grows with pixels: ~1 linear, 2 quadratic

Kinds: Gaussian grey noise, a dense labyrinth texture, a page of specks, a checkerboard, random dark blobs,
the blobs out of focus, each a 4:3 image of the given megapixels, made from the seed. Each image is read once,
with `hcr_ocr.reading.pipeline.read`, in a worker process that has already loaded the model, so that an image
that runs away is stopped after `timeout` seconds (and counted over the limit) instead of holding the bench.
"""

from __future__ import annotations

import contextlib
import math
import multiprocessing
import time
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np

SIZES = (0.5, 1.0, 2.0)  # megapixels of the images of each kind
LIMIT_SECONDS = 5.0  # no image of up to LIMIT_MEGAPIXELS may take longer
LIMIT_MEGAPIXELS = 2.0
TIMEOUT_SECONDS = 60.0  # an image still being read after this is stopped
ASPECT = 4 / 3  # width over height


def _noise(shape, rng):
    return np.clip(rng.normal(128, 60, shape), 0, 255).astype(np.uint8)


def _texture(shape, rng):
    """Band-passed noise cut at its median: a dense labyrinth of stroke-like worms, in grey."""
    n = rng.normal(0, 1, shape).astype(np.float32)
    band = cv2.GaussianBlur(n, (0, 0), 2.5) - cv2.GaussianBlur(n, (0, 0), 6.0)
    shade = cv2.GaussianBlur(rng.normal(0, 1, shape).astype(np.float32), (0, 0), 20)
    shade = 40 * shade / max(float(shade.std()), 1e-6)
    return np.clip(np.where(band > 0, 200.0, 50.0) + shade, 0, 255).astype(np.uint8)


def _specks(shape, rng):
    """White paper sprinkled with dark specks of 1 to 3 pixels, one per 150 pixels."""
    page = np.full(shape, 235, np.uint8)
    n = shape[0] * shape[1] // 150
    ys, xs = rng.integers(0, shape[0], n), rng.integers(0, shape[1], n)
    radius = rng.integers(0, 2, n)
    for y, x, r in zip(ys, xs, radius, strict=True):
        page[max(0, y - r) : y + r + 1, max(0, x - r) : x + r + 1] = 20
    return page


def _checkerboard(shape, rng):
    side = int(rng.integers(10, 17))
    y, x = np.indices(shape)
    return np.where(((y // side) + (x // side)) % 2 == 0, 230, 25).astype(np.uint8)


def _blobs(shape, rng):
    """Dark ellipses of letter sizes, a blob per 1,500 pixels, some overlapping."""
    page = np.full(shape, 225, np.uint8)
    n = shape[0] * shape[1] // 1500
    for _ in range(n):
        centre = (int(rng.integers(shape[1])), int(rng.integers(shape[0])))
        axes = (int(rng.integers(2, 25)), int(rng.integers(2, 25)))
        cv2.ellipse(page, centre, axes, float(rng.uniform(0, 180)), 0, 360, int(rng.integers(0, 120)), -1)
    return page


def _blurred(shape, rng):
    """The blobs out of focus (a gaussian of 3 px): the reader deconvolves the whole page."""
    return cv2.GaussianBlur(_blobs(shape, rng), (0, 0), 3.0)


KINDS: dict[str, Callable[[tuple[int, int], np.random.Generator], np.ndarray]] = {
    "noise": _noise,
    "texture": _texture,
    "specks": _specks,
    "checkerboard": _checkerboard,
    "blobs": _blobs,
    "blurred": _blurred,
}


def stress_shape(megapixels: float) -> tuple[int, int]:
    width = round(math.sqrt(megapixels * 1e6 * ASPECT))
    return round(width / ASPECT), width


def stress_image(kind: str, megapixels: float, seed: int = 0) -> np.ndarray:
    """The uint8 grayscale image of one kind and size, the same for the same seed."""
    rng = np.random.default_rng([seed, list(KINDS).index(kind), round(megapixels * 1000)])
    return KINDS[kind](stress_shape(megapixels), rng)


def _read_case(kind: str, megapixels: float, seed: int, model, lexicon) -> dict:
    from hcr_ocr.evaluate.conditions import error_place
    from hcr_ocr.reading.pipeline import read

    image = stress_image(kind, megapixels, seed)
    result: dict = {"error": None}
    start = time.perf_counter()
    try:
        page = read(image, model=model, lexicon=lexicon)
        result["lines"] = len(page.lines)
        result["chars"] = len(page.text.replace("\n", "").replace(" ", ""))
    except Exception as err:  # reported, not raised
        result["error"] = f"{type(err).__name__}: {err}"
        result["where"] = error_place(err)
    result["seconds"] = time.perf_counter() - start
    return result


def _warm_up(model, lexicon) -> None:
    from hcr_ocr.reading.pipeline import get_classifier, read

    get_classifier(model)
    read(stress_image("blobs", 0.01, 0), model=model, lexicon=lexicon)  # first-call costs off the clock


def _worker(conn, model, lexicon) -> None:
    _warm_up(model, lexicon)
    conn.send("ready")
    while (job := conn.recv()) is not None:
        conn.send(_read_case(*job, model, lexicon))


class _Worker:
    """A spawned process that reads one case at a time and can be stopped when one runs too long."""

    def __init__(self, model, lexicon):
        ctx = multiprocessing.get_context("spawn")
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_worker, args=(child, model, lexicon), daemon=True)
        self.proc.start()
        child.close()
        if not self.conn.poll(300) or self.conn.recv() != "ready":
            self.stop()
            raise RuntimeError("the stress worker did not start")

    def run(self, job: tuple, timeout: float) -> dict | None:
        self.conn.send(job)
        return self.conn.recv() if self.conn.poll(timeout) else None

    def stop(self) -> None:
        if self.proc.is_alive():
            self.proc.kill()
        self.proc.join()

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.conn.send(None)
        self.proc.join(10)
        self.stop()


def stress_bench(
    sizes: tuple[float, ...] = SIZES,
    seed: int = 0,
    model: str | Path | None = None,
    lexicon="shipped",
    kinds: tuple[str, ...] | None = None,
    timeout: float | None = TIMEOUT_SECONDS,
    on_case: Callable[[dict], None] | None = None,
) -> dict:
    """Time `read` on every kind at every size. With `timeout`, read in a worker process and stop an image
    after that many seconds; with None, read in this process.

    Returns {"cases": [{kind, megapixels, width, height, seconds, seconds_per_megapixel, lines, chars,
    error, timed_out, over_limit}], "over_limit": [...], "growth": {kind: exponent}, "max_growth",
    "limit_seconds", "limit_megapixels"}."""
    kinds = tuple(kinds or KINDS)
    worker = _Worker(model, lexicon) if timeout else None
    if worker is None:
        _warm_up(model, lexicon)
    cases = []
    try:
        for kind in kinds:
            for mp in sizes:
                h, w = stress_shape(mp)
                if worker is None:
                    result = _read_case(kind, mp, seed, model, lexicon)
                else:
                    result = worker.run((kind, mp, seed), timeout)
                    if result is None:  # ran away: stop the worker, start another for the rest
                        worker.stop()
                        result = {"error": None, "seconds": None}
                        worker = _Worker(model, lexicon)
                seconds = result.get("seconds")
                case = {
                    "kind": kind,
                    "megapixels": mp,
                    "width": w,
                    "height": h,
                    "seconds": seconds,
                    "seconds_per_megapixel": seconds / (w * h / 1e6) if seconds is not None else None,
                    "lines": result.get("lines"),
                    "chars": result.get("chars"),
                    "error": result.get("error"),
                    "where": result.get("where"),
                    "timed_out": seconds is None,
                    "over_limit": mp <= LIMIT_MEGAPIXELS and (seconds is None or seconds > LIMIT_SECONDS),
                }
                cases.append(case)
                if on_case:
                    on_case(case)
    finally:
        if worker is not None:
            worker.close()
    growth = {}
    for kind in kinds:
        timed = [c for c in cases if c["kind"] == kind and c["seconds"]]
        if len(timed) >= 2 and timed[-1]["megapixels"] != timed[0]["megapixels"]:
            a, b = timed[0], timed[-1]
            growth[kind] = math.log(b["seconds"] / a["seconds"]) / math.log(b["megapixels"] / a["megapixels"])
    return {
        "cases": cases,
        "over_limit": [c for c in cases if c["over_limit"]],
        "errors": [c for c in cases if c["error"]],
        "growth": growth,
        "max_growth": max(growth.values()) if growth else None,
        "limit_seconds": LIMIT_SECONDS,
        "limit_megapixels": LIMIT_MEGAPIXELS,
        "timeout_seconds": timeout,
    }


def print_stress_report(result: dict, console) -> None:
    """The stress cases as a table, then how time grows with pixels and the cases over the limit."""
    from rich.table import Table

    from hcr_ocr.evaluate.bench import print_whole_table

    table = Table(title="hcr-ocr bench --stress", show_edge=False)
    table.add_column("image", no_wrap=True)
    for col in ("MP", "size", "seconds", "s/MP", "lines", "chars"):
        table.add_column(col, justify="right", no_wrap=True)
    table.add_column("note")
    for c in result["cases"]:
        if c["timed_out"]:
            note = f"stopped after {result['timeout_seconds']:.0f} s"
        elif c["error"]:
            note = c["error"]
        else:
            note = "over the limit" if c["over_limit"] else ""
        table.add_row(
            c["kind"],
            f"{c['megapixels']:g}",
            f"{c['width']}x{c['height']}",
            f"{c['seconds']:.2f}" if c["seconds"] is not None else "-",
            f"{c['seconds_per_megapixel']:.2f}" if c["seconds_per_megapixel"] is not None else "-",
            str(c["lines"] if c["lines"] is not None else "-"),
            str(c["chars"] if c["chars"] is not None else "-"),
            note,
        )
    print_whole_table(table, console)
    growth = ", ".join(f"{k} {g:.2f}" for k, g in result["growth"].items())
    console.print(
        f"time grows as pixels to the power (1: linear): {growth or 'n/a'}", highlight=False, soft_wrap=True
    )
    over = result["over_limit"]
    limit = f"{result['limit_seconds']:g} s at up to {result['limit_megapixels']:g} megapixels"
    if over:
        names = ", ".join(f"{c['kind']} {c['megapixels']:g} MP" for c in over)
        console.print(f"over {limit}: {names}", highlight=False, soft_wrap=True)
    else:
        console.print(f"every image within {limit}", highlight=False, soft_wrap=True)
    for c in result["errors"]:
        console.print(
            f"internal error: {c['kind']} {c['megapixels']:g} MP: {c['error']} at {c['where']}",
            highlight=False,
            soft_wrap=True,
        )
