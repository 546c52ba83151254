#!/usr/bin/env python3
"""How fast `hcr-ocr serve` answers once warm: the median of N `POST /read` of one name crop.

    .venv/bin/python scripts/bench-serve.py                 # the first form-names crop, 20 requests
    .venv/bin/python scripts/bench-serve.py IMAGE --runs 50 --warm 5

Starts `hcr-ocr serve` on a free local port (as the browser tests do), sends the image `--warm` times, then
times `--runs` requests over one keep-alive connection and prints the median, quartiles and extremes in
seconds. The image: the argument, else the first of ../shared/data/real-dev/form-names/*.jpg, else
samples/word-hello.png.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # the tests' server helper

import httpx  # noqa: E402

from tests.serve.live import running_server  # noqa: E402


def default_image() -> Path:
    """The first form-names crop of the shared data, or a sample when the data is not there."""
    crops = sorted((REPO.parent / "shared" / "data" / "real-dev" / "form-names").glob("*.jpg"))
    return crops[0] if crops else REPO / "samples" / "word-hello.png"


def bench(image: Path, runs: int = 20, warm: int = 3) -> dict:
    """Seconds per `POST /read` of `image` against a warm server: median, quartiles, min, max."""
    data = image.read_bytes()
    with running_server() as url, httpx.Client(base_url=url, timeout=60) as client:
        text = ""
        for _ in range(warm):
            answer = client.post("/read", content=data)
            answer.raise_for_status()
            text = answer.json()["text"]
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            answer = client.post("/read", content=data)
            times.append(time.perf_counter() - start)
            answer.raise_for_status()
    quartiles = statistics.quantiles(times, n=4) if len(times) > 1 else times * 3
    return {
        "image": str(image),
        "text": text,
        "runs": runs,
        "median_s": statistics.median(times),
        "q1_s": quartiles[0],
        "q3_s": quartiles[2],
        "min_s": min(times),
        "max_s": max(times),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("image", nargs="?", type=Path, default=None, help="the image to send")
    parser.add_argument("--runs", type=int, default=20, help="timed requests (default 20)")
    parser.add_argument("--warm", type=int, default=3, help="requests before the timing (default 3)")
    args = parser.parse_args()
    image = args.image or default_image()
    if not image.is_file():
        sys.exit(f"error: {image}: no such file")
    if args.runs < 1:
        sys.exit("error: --runs must be at least 1")
    try:
        r = bench(image, args.runs, args.warm)
    except (RuntimeError, httpx.HTTPError) as err:
        sys.exit(f"error: {str(err).strip().splitlines()[0]}")
    print(f"image: {r['image']} (read as {r['text']!r})")
    print(
        f"POST /read, {r['runs']} requests once warm: median {r['median_s']:.4f} s "
        f"(quartiles {r['q1_s']:.4f}-{r['q3_s']:.4f}, min {r['min_s']:.4f}, max {r['max_s']:.4f})"
    )


if __name__ == "__main__":
    main()
