#!/usr/bin/env python3
"""How reading on Ray scales: files per second over N name crops with 1 and with 2 (or more) workers.

    .venv/bin/python scripts/bench-ray.py                    # 1,000 crops, workers 1 and 2, 3 runs each
    .venv/bin/python scripts/bench-ray.py --crops 400 --workers 1 2 --runs 5

The crops repeat ../shared/data/real-dev/form-names (the samples where it is absent) in a temporary
folder. One local Ray with as many CPUs as the most workers asked for is started first and kept for every
run, so the figures are the reading's, not Ray's start (printed apart). Each run writes its JSON Lines into
a fresh folder; the texts of every run are checked against plain `read` of the same files in one process.
Prints, per worker count, the median seconds and files per second, and the speed-up over the first count.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from hcr_ocr.distributed.ray_reading import import_ray, read_with_ray, start_ray  # noqa: E402
from hcr_ocr.evaluate.speed import make_crops  # noqa: E402


def texts_of(out: Path) -> dict[str, str]:
    return {
        r["path"]: r["text"]
        for part in out.glob("*.jsonl")
        for r in map(json.loads, part.read_text().splitlines())
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--crops", type=int, default=1000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    data = REPO.parent / "shared" / "data"
    with tempfile.TemporaryDirectory(prefix="hcr-ray-bench-") as tmp:
        crops = make_crops(Path(tmp) / "crops", data if data.is_dir() else None)[: args.crops]
        import hcr_ocr

        plain = {str(p.resolve()): hcr_ocr.read(str(p)).text for p in crops}
        ray = import_ray()
        start = time.perf_counter()
        start_ray(cpus=max(args.workers))  # as `read --ray` starts a local Ray
        print(f"Ray started in {time.perf_counter() - start:.1f} s")
        medians = {}
        for workers in args.workers:
            seconds = []
            for run in range(args.runs):
                out = Path(tmp) / f"out-{workers}-{run}"
                summary = read_with_ray([str(Path(tmp) / "crops")], out, workers=workers)
                seconds.append(summary.seconds)
                if texts_of(out) != plain:
                    raise SystemExit(f"{workers} workers, run {run}: texts differ from plain read")
            medians[workers] = statistics.median(seconds)
            print(
                f"{workers} workers: {medians[workers]:.2f} s, {len(crops) / medians[workers]:.1f} files/s "
                f"(runs: {', '.join(f'{s:.2f}' for s in seconds)}); texts as plain read",
                flush=True,
            )
        ray.shutdown()
    first = args.workers[0]
    for workers in args.workers[1:]:
        print(f"{workers} workers over {first}: {medians[first] / medians[workers]:.2f}x")


if __name__ == "__main__":
    main()
