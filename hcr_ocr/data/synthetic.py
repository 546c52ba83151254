"""Synthetic pages of real ink: words set from EMNIST derived47 *test* glyphs, which no model trained on.

    from hcr_ocr.data.synthetic import synthetic_pages
    for image, text in synthetic_pages(20, seed=0):      # uint8 grayscale page, its ground truth
        ...

Each page has 2-4 lines of 2-4 words: words from the shipped English word list (its 3,000 commonest of two
letters or more) in lower case, Capitalised or CAPITALS, and numbers. Every letter is a different writer's
glyph of that very character: where the provenance of a derived47 image names a byclass image, its case is
known, so a small "o" is drawn from small o's (the 47 classes merge o and O). Glyphs are scaled to their size
on the line (x-height letters smaller, descenders hanging below the baseline), with uneven letter spacing,
some touching pairs and a jittered baseline. Pages are rebuilt at run time from the data folder and never
stored.
"""

from __future__ import annotations

from collections.abc import Iterator

import cv2
import numpy as np

from hcr_ocr.data.datasets import load_split, true_characters
from hcr_ocr.reading.lexicon import Lexicon

COMMON_WORDS = 3000  # the page's words are drawn from this many of the commonest listed words
MIN_POOL = 10  # glyphs of one exact character needed to draw from them rather than from its class
X_HEIGHT = set("acemnorsuvwxz")
DESCENDERS = set("gjpqy")
CAP = 34  # capital height in pixels


def _glyph_bank(data_dir=None) -> dict[str, np.ndarray]:
    """Test glyphs by character: the exact character (case included) where it is known and common enough,
    else the class (merged capital and small form)."""
    test = load_split("emnist", "test", data_dir)
    bank = {c: test.images[test.labels == i, 0] for i, c in enumerate(test.classes)}
    true = np.array(true_characters("test", data_dir))
    for ch in set(true) - {""}:
        pool = test.images[true == ch, 0]
        if len(pool) >= MIN_POOL:
            bank[ch] = pool
    return bank


def common_words() -> list[str]:
    """The shipped word list's COMMON_WORDS commonest words of two letters or more, commonest first."""
    words = sorted(Lexicon.shipped().prior.items(), key=lambda kv: -kv[1])
    return [w for w, _ in words if len(w) >= 2][:COMMON_WORDS]


def glyph_pool(ch: str, bank: dict[str, np.ndarray]) -> np.ndarray:
    """The bank's glyphs of `ch`: of that very character where it has them, else of its class."""
    return bank[ch] if ch in bank else bank[ch.upper()]


def glyph_ink(glyph: np.ndarray, height: int) -> np.ndarray:
    """A glyph cropped to its ink and scaled to `height` pixels (ink as coverage 0..1)."""
    ys, xs = np.nonzero(glyph > 0.25)
    crop = glyph[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]
    scale = height / crop.shape[0]
    width = max(2, int(round(crop.shape[1] * scale)))
    return cv2.resize(crop, (width, height), interpolation=cv2.INTER_LINEAR)


def page_text(rng: np.random.Generator, vocabulary: list[str]) -> str:
    """A page's ground truth: 2-4 lines of 2-4 words from `vocabulary` (lower case, Capitalised or
    CAPITALS) and numbers of 1-4 digits."""
    lines = []
    for _ in range(rng.integers(2, 5)):
        words = []
        for _ in range(rng.integers(2, 5)):
            kind = rng.random()
            if kind < 0.15:
                words.append(str(rng.integers(1, 10 ** rng.integers(1, 5))))
                continue
            word = str(rng.choice(vocabulary))
            if kind < 0.3:
                word = word.upper()
            elif kind < 0.5:
                word = word.capitalize()
            words.append(word)
        lines.append(" ".join(words))
    return "\n".join(lines)


def render_page(
    text: str, bank: dict[str, np.ndarray], rng: np.random.Generator, touching: float = 0.1
) -> np.ndarray:
    """The text in real ink, letters of a word touching their neighbour with probability `touching`."""
    lines = text.split("\n")
    width = max(len(line) for line in lines) * CAP + 4 * CAP
    page = np.zeros((len(lines) * 2 * CAP + 2 * CAP, width), np.float32)
    for li, line in enumerate(lines):
        baseline = int(1.6 * CAP + li * 2 * CAP)
        x = CAP
        for ch in line:
            if ch == " ":
                x += int(CAP * rng.uniform(0.7, 1.0))
                continue
            pool = glyph_pool(ch, bank)
            glyph = pool[rng.integers(len(pool))]
            small = ch in X_HEIGHT or ch in DESCENDERS
            height = (
                int(CAP * rng.uniform(0.6, 0.7)) if ch in X_HEIGHT else int(CAP * rng.uniform(0.92, 1.05))
            )
            ink = glyph_ink(glyph, height)
            bottom = (
                baseline
                + int(rng.normal(0, 0.03 * CAP))
                + (int(0.35 * CAP) if ch in DESCENDERS and small else 0)
            )
            top = bottom - ink.shape[0]
            region = page[top:bottom, x : x + ink.shape[1]]
            np.maximum(region, ink[:, : region.shape[1]], out=region)
            # mostly a clear gap, now and then letters that touch
            x += ink.shape[1] + int(
                CAP * (rng.uniform(-0.05, 0.0) if rng.random() < touching else rng.uniform(0.08, 0.25))
            )
    paper = 235 - 195 * np.clip(page, 0, 1) + rng.normal(0, 4, page.shape)
    return np.clip(paper, 0, 255).astype(np.uint8)


def synthetic_pages(n: int, seed: int = 0, data_dir=None) -> Iterator[tuple[np.ndarray, str]]:
    """n (page, ground truth) pairs, the same for the same seed."""
    bank, vocabulary = _glyph_bank(data_dir), common_words()
    rng = np.random.default_rng(seed)
    for _ in range(n):
        text = page_text(rng, vocabulary)
        yield render_page(text, bank, rng), text
