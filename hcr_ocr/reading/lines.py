"""Stage 4, lines: the ink's connected components (blobs), grouped into text lines, top to bottom.

    from hcr_ocr.reading.lines import find_blobs, find_lines, split_at_necks
    blobs, labels = find_blobs(ink)
    blobs, labels = split_at_necks(ink, blobs, labels)   # letters a thick pen ran together, parted
    for line in find_lines(blobs, ink.shape):
        line.blobs, line.top, line.bottom, line.body_height, line.baseline

The horizontal projection of the blobs (each drawn as its box, thinned to its middle half so that ascenders
and descenders don't bridge lines) is smoothed and cut into bands; a band far taller than the others is split
at its weakest row. Each blob joins the band that holds its vertical centre. Bands made only of text cut off
by the image edge (a neighbouring field's), or of a few specks, are dropped; but a crop's only line is kept
even where it touches the edge (a crop cut tight around the writing), and where every line touches an edge,
those that only graze it (a few of their letters at the edge) are kept. Letters that a thick pen ran
together into one blob are parted first where thin necks join their thick strokes (`split_at_necks`).
The numbers are in `settings.LineSettings`.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from itertools import pairwise

import cv2
import numpy as np

from hcr_ocr.reading.binarization import sizeable_height
from hcr_ocr.reading.settings import DEFAULT, BinarizationSettings, LineSettings
from hcr_ocr.reading.stats import median, percentile

log = logging.getLogger(__name__)


@dataclass
class Blob:
    """One connected component of ink: its box (x1, y1 exclusive) and pixel count."""

    label: int
    x0: int
    y0: int
    x1: int
    y1: int
    area: int

    @property
    def w(self) -> int:
        return self.x1 - self.x0

    @property
    def h(self) -> int:
        return self.y1 - self.y0

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2


@dataclass
class TextLine:
    blobs: list[Blob]
    top: int
    bottom: int
    body_height: float = 0.0  # typical height of the line's glyphs (capital or x-height, whichever dominates)
    baseline: float = 0.0
    block: int = 0  # the text block (column, paragraph) it belongs to, in reading order

    @property
    def x0(self) -> int:
        return min(b.x0 for b in self.blobs)

    @property
    def x1(self) -> int:
        return max(b.x1 for b in self.blobs)


def x_overlap(text_lines: list[TextLine], min_shared_rows: float = 0.5) -> int:
    """Px by which blobs side by side in a line overlap in x (letters that lean into their neighbours),
    summed over the lines. Side by side: they share `min_shared_rows` of the shorter one's rows (the pieces
    of a broken letter, or an i and its dot, stand one above the other and do not count)."""
    total = 0
    for tl in text_lines:
        earlier: list[Blob] = []  # blobs before this one, in x order, that may still reach it
        for b in sorted(tl.blobs, key=lambda blob: blob.x0):
            earlier = [a for a in earlier if a.x1 > b.x0]
            for a in earlier:
                rows = min(a.y1, b.y1) - max(a.y0, b.y0)
                if rows >= min_shared_rows * min(a.y1 - a.y0, b.y1 - b.y0):
                    total += min(a.x1, b.x1) - b.x0
            earlier.append(b)
    return total


def find_blobs(ink: np.ndarray) -> tuple[list[Blob], np.ndarray]:
    """Connected components of the ink mask, and the label image."""
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    blobs = [
        Blob(i, int(s[0]), int(s[1]), int(s[0] + s[2]), int(s[1] + s[3]), int(s[4]))
        for i, s in enumerate(stats)
        if i
    ]
    return blobs, labels


def split_at_necks(
    ink: np.ndarray,
    blobs: list[Blob],
    labels: np.ndarray,
    *,
    settings: LineSettings = DEFAULT.lines,
    binarization: BinarizationSettings = DEFAULT.binarization,
) -> tuple[list[Blob], np.ndarray]:
    """The blobs, with letters that a thick pen ran together parted: on a page whose strokes are at least
    `neck_min_stroke` px wide, a blob holding two to `neck_max_cores` cores of ink (deeper than `neck_depth`
    of the stroke's half width, each `neck_core_height` of the text height tall) that stand side by side is
    split between them, each pixel going to the core it is reached from first, up the distance to the
    paper (a watershed: the boundaries run through the thin necks). The text height is the blobs'
    `sizeable_height` (`binarization` settings). Returns the blobs and the label image."""
    s = settings
    dist = cv2.distanceTransform((ink > 0).astype(np.uint8), cv2.DIST_L2, 3)
    centres = (dist > 0) & (dist >= cv2.dilate(dist, np.ones((3, 3), np.uint8)))
    stroke = 2.0 * median(dist[centres]) if centres.any() else 0.0
    if stroke < s.neck_min_stroke:
        return blobs, labels
    _, cores, stats, _ = cv2.connectedComponentsWithStats(
        (dist > s.neck_depth * stroke / 2).astype(np.uint8), connectivity=8
    )
    areas, heights = np.array([b.area for b in blobs]), np.array([b.h for b in blobs])
    text_height = sizeable_height(areas, heights, settings=binarization)
    tall = np.flatnonzero(stats[:, cv2.CC_STAT_HEIGHT] >= s.neck_core_height * text_height)
    tall = tall[tall > 0]
    # a core lies inside one blob: its owner is the blob at any of its pixels (one on its top row)
    owners = []
    for core in tall:
        left, top, width = (
            stats[core, cv2.CC_STAT_LEFT],
            stats[core, cv2.CC_STAT_TOP],
            stats[core, cv2.CC_STAT_WIDTH],
        )
        x = left + int(np.argmax(cores[top, left : left + width] == core))
        owners.append(int(labels[top, x]))
    counts = Counter(owners)
    to_split = {owner for owner, n in counts.items() if 2 <= n <= s.neck_max_cores}
    if not to_split:
        return blobs, labels
    from scipy.ndimage import find_objects  # imported here: few pages have letters to part
    from skimage.segmentation import watershed

    labels = labels.copy()
    in_tall = np.isin(cores, tall)
    out = [b for b in blobs if b.label not in to_split]
    label = int(labels.max())
    for b in (b for b in blobs if b.label in to_split):
        box = (slice(b.y0, b.y1), slice(b.x0, b.x1))
        mask = labels[box] == b.label
        parts = watershed(-dist[box], np.where(mask & in_tall[box], cores[box], 0), mask=mask)
        _, parts = np.unique(parts, return_inverse=True)  # 0 off the blob, then 1..k, in one pass
        parts = parts.reshape(mask.shape)
        pieces = [(i + 1, where) for i, where in enumerate(find_objects(parts)) if where is not None]
        spans = sorted((where[1].start, where[1].stop) for _, where in pieces)
        if any(
            min(a1, b1) - max(a0, b0) > s.neck_max_overlap * min(a1 - a0, b1 - b0)
            for (a0, a1), (b0, b1) in pairwise(spans)
        ):
            out.append(b)  # parts of one letter, one above the other
            continue
        crop = labels[box]
        for value, (rows, cols) in pieces:
            label += 1
            own = parts[rows, cols] == value
            crop[rows, cols][own] = label
            out.append(
                Blob(
                    label,
                    b.x0 + cols.start,
                    b.y0 + rows.start,
                    b.x0 + cols.stop,
                    b.y0 + rows.stop,
                    int(own.sum()),
                )
            )
    log.debug("%d blob(s) of a thick pen parted at their necks", len(to_split))
    return sorted(out, key=lambda b: b.label), labels


def _bands(profile: np.ndarray, threshold: float) -> list[tuple[int, int]]:
    on = profile > threshold
    bands, start = [], None
    for i, v in enumerate(on):
        if v and start is None:
            start = i
        elif not v and start is not None:
            bands.append((start, i))
            start = None
    if start is not None:
        bands.append((start, len(on)))
    return bands


def _split_tall(
    profile: np.ndarray, bands: list[tuple[int, int]], typical: float, s: LineSettings
) -> list[tuple[int, int]]:
    """Split bands over `s.tall_band` typical heights at the weakest row of their middle part, recursively."""
    out = []
    for a, b in bands:
        if b - a > s.tall_band * typical and b - a > s.tall_band_min:
            lo, hi = a + max(1, int(s.split_margin * typical)), b - max(1, int(s.split_margin * typical))
            if hi > lo:
                cut = lo + int(np.argmin(profile[lo:hi]))
                out.extend(_split_tall(profile, [(a, cut), (cut, b)], typical, s))
                continue
        out.append((a, b))
    return out


def edge_blobs(ink: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Masks of the ink in blobs that touch the top or bottom edge, and the left or right edge, taken before
    deskewing (which moves the edges) so that they can be rotated along with the ink."""
    _, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    h, w = ink.shape
    x, y, bw, bh = (stats[:, i] for i in range(4))
    top_bottom = (y == 0) | (y + bh == h)
    sides = (x == 0) | (x + bw == w)
    top_bottom[0] = sides[0] = False
    return (top_bottom[labels] * 255).astype(np.uint8), (sides[labels] * 255).astype(np.uint8)


def labels_touching(labels: np.ndarray, mask: np.ndarray) -> set[int]:
    return {int(v) for v in np.flatnonzero(np.bincount(labels[(mask > 0) & (labels > 0)]))}


def typical_height(blobs: list[Blob], s: LineSettings) -> float:
    """Median height of the blobs that are not specks: the typical letter height."""
    heights = np.array([b.h for b in blobs])
    areas = np.array([b.area for b in blobs])
    big = areas >= max(s.big_blob_min_area, percentile(areas, s.big_blob_percentile) * s.big_blob_share)
    return median(heights[big]) if big.any() else median(heights)


def _line_bands(blobs: list[Blob], height: int, typical_h: float, s: LineSettings) -> list[tuple[int, int]]:
    """The rows of text: bands of the smoothed row profile of the blobs' middle parts, tall ones split."""
    profile = np.zeros(height, np.float64)
    for b in blobs:
        if b.area < s.profile_min_area:
            continue
        q = b.h * s.profile_trim  # count the middle part of each blob
        lo, hi = int(b.y0 + q), int(np.ceil(b.y1 - q))
        profile[lo : max(hi, lo + 1)] += b.w
    k = max(1, int(typical_h * s.smooth_window))
    smooth = np.convolve(profile, np.ones(k) / k, mode="same")
    bands = _bands(smooth, smooth.max() * s.band_threshold)
    if not bands:
        return []
    typical_band = median([b - a for a, b in bands])
    return _split_tall(smooth, bands, max(typical_band, typical_h), s)


def find_lines(
    blobs: list[Blob],
    shape: tuple[int, int],
    cut_off: set[int] | None = None,
    *,
    settings: LineSettings = DEFAULT.lines,
) -> list[TextLine]:
    """Group blobs into text lines, top to bottom. `cut_off`: labels of blobs cut by the top or bottom edge
    (default: those touching it)."""
    s = settings
    height, width = shape
    if not blobs:
        return []
    typical_h = typical_height(blobs, s)
    bands = _line_bands(blobs, height, typical_h, s)
    if not bands:
        return []
    centres = np.array([(a + b) / 2 for a, b in bands])
    groups: list[list[Blob]] = [[] for _ in bands]
    for blob in blobs:
        inside = [i for i, (a, b) in enumerate(bands) if a <= blob.cy < b]
        i = inside[0] if inside else int(np.argmin(np.abs(centres - blob.cy)))
        groups[i].append(blob)
    groups = _attach_marks(groups, typical_h, s)
    page_ink = np.sum([b.area for b in blobs])

    def at_edge(b: Blob) -> bool:
        return b.label in cut_off if cut_off is not None else b.y0 == 0 or b.y1 == height

    kept: list[list[Blob]] = []
    cut_lines: list[tuple[list[Blob], int, bool]] = []  # cut by the edge: its ink, does it only graze it
    for group in groups:
        ink_area = sum(b.area for b in group)
        if not group or ink_area < max(s.min_line_ink, s.min_line_ink_share * page_ink):
            continue
        edge = [b for b in group if at_edge(b)]
        if sum(b.area for b in edge) >= s.cut_off_share * ink_area:
            cut_lines.append((group, ink_area, len(edge) <= s.grazing_blob_share * len(group)))
        else:
            kept.append(group)
    if not kept and len(cut_lines) == 1 and cut_lines[0][1] >= s.tight_crop_ink_share * page_ink:
        kept = [cut_lines[0][0]]  # a crop so tight that its one line of writing touches the edge
    elif not kept:  # every line touches an edge: keep those that only graze it
        kept = [group for group, _, grazes in cut_lines if grazes]
    lines = []
    for group in kept:
        group.sort(key=lambda b: b.x0)
        line = TextLine(group, min(b.y0 for b in group), max(b.y1 for b in group))
        measure_line(line, settings=s)
        lines.append(line)
    lines.sort(key=lambda ln: ln.top)
    # a "line" many times taller than its letters is specks strewn over an area (grain, texture), no row
    lines = [ln for ln in lines if ln.bottom - ln.top <= s.max_body_heights * max(ln.body_height, 1.0)]
    return drop_fragments(lines, settings=s)


def drop_fragments(lines: list[TextLine], *, settings: LineSettings = DEFAULT.lines) -> list[TextLine]:
    """Leave out lines that are both short and faint next to the page's main line: bits of other fields,
    stray marks. A real line of small writing has enough ink, a short real word is tall enough."""
    if len(lines) < 2:
        return lines
    inks = [sum(b.area for b in ln.blobs) for ln in lines]
    tallest = max(ln.body_height for ln in lines)
    s = settings
    return [
        ln
        for ln, ink in zip(lines, inks, strict=True)
        if ink >= s.fragment_ink_share * max(inks) or ln.body_height >= s.fragment_height_share * tallest
    ]


def _attach_marks(groups: list[list[Blob]], typical_h: float, s: LineSettings) -> list[list[Blob]]:
    """A band of nothing but small marks (the dots of i and j, accents) just above a line of letters, each
    mark over a letter, belongs to that line."""
    groups = [g for g in groups if g]
    marks = [g for g in groups if max(b.h for b in g) < s.mark_max_height * typical_h]
    letters = [g for g in groups if not any(g is m for m in marks)]
    if not letters:
        return groups
    for m in marks:
        bottom = max(b.y1 for b in m)
        below = [(min(b.y0 for b in g) - bottom, g) for g in letters]
        below = [(gap, g) for gap, g in below if gap >= 0]
        if below:
            gap, nearest = min(below, key=lambda item: item[0])
            over = all(any(min(a.x1, b.x1) > max(a.x0, b.x0) for b in nearest) for a in m)
            if gap <= s.mark_max_gap * typical_h and over:
                nearest.extend(m)
                continue
        letters.append(m)
    return letters


def measure_line(line: TextLine, *, settings: LineSettings = DEFAULT.lines) -> None:
    """Body height (median height of the line's substantial blobs) and baseline (median bottom)."""
    least = settings.body_min_area_share * max(bb.area for bb in line.blobs)
    sizable = [b for b in line.blobs if b.area >= least]
    line.body_height = median([b.h for b in sizable])
    line.baseline = median([b.y1 for b in sizable])
