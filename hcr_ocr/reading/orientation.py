"""Stage 11, orientation: a page scanned upside down or photographed sideways is read turned.

    from hcr_ocr.reading.orientation import doubtful, glyph_votes, voted_turn, reads_better, turned, turn_back
    if doubtful(reading):                          # a Reading: the page, its characters' confidences, glyphs
        k = voted_turn(glyph_votes(reading, classifier))       # 0: as given
        other = read_as_given(turned(gray, k)) if k else None
        if other and reads_better(reading, other):
            page = turn_back(other.page, k, gray)

A quarter turn `k` is numpy's `rot90(gray, k)`: k times 90 degrees anticlockwise. Letters read surely only
the right way up (turned, they read as other letters, or as nothing, less surely), so the page's glyphs,
each turned every way and classified, vote for the turn; the page is read again so turned, and that
reading is kept if it reads as surely as writing does and surer than the page as given, by a margin.
Reading one turn only keeps the work of a doubtful page (noise, a texture) within twice a reading. Boxes
read on a turned page are turned back into the coordinates of the page as given.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from hcr_ocr.page import BBox, Page, union_bbox
from hcr_ocr.reading.glyphs import FinerInk, Glyph
from hcr_ocr.reading.normalization import batch
from hcr_ocr.reading.recognition import GlyphClassifier
from hcr_ocr.reading.settings import DEFAULT, OrientationSettings, Settings


@dataclass
class Reading:
    """A page read as it was turned, and the confidences of every character read on it, those of the lines
    then left out as no writing too (a page read the wrong way up loses many such lines)."""

    page: Page
    confidences: list[float] = field(default_factory=list)
    letters: list[Glyph] = field(default_factory=list)  # its letter glyphs, as segmented
    small: list[bool] = field(default_factory=list)  # which of them are small writing's (the small model's)
    finer: FinerInk | None = None  # tiny writing's enlarged ink, which its glyphs are classified from

    def voters(self, most: int) -> tuple[list[np.ndarray], list[bool]]:
        """The ink masks of up to `most` of its letter glyphs, spread evenly over the page, and which of
        them are small writing's."""
        chosen = np.unique(np.linspace(0, len(self.letters) - 1, min(most, len(self.letters))).astype(int))
        masks = [self.finer.mask_of(g) if self.finer else g.mask for g in (self.letters[i] for i in chosen)]
        return masks, [self.small[i] for i in chosen]

    @property
    def mean_confidence(self) -> float:
        return float(np.mean(self.confidences)) if self.confidences else 0.0


def doubtful(reading: Reading, settings: OrientationSettings = DEFAULT.orientation) -> bool:
    """Is the reading doubtful enough, and long enough to tell, to try the page turned?"""
    s = settings
    return (
        s.try_turns
        and len(reading.confidences) >= s.doubt_min_chars
        and reading.mean_confidence < s.doubt_below
    )


def glyph_votes(
    reading: Reading, classifier: GlyphClassifier, settings: Settings = DEFAULT
) -> dict[int, float]:
    """For each quarter turn, the mean top-class probability of up to `vote_glyphs` of the page's letter
    glyphs turned so, each by the model that reads its size of writing: letters read surely only the right
    way up, specks of noise about as surely every way."""
    masks, small = reading.voters(settings.orientation.vote_glyphs)
    if not masks:
        return {k: 0.0 for k in range(4)}
    glyphs = batch(masks, settings=settings.normalization)
    is_small = classifier.small_flags(small, len(masks))
    return {
        k: float(classifier.first_look(np.rot90(glyphs, k, axes=(2, 3)), is_small).max(axis=1).mean())
        for k in range(4)
    }


def voted_turn(votes: dict[int, float], settings: OrientationSettings = DEFAULT.orientation) -> int:
    """The quarter turn the glyphs vote for, if it beats the page as given by `vote_margin`; else 0."""
    best = max((1, 2, 3), key=lambda k: votes[k])
    return best if votes[best] > votes[0] + settings.vote_margin else 0


def turned(gray: np.ndarray, k: int) -> np.ndarray:
    """The page turned by `k` quarter turns anticlockwise."""
    return np.ascontiguousarray(np.rot90(gray, k))


def reads_better(
    reading: Reading, other: Reading, settings: OrientationSettings = DEFAULT.orientation
) -> bool:
    """Does the page read turned (`other`) read as writing does (`turn_min_confidence`), and beat it as
    given by `turn_margin` of mean confidence?"""
    return (
        other.mean_confidence >= settings.turn_min_confidence
        and other.mean_confidence > reading.mean_confidence + settings.turn_margin
    )


def box_back(box: BBox, k: int, shape: tuple[int, int]) -> BBox:
    """A box on the page turned `k` quarter turns, in the coordinates of the page as given (`shape`)."""
    h, w = shape
    x0, y0, x1, y1 = box
    if k == 1:
        return (w - y1, x0, w - y0, x1)
    if k == 2:
        return (w - x1, h - y1, w - x0, h - y0)
    if k == 3:
        return (y0, h - x1, y1, h - x0)
    return box


def _point_back(point: tuple[int, int], k: int, shape: tuple[int, int]) -> tuple[int, int]:
    """A point on the page turned `k` quarter turns (pixel edges, as baselines are: the bottom of a row
    of letters, the end of the writing), on the page as given."""
    h, w = shape
    x, y = point
    return {1: (w - y, x), 2: (w - x, h - y), 3: (y, h - x)}.get(k, (x, y))


def turn_back(page: Page, k: int, image: np.ndarray) -> Page:
    """The page read turned by `k` quarter turns, its boxes and baselines in the coordinates of the page as
    given (`image`), and `turned_degrees` set."""
    shape = image.shape[:2]
    for line in page.lines:
        for word in line.words:
            for ch in word.chars:
                ch.bbox = box_back(ch.bbox, k, shape)
            word.bbox = union_bbox([c.bbox for c in word.chars])
        line.bbox = union_bbox([w.bbox for w in line.words])
        if line.baseline:
            line.baseline = [_point_back(p, k, shape) for p in line.baseline]
    page.height, page.width = shape
    page.image = image
    page.turned_degrees = 90 * k
    return page
