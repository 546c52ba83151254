#!/usr/bin/env python3
"""How the reader reads ordinary print in fonts beyond samples/: CER, WER and word spaces lost or added.

    .venv/bin/python scripts/bench-print-fonts.py                   # seed 0, every font found, 3 sizes
    .venv/bin/python scripts/bench-print-fonts.py --seed 1 --show   # and each line read wrong

Pages of random words and numbers (the synthetic pages' text, `synthetic.page_text`) are set in the regular
face of each font below that is installed, at 22, 32 and 44 px, line by line as `samples/make_samples.py`
sets the printed samples, dark grey on light paper with a little noise, and read with the shipped models
and word list. A line read with fewer words than it has counts its
missing spaces as merges, one with more as splits. DejaVu and Liberation come with `scripts/install-deps.sh
fonts`, the others with `train-fonts`: the printed glyphs the models learned from were rendered from those
(hcr_ocr/data/printed.py), so on them the figure says more about the page's layout and word spaces than
about letter shapes. Nothing is written; the pages are made at run time.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

import hcr_ocr
from hcr_ocr.data.printed import FONT_ROOT
from hcr_ocr.data.synthetic import common_words, page_text
from hcr_ocr.evaluate.bench import score_texts

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "samples"))  # the printed samples' typesetting

from make_samples import set_text  # noqa: E402

FONTS = (
    "truetype/dejavu/DejaVuSans.ttf",
    "truetype/dejavu/DejaVuSerif.ttf",
    "truetype/liberation/LiberationSans-Regular.ttf",
    "truetype/liberation/LiberationSerif-Regular.ttf",
    "truetype/freefont/FreeSans.ttf",
    "truetype/freefont/FreeSerif.ttf",
    "opentype/urw-base35/NimbusSans-Regular.otf",
    "opentype/urw-base35/NimbusRoman-Regular.otf",
    "opentype/urw-base35/C059-Roman.otf",
    "opentype/urw-base35/URWGothic-Book.otf",
    "truetype/lato/Lato-Regular.ttf",
    "truetype/open-sans/OpenSans-Regular.ttf",
    "truetype/noto/NotoSans-Regular.ttf",
    "truetype/noto/NotoSerif-Regular.ttf",
)
SIZES = (22, 32, 44)  # px
INK, PAPER, NOISE = 35, 236, 3.0  # grey levels, and the noise's standard deviation


def render(text: str, font_path: Path, size: int, rng: np.random.Generator) -> np.ndarray:
    """The text set in the font as the printed samples are (`make_samples.set_text`), dark grey on light
    paper with a little noise, as a uint8 grayscale page."""
    ink = set_text(text, font_path, size)
    page = PAPER * (1.0 - ink) + INK * ink + rng.normal(0.0, NOISE, ink.shape)
    return np.clip(page, 0, 255).astype(np.uint8)


def space_errors(truth: str, read: str) -> tuple[int, int]:
    """(merges, splits): word spaces lost and added, line by line."""
    merges = splits = 0
    for want, got in zip(truth.split("\n"), read.split("\n"), strict=False):
        diff = len(got.split()) - len(want.split())
        merges, splits = merges + max(0, -diff), splits + max(0, diff)
    return merges, splits


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=0, help="draws the texts and the noise (default 0)")
    parser.add_argument("--show", action="store_true", help="print each line read wrong")
    args = parser.parse_args()
    rng, vocabulary = np.random.default_rng(args.seed), common_words()
    fonts = [FONT_ROOT / f for f in FONTS if (FONT_ROOT / f).is_file()]
    if not fonts:
        raise SystemExit(f"none of the fonts is installed under {FONT_ROOT}: scripts/install-deps.sh fonts")
    all_read, all_truth, merges, splits = [], [], 0, 0
    for font in fonts:
        read, truth = [], []
        for size in SIZES:
            text = page_text(rng, vocabulary)
            got = hcr_ocr.read(render(text, font, size, rng)).text
            read.append(got)
            truth.append(text)
            m, s = space_errors(text, got)
            merges, splits = merges + m, splits + s
            if args.show:
                for want, line in zip(text.split("\n"), got.split("\n"), strict=False):
                    if want != line:
                        print(f"  {font.stem} {size}px: {want!r} read {line!r}")
        score = score_texts(read, truth)
        print(
            f"{font.stem:24s} CER {score['cer']:.4f}  caseless {score['cer_caseless']:.4f}  WER {score['wer']:.4f}"
        )
        all_read += read
        all_truth += truth
    score = score_texts(all_read, all_truth)
    print(
        f"{len(fonts)} fonts x {len(SIZES)} sizes, seed {args.seed}: CER {score['cer']:.4f}, caseless "
        f"{score['cer_caseless']:.4f}, WER {score['wer']:.4f}; word spaces lost {merges}, added {splits}"
    )


if __name__ == "__main__":
    main()
