"""Stage 3b, regions: the page's blobs → text blocks in reading order (columns, then paragraphs).

    from hcr_ocr.reading.regions import find_blocks
    for block in find_blocks(blobs):       # lists of blobs, left column before right, top to bottom
        lines = find_lines(block, shape)

A recursive XY cut on the blobs' boxes: a region at least `min_lines` letter heights (and `min_height` px: a
field crop's letter height is often that of its specks) tall is cut into columns
where a band of paper runs its whole height and is wider than `column_gap` letter heights (so that no word
space qualifies), else into paragraphs where paper runs its whole width for more than `paragraph_gap` letter
heights; a cut that would leave a part with little of the ink (specks, a stray mark) is not made. Columns are tried first, so that two columns whose paragraphs happen to line up are still read one
after the other. A page with neither stays one block.
"""

from __future__ import annotations

import numpy as np

from hcr_ocr.reading.lines import Blob, typical_height
from hcr_ocr.reading.settings import DEFAULT, Settings


def find_blocks(blobs: list[Blob], settings: Settings = DEFAULT) -> list[list[Blob]]:
    """The blobs grouped into text blocks, in reading order."""
    if not blobs:
        return []
    letter = typical_height(blobs, settings.lines)
    return _cut(blobs, max(letter, 1.0), settings, settings.regions.max_depth)


def _cut(blobs: list[Blob], letter: float, settings: Settings, depth: int) -> list[list[Blob]]:
    s = settings.regions
    height = max(b.y1 for b in blobs) - min(b.y0 for b in blobs)
    if depth == 0 or len(blobs) < s.min_blobs or height < max(s.min_height, s.min_lines * letter):
        return [blobs]
    parts = _split(blobs, lambda b: (b.x0, b.x1), s.column_gap * letter)
    if parts is None or not _substantial(parts, s.min_ink_share):
        parts = _split(blobs, lambda b: (b.y0, b.y1), s.paragraph_gap * letter)
    if parts is None or not _substantial(parts, s.min_ink_share):
        return [blobs]
    return [block for part in parts for block in _cut(part, letter, settings, depth - 1)]


def _substantial(parts: list[list[Blob]], min_share: float) -> bool:
    """Whether every part holds at least `min_share` of the ink: specks and stray marks are no block."""
    inks = [sum(b.area for b in part) for part in parts]
    return min(inks) >= min_share * sum(inks)


def _split(blobs: list[Blob], extent, min_gap: float) -> list[list[Blob]] | None:
    """The blobs parted at every run of paper wider than `min_gap` along one axis (blobs' extents given by
    `extent`), in order; None when there is no such run."""
    spans = np.array([extent(b) for b in blobs], dtype=np.int64)
    order = np.argsort(spans[:, 0], kind="stable")
    reach = np.maximum.accumulate(spans[order, 1])  # how far the blobs so far extend
    gaps = spans[order[1:], 0] - reach[:-1]
    cuts = np.nonzero(gaps > min_gap)[0]
    if len(cuts) == 0:
        return None
    bounds = [0, *(cuts + 1).tolist(), len(blobs)]
    return [[blobs[i] for i in sorted(order[a:b])] for a, b in zip(bounds, bounds[1:], strict=False)]
