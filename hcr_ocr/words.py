"""Stage 5, words: split a text line at the gaps that are wider than the writer's own letter spacing.

    from hcr_ocr.words import split_words
    for word_blobs in split_words(line):
        ...

Blobs that overlap horizontally are one column (an i and its dot, a broken stroke). The gaps between columns
are split in two groups by Otsu's criterion; the wide group are word spaces when it stands clearly apart from
the narrow one, so that widely spaced capitals stay one word and tight cursive still splits.
"""

from __future__ import annotations

import numpy as np

from hcr_ocr.lines import Blob, TextLine


def columns(blobs: list[Blob]) -> list[list[Blob]]:
    """Blobs sorted left to right, grouped where their x-ranges overlap."""
    out: list[list[Blob]] = []
    right = -1
    for b in sorted(blobs, key=lambda b: b.x0):
        if out and b.x0 < right:
            out[-1].append(b)
            right = max(right, b.x1)
        else:
            out.append([b])
            right = b.x1
    return out


def word_gap_threshold(gaps: np.ndarray, body_height: float) -> float:
    """The smallest gap that separates words in this line (inf when none does)."""
    if len(gaps) == 0:
        return float("inf")
    floor = 0.45 * body_height  # narrower than this is never a word space
    wide = gaps[gaps >= floor]
    if len(wide) == 0:
        return float("inf")
    if len(gaps) == 1:
        return floor * 1.6 if gaps[0] >= floor * 1.6 else float("inf")
    values = np.sort(gaps)
    best_t, best_score = None, -1.0
    for i in range(1, len(values)):
        lo, hi = values[:i], values[i:]
        score = len(lo) * len(hi) * (hi.mean() - lo.mean()) ** 2
        if score > best_score:
            best_t, best_score = (values[i - 1] + values[i]) / 2, score
    lo, hi = values[values < best_t], values[values >= best_t]
    typical = float(np.median(lo)) if len(lo) else 0.0
    # word spaces must stand clearly apart from the letter spacing
    if hi.min() >= max(floor, 1.8 * typical + 0.15 * body_height):
        return max(best_t, floor)
    return float("inf")


def split_words(line: TextLine) -> list[list[Blob]]:
    cols = columns(line.blobs)
    if not cols:
        return []
    gaps = np.array(
        [cols[i + 1][0].x0 - max(b.x1 for b in cols[i]) for i in range(len(cols) - 1)], dtype=float
    )
    threshold = word_gap_threshold(gaps, line.body_height)
    words: list[list[Blob]] = [list(cols[0])]
    for gap, col in zip(gaps, cols[1:], strict=True):
        if gap >= threshold:
            words.append(list(col))
        else:
            words[-1].extend(col)
    return words
