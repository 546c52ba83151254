"""Stage 6, characters: a word's blobs → glyphs, each an ink mask to classify (or a punctuation mark).

    from hcr_ocr.reading.glyphs import find_glyphs, split_candidates
    glyphs = find_glyphs(word_blobs, labels, line)
    for g in glyphs: g.bbox, g.mask, g.punct

Blobs that overlap horizontally become one glyph (broken strokes). A small mark above a narrow stem is the dot
of an i or j and joins it; above a wide letter it is an accent and is dropped, since EMNIST has no accents.
Periods, commas and hyphens are recognised by shape alone. A glyph much wider than the line's letters is
offered to the classifier whole and cut at the weakest columns of its ink (`split_candidates`), and two
narrow glyphs much closer than the word's other letters are offered joined (`join_candidates`: a letter
broken in two); the reader keeps whichever reading the classifier is surer of.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

import numpy as np

from hcr_ocr.reading.binarization import stroke_width
from hcr_ocr.reading.lines import Blob, TextLine


@dataclass(eq=False)  # compared and hashed by identity: the reader keys its tables by glyph
class Glyph:
    bbox: tuple[int, int, int, int]  # x0, y0, x1, y1 in the (deskewed) page
    mask: np.ndarray  # uint8 crop of the bbox, 255 = ink
    punct: str = ""  # ".", ",", "-" when decided by shape, else ""
    has_dot: bool = False  # a dot was joined from above (i, j)
    blobs: tuple[int, ...] = ()  # labels of the blobs it is made of

    @property
    def w(self) -> int:
        return self.bbox[2] - self.bbox[0]

    @property
    def h(self) -> int:
        return self.bbox[3] - self.bbox[1]


def _mask(labels: np.ndarray, blobs: list[Blob]) -> tuple[tuple[int, int, int, int], np.ndarray]:
    x0, y0 = min(b.x0 for b in blobs), min(b.y0 for b in blobs)
    x1, y1 = max(b.x1 for b in blobs), max(b.y1 for b in blobs)
    crop = labels[y0:y1, x0:x1]
    mask = np.isin(crop, [b.label for b in blobs]).astype(np.uint8) * 255
    return (x0, y0, x1, y1), mask


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return min(a[1], b[1]) - max(a[0], b[0])


def group_blobs(blobs: list[Blob], body: float) -> tuple[list[list[Blob]], set[int]]:
    """Blobs of one word grouped into glyphs: big blobs that overlap in x by half the narrower one merge,
    small marks join the glyph they overlap most. Also returns the ids of the first blob of dotted glyphs."""
    if not blobs:
        return [], set()
    biggest = max(b.area for b in blobs)
    small = [b for b in blobs if b.h < 0.45 * body and b.area < 0.25 * biggest]
    main = sorted((b for b in blobs if b not in small), key=lambda b: b.x0)
    groups: list[list[Blob]] = []
    dotted: set[int] = set()
    for b in main:
        if groups:
            g = groups[-1]
            span = (min(x.x0 for x in g), max(x.x1 for x in g))
            if _overlap(span, (b.x0, b.x1)) > 0.5 * min(b.w, span[1] - span[0]):
                g.append(b)
                continue
        groups.append([b])
    for s in small:
        best, best_overlap = None, 0
        for g in groups:
            span = (min(x.x0 for x in g), max(x.x1 for x in g))
            ov = _overlap(span, (s.x0 - 1, s.x1 + 1))
            if ov > best_overlap:
                best, best_overlap = g, ov
        if best is None:
            groups.append([s])
            continue
        top = min(x.y0 for x in best)
        if s.y1 <= top + 0.2 * body:  # a mark above the glyph: i/j dot or accent
            stem_w = max(x.x1 for x in best) - min(x.x0 for x in best)
            stem_h = max(x.y1 for x in best) - top
            if stem_w < 0.45 * stem_h and s.w < 0.6 * stem_h:
                best.append(s)
                dotted.add(id(best[0]))
            continue
        best.append(s)
    dotted.update(id(g[0]) for g in groups if _dot_over_stem(g))
    groups.sort(key=lambda g: min(b.x0 for b in g))
    return groups, dotted


def _dot_over_stem(group: list[Blob]) -> bool:
    """A glyph of a narrow stem with a separate, much smaller mark above it (an i or j whose dot was large
    enough to be grouped as a blob of its own)."""
    if len(group) != 2:
        return False
    upper, lower = sorted(group, key=lambda b: b.y0)
    return upper.y1 <= lower.y0 and upper.area < 0.35 * lower.area and lower.w < 0.45 * lower.h


def punctuation(bbox: tuple[int, int, int, int], line: TextLine) -> str:
    """'.', ',' or '-' for small marks recognised by size and position, else ''."""
    x0, y0, x1, y1 = bbox
    w, h, body = x1 - x0, y1 - y0, line.body_height
    if h < 0.3 * body and w > 1.8 * h and w < 1.5 * body and y1 < line.baseline - 0.15 * body:
        return "-"
    if h < 0.3 * body and w < 0.4 * body and y0 > line.baseline - 0.45 * body:
        return "."
    if (
        h < 0.55 * body
        and w < 0.35 * body
        and y0 > line.baseline - 0.35 * body
        and y1 > line.baseline + 0.1 * body
    ):
        return ","
    return ""


def find_glyphs(blobs: list[Blob], labels: np.ndarray, line: TextLine) -> list[Glyph]:
    glyphs = []
    groups, dotted = group_blobs(blobs, line.body_height)
    body = line.body_height
    for group in groups:
        bbox, mask = _mask(labels, group)
        mark = punctuation(bbox, line)
        if not mark and bbox[3] - bbox[1] < 0.3 * body and bbox[2] - bbox[0] < 0.3 * body:
            continue  # a speck or stray dot in mid air: no letter is that small
        glyphs.append(
            Glyph(bbox, mask, mark, has_dot=id(group[0]) in dotted, blobs=tuple(b.label for b in group))
        )
    return glyphs


def drop_leading_stops(glyphs: list[Glyph]) -> list[Glyph]:
    """A full stop or comma before a word's first letter is a speck: they follow words, not lead them."""
    first = 0
    while first < len(glyphs) and glyphs[first].punct in (".", ","):
        first += 1
    return glyphs[first:]


def printed_runs(glyphs: list[Glyph]) -> list[list[Glyph]]:
    """Runs of bold, tightly set type in a line of glyphs, as in a form's printed labels (NOM :, Name:):
    letters with strokes over a sixth of their height and gaps under a quarter of it, three or more of
    them, or two closed by a colon. Handwriting is thinner or looser than that."""
    if len(glyphs) < 3:
        return []
    # letter height of the line, without the form's rules and frame lines (tall thin strokes)
    tallest = max((g.h for g in glyphs if g.w >= 0.15 * g.h), default=max(g.h for g in glyphs))
    bold = [g.h >= 0.3 * tallest and stroke_width(g.mask) >= 0.17 * g.h for g in glyphs]
    runs: list[list[Glyph]] = []
    current: list[Glyph] = []
    for g, is_bold in zip(glyphs, bold, strict=True):
        tight = bool(current) and g.bbox[0] - current[-1].bbox[2] <= 0.25 * current[-1].h
        if is_bold and (not current or tight):
            current.append(g)
            continue
        near = bool(current) and g.bbox[0] - current[-1].bbox[2] <= 1.2 * current[-1].h
        closing = near and g.h < 0.9 * current[-1].h and g.w < 0.5 * current[-1].h
        if len(current) >= 2 and closing:
            runs.append([*current, g])  # a colon or full stop closes the label
        elif len(current) >= 3:
            runs.append(current)
        current = [g] if is_bold else []
    if len(current) >= 3:
        runs.append(current)
    return [run for run in runs if _stands_as_label(run, glyphs)]


def _stands_as_label(run: list[Glyph], glyphs: list[Glyph]) -> bool:
    """A label opens its line (at most two stray marks before it) and stands apart from what follows;
    a tight run inside a line of handwriting is only neat writing."""
    first = next(i for i, g in enumerate(glyphs) if g is run[0])
    after = [g for g in glyphs if g.bbox[0] >= run[-1].bbox[2]]
    height = max(g.h for g in run)
    return first <= 2 and (not after or after[0].bbox[0] - run[-1].bbox[2] >= 0.8 * height)


def split_candidates(glyph: Glyph, letter_width: float, max_cuts: int = 3) -> list[list[Glyph]]:
    """Ways to cut a too-wide glyph into 2 (or 3) letters at the weakest columns of its ink; [] if not wide."""
    if glyph.punct or glyph.w < 1.45 * letter_width or glyph.w < 0.8 * glyph.h:
        return []
    profile = (glyph.mask > 0).sum(axis=0).astype(float)
    w = glyph.w
    pieces_wanted = [2] if glyph.w < 2.4 * letter_width else [2, 3]
    options: list[list[Glyph]] = []
    for k in pieces_wanted:
        cuts_sets = []
        if k == 2:
            lo, hi = int(0.25 * w), int(0.75 * w)
            order = np.argsort(profile[lo:hi], kind="stable")[: max_cuts * 3] + lo
            chosen: list[int] = []
            for c in order:
                if all(abs(c - d) > 0.08 * w for d in chosen):
                    chosen.append(int(c))
                if len(chosen) == max_cuts:
                    break
            cuts_sets = [[c] for c in chosen]
        else:
            thirds = [(int(0.2 * w), int(0.45 * w)), (int(0.55 * w), int(0.8 * w))]
            cuts = [lo + int(np.argmin(profile[lo:hi])) for lo, hi in thirds if hi > lo]
            if len(cuts) == 2:
                cuts_sets = [cuts]
        for cuts in cuts_sets:
            pieces = _cut(glyph, cuts)
            if pieces:
                options.append(pieces)
    return options


def join_candidates(glyphs: list[Glyph], letter_width: float) -> dict[int, Glyph]:
    """Neighbouring letter glyphs that may be one letter broken in two (an H whose bar reaches only one
    stem, a k or B whose halves don't touch), each pair joined as a glyph, keyed by the first one's index:
    neither wider than a letter, together at most 1.5 letters wide (an h, an m), and under a quarter of
    the word's usual gap apart (words of four letters or more). The classifier decides whether to keep the
    join."""
    pairs = list(pairwise(i for i, g in enumerate(glyphs) if not g.punct))
    gaps = [glyphs[j].bbox[0] - glyphs[i].bbox[2] for i, j in pairs]
    if len(gaps) < 3:
        return {}
    close = 0.25 * float(np.median(gaps))
    joined = {}
    for (i, j), gap in zip(pairs, gaps, strict=True):
        a, b = glyphs[i], glyphs[j]
        x0, x1 = a.bbox[0], max(a.bbox[2], b.bbox[2])
        if j != i + 1 or gap > close or max(a.w, b.w) > letter_width or x1 - x0 > 1.5 * letter_width:
            continue
        y0, y1 = min(a.bbox[1], b.bbox[1]), max(a.bbox[3], b.bbox[3])
        mask = np.zeros((y1 - y0, x1 - x0), np.uint8)
        for g in (a, b):
            gx, gy = g.bbox[0] - x0, g.bbox[1] - y0
            mask[gy : gy + g.h, gx : gx + g.w] |= g.mask
        joined[i] = Glyph((x0, y0, x1, y1), mask, blobs=a.blobs + b.blobs)
    return joined


def oversegment(
    glyph: Glyph, letter_width: float, wide: float = 1.3
) -> tuple[list[int], dict[tuple[int, int], Glyph]]:
    """Cut a glyph that may hold several touching letters at the valleys of its column profile, more
    finely than letters are wide, and return the cut columns (0 and the width included) with every run of
    one to three neighbouring pieces as a glyph, keyed by (first cut, last cut). ([0, w], {}) when the glyph
    is narrower than `wide` letters."""
    w = glyph.w
    if glyph.punct or w < wide * letter_width:
        return [0, w], {}
    profile = np.convolve((glyph.mask > 0).sum(axis=0).astype(float), [0.25, 0.5, 0.25], mode="same")
    spacing = max(2, int(0.3 * letter_width))
    valleys = [
        x
        for x in range(spacing, w - spacing)
        if profile[x] <= profile[x - 1] and profile[x] <= profile[x + 1]
    ]
    cuts: list[int] = []
    for x in sorted(valleys, key=lambda x: profile[x]):  # the deepest valleys first
        if all(abs(x - c) >= spacing for c in cuts):
            cuts.append(x)
        if len(cuts) >= int(w / spacing):
            break
    edges = [0, *sorted(cuts), w]
    pieces = {}
    for i in range(len(edges) - 1):
        for j in range(i + 1, min(i + 4, len(edges))):
            if (i, j) == (0, len(edges) - 1):
                continue  # the whole glyph is classified anyway
            piece = _columns(glyph, edges[i], edges[j])
            if piece is not None:
                pieces[(i, j)] = piece
    return edges, pieces


def _cut(glyph: Glyph, cuts: list[int]) -> list[Glyph]:
    """The glyph cut at these columns; [] if a piece would hold almost no ink."""
    edges = [0, *cuts, glyph.w]
    pieces = [_columns(glyph, a, b) for a, b in zip(edges[:-1], edges[1:], strict=True)]
    return [] if None in pieces else pieces


def _columns(glyph: Glyph, a: int, b: int) -> Glyph | None:
    """The ink of columns a..b of a glyph, cropped, as a glyph of its own (None for under 4 pixels)."""
    x0, y0 = glyph.bbox[0], glyph.bbox[1]
    part = glyph.mask[:, a:b]
    ys, xs = np.nonzero(part)
    if len(xs) < 4:
        return None
    sub = part[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]
    bbox = (x0 + a + int(xs.min()), y0 + int(ys.min()), x0 + a + int(xs.max()) + 1, y0 + int(ys.max()) + 1)
    return Glyph(bbox, sub)
