"""Stage 6, characters: a word's blobs → glyphs, each an ink mask to classify (or a punctuation mark).

    from hcr_ocr.reading.glyphs import find_glyphs, split_candidates
    glyphs = find_glyphs(word_blobs, labels, line)
    for g in glyphs: g.bbox, g.mask, g.punct

Blobs that overlap horizontally become one glyph (broken strokes). A small mark above a narrow stem is the dot
of an i or j and joins it; above a wide letter it is an accent and is dropped, since EMNIST has no accents;
apart under a letter and below the baseline it is grain, and is dropped too.
Periods, commas and hyphens are recognised by shape, and left out where their darkest pixel is much lighter
than their word's ink (`drop_faint_marks`: grain, not a pen's stop). A glyph much wider than the line's
letters is offered to the classifier whole and cut at the weakest columns of its ink (`split_candidates`),
and two narrow glyphs much closer than the word's other letters are offered joined (`join_candidates`: a
letter broken in two); the reader keeps whichever reading the classifier is surer of. The glyphs of tiny
writing are classified from their ink on the page enlarged (`FinerInk`), where it is not blocky.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

import cv2
import numpy as np

from hcr_ocr.page import union_bbox
from hcr_ocr.reading.binarization import stroke_width
from hcr_ocr.reading.lines import Blob, TextLine
from hcr_ocr.reading.settings import DEFAULT, FormSettings, GlyphSettings
from hcr_ocr.reading.stats import median, percentile


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


@dataclass(frozen=True)
class FinerInk:
    """A page of tiny writing binarised again at `factor` times its size (levelled like it), from which its
    glyphs are classified: their masks at their own size are blocky, their small holes shut."""

    ink: np.ndarray  # uint8, 255 = ink, in the levelled page's coordinates times `factor`
    factor: float
    min_share: float = DEFAULT.glyphs.finer_min_share

    def box_of(self, glyph: Glyph) -> tuple[int, int, int, int]:
        """The glyph's box on the finer page (within it)."""
        f = self.factor
        x0, y0, x1, y1 = glyph.bbox
        right, bottom = (
            min(self.ink.shape[1], int(np.ceil(x1 * f))),
            min(self.ink.shape[0], int(np.ceil(y1 * f))),
        )
        return int(x0 * f), int(y0 * f), right, bottom

    def mask_of(self, glyph: Glyph) -> np.ndarray:
        """The glyph's ink on the finer page: there, within a finer pixel's reach of its own mask enlarged,
        inside its box; its own mask where the finer page has much less ink there (a faint mark)."""
        left, top, right, bottom = self.box_of(glyph)
        if right <= left or bottom <= top:
            return glyph.mask
        near = cv2.resize(glyph.mask, (right - left, bottom - top), interpolation=cv2.INTER_NEAREST)
        reach = 2 * int(np.ceil(self.factor)) + 1
        near = cv2.dilate(near, np.ones((reach, reach), np.uint8))
        mask = self.ink[top:bottom, left:right] & near
        if np.count_nonzero(mask) < self.min_share * np.count_nonzero(glyph.mask) * self.factor**2:
            return glyph.mask
        return mask

    def placed_mask_of(self, glyph: Glyph) -> tuple[tuple[int, int, int, int], np.ndarray]:
        """The glyph's box on the finer page and its ink there, `mask_of` at that box's size."""
        box = self.box_of(glyph)
        mask = self.mask_of(glyph)
        size = (max(1, box[2] - box[0]), max(1, box[3] - box[1]))
        if mask.shape[::-1] != size:  # its own mask: a faint mark, or a box off the finer page
            mask = cv2.resize(mask, size, interpolation=cv2.INTER_NEAREST)
        return box, mask


def _bbox(blobs: list[Blob]) -> tuple[int, int, int, int]:
    return (
        min(b.x0 for b in blobs),
        min(b.y0 for b in blobs),
        max(b.x1 for b in blobs),
        max(b.y1 for b in blobs),
    )


def _mask(labels: np.ndarray, blobs: list[Blob], bbox: tuple[int, int, int, int]) -> np.ndarray:
    """The blobs' ink (255) in their bounding box."""
    x0, y0, x1, y1 = bbox
    crop = labels[y0:y1, x0:x1]
    ink = crop == blobs[0].label if len(blobs) == 1 else np.isin(crop, [b.label for b in blobs])
    return ink.astype(np.uint8) * 255


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return min(a[1], b[1]) - max(a[0], b[0])


def group_blobs(
    blobs: list[Blob], body: float, baseline: float, *, settings: GlyphSettings = DEFAULT.glyphs
) -> tuple[list[list[Blob]], set[int]]:
    """Blobs of one word grouped into glyphs: big blobs that overlap in x by half the narrower one merge,
    small marks join the glyph they overlap most, from the top down (unless they lie apart under it,
    below the `baseline`; a baseline of 0, not measured, leaves only the first test). Also returns the ids
    of the first blob of dotted glyphs."""
    s = settings
    if not blobs:
        return [], set()
    biggest = max(b.area for b in blobs)
    is_mark = [b.h < s.mark_max_height * body and b.area < s.mark_max_area * biggest for b in blobs]
    main = sorted((b for b, m in zip(blobs, is_mark, strict=True) if not m), key=lambda b: b.x0)
    groups: list[list[Blob]] = []
    spans = _Spans(len(blobs))
    for b in main:
        if groups:
            x0, x1 = spans.of(len(groups) - 1)
            if _overlap((x0, x1), (b.x0, b.x1)) > s.merge_overlap * min(b.w, x1 - x0):
                groups[-1].append(b)
                spans.widen(len(groups) - 1, b)
                continue
        groups.append([b])
        spans.add(b)
    dotted: set[int] = set()
    marks = sorted((b for b, m in zip(blobs, is_mark, strict=True) if m), key=lambda b: b.y0)
    for mark in marks:  # top down: the pieces of a broken tail join one after the other, in any order given
        _attach_mark(mark, groups, spans, dotted, (body, baseline), s)
    dotted.update(id(g[0]) for g in groups if _dot_over_stem(g, s))
    groups.sort(key=lambda g: min(b.x0 for b in g))
    return groups, dotted


class _Spans:
    """The box of each glyph group while blobs are grouped, kept in arrays so that finding the group a
    mark overlaps most stays fast on a line of thousands of specks."""

    def __init__(self, capacity: int):
        self.x0, self.y0, self.x1, self.y1 = (np.zeros(capacity, dtype=np.int64) for _ in range(4))
        self.n = 0

    def of(self, i: int) -> tuple[int, int]:
        return int(self.x0[i]), int(self.x1[i])

    def box(self, i: int) -> tuple[int, int, int, int]:
        return int(self.x0[i]), int(self.y0[i]), int(self.x1[i]), int(self.y1[i])

    def add(self, b: Blob) -> None:
        i = self.n
        self.x0[i], self.y0[i], self.x1[i], self.y1[i] = b.x0, b.y0, b.x1, b.y1
        self.n += 1

    def widen(self, i: int, b: Blob) -> None:
        self.x0[i], self.x1[i] = min(self.x0[i], b.x0), max(self.x1[i], b.x1)
        self.y0[i], self.y1[i] = min(self.y0[i], b.y0), max(self.y1[i], b.y1)

    def most_overlapped(self, x0: int, x1: int) -> tuple[int, int]:
        """The index of the group overlapping [x0, x1) most (the first of equals) and that overlap."""
        if not self.n:
            return -1, 0
        overlap = np.minimum(self.x1[: self.n], x1) - np.maximum(self.x0[: self.n], x0)
        best = int(np.argmax(overlap))
        return best, int(overlap[best])


def _attach_mark(
    mark: Blob,
    groups: list[list[Blob]],
    spans: _Spans,
    dotted: set[int],
    line: tuple[float, float],
    s: GlyphSettings,
) -> None:
    """Add a small mark to the glyph it overlaps most (a glyph of its own if none): above a narrow stem (or
    a serif i's, a little wider, where the mark is no speck) it is a dot (the glyph's first blob id goes
    into `dotted`), above a wider glyph an accent, left out;
    apart under the glyph and below the baseline a speck, left out. `line`: (body height, baseline)."""
    body, baseline = line
    index, overlap = spans.most_overlapped(mark.x0 - s.mark_reach, mark.x1 + s.mark_reach)
    if overlap <= 0:
        groups.append([mark])
        spans.add(mark)
        return
    best = groups[index]
    x0, y0, x1, y1 = spans.box(index)
    if mark.y1 <= y0 + s.dot_max_drop * body:  # a mark above the glyph: i/j dot or accent
        stem_w, stem_h = x1 - x0, y1 - y0
        serif = stem_w < s.serif_stem_max_width * stem_h and mark.w >= s.serif_dot_min_width * stem_h
        if (stem_w < s.stem_max_width * stem_h or serif) and mark.w < s.dot_max_width * stem_h:
            best.append(mark)
            spans.widen(index, mark)
            dotted.add(id(best[0]))
        return
    if mark.y0 >= max(y1, baseline) + s.mark_max_gap_below * body:
        return
    best.append(mark)
    spans.widen(index, mark)


def _dot_over_stem(group: list[Blob], s: GlyphSettings) -> bool:
    """A glyph of a narrow stem with a separate, much smaller mark above it (an i or j whose dot was large
    enough to be grouped as a blob of its own)."""
    if len(group) != 2:
        return False
    upper, lower = sorted(group, key=lambda b: b.y0)
    return (
        upper.y1 <= lower.y0
        and upper.area < s.dot_max_area * lower.area
        and lower.w < s.stem_max_width * lower.h
    )


def punctuation(
    bbox: tuple[int, int, int, int],
    line: TextLine,
    ink: int = 0,
    *,
    settings: GlyphSettings = DEFAULT.glyphs,
) -> str:
    """'.', ',' or '-' for small marks recognised by size and position, else ''. `ink`: the mark's pixels of
    ink, where known: a round solid mark may be larger (the full stop of bold type, and its comma, whose
    head is that stop; the stem of an i whose dot is lost is solid but not round)."""
    s = settings
    x0, y0, x1, y1 = bbox
    w, h, body = x1 - x0, y1 - y0, line.body_height
    round_box = min(w, h) >= s.solid_dot_min_round * max(w, h)
    solid = ink >= s.solid_dot_min_fill * w * h and round_box
    largest = s.solid_dot_max_size if solid else s.period_max_height
    solid_comma = ink >= s.solid_comma_min_fill * w * h and round_box
    if (
        h < s.hyphen_max_height * body
        and w > s.hyphen_min_aspect * h
        and w < s.hyphen_max_width * body
        and line.baseline - s.hyphen_max_rise * body <= y1 < line.baseline - s.hyphen_min_rise * body
    ):
        return "-"
    if (
        h < largest * body
        and w < max(largest, s.period_max_width) * body
        and y0 > line.baseline - s.period_max_rise * body
    ):
        return "."
    if (
        h < s.comma_max_height * body
        and w < max(s.comma_max_width, s.solid_comma_max_width if solid_comma else largest) * body
        and y0 > line.baseline - s.comma_max_rise * body
        and y1 > line.baseline + s.comma_min_drop * body
    ):
        return ","
    return ""


def find_glyphs(
    blobs: list[Blob], labels: np.ndarray, line: TextLine, *, settings: GlyphSettings = DEFAULT.glyphs
) -> list[Glyph]:
    """A word's blobs (labelled in `labels`) as glyphs, left to right; specks in mid air left out."""
    s = settings
    glyphs = []
    groups, dotted = group_blobs(blobs, line.body_height, line.baseline, settings=s)
    body = line.body_height
    for group in groups:
        bbox = _bbox(group)
        mark = punctuation(bbox, line, sum(b.area for b in group), settings=s)
        if (
            not mark
            and bbox[3] - bbox[1] < s.speck_max_size * body
            and bbox[2] - bbox[0] < s.speck_max_size * body
        ):
            continue  # a speck or stray dot in mid air: no letter is that small
        glyphs.append(
            Glyph(
                bbox,
                _mask(labels, group, bbox),
                mark,
                has_dot=id(group[0]) in dotted,
                blobs=tuple(b.label for b in group),
            )
        )
    return glyphs


def drop_leading_stops(glyphs: list[Glyph]) -> list[Glyph]:
    """A full stop or comma before a word's first letter is a speck: they follow words, not lead them."""
    first = 0
    while first < len(glyphs) and glyphs[first].punct in (".", ","):
        first += 1
    return glyphs[first:]


def drop_faint_marks(
    glyphs: list[Glyph], gray: np.ndarray, *, settings: GlyphSettings = DEFAULT.glyphs
) -> list[Glyph]:
    """A word's glyphs without the punctuation marks whose darkest pixel is lighter than
    `mark_min_darkness` of the word's ink (grey levels of `gray`, the deskewed page, below the paper
    around the word): a clump of film grain or sensor noise at the baseline, not a stop written with the
    letters' pen."""
    letters = [g for g in glyphs if not g.punct]
    if len(letters) == len(glyphs) or not letters:
        return glyphs
    x0, y0, x1, y1 = union_bbox([g.bbox for g in glyphs])
    area, ink = gray[y0:y1, x0:x1], np.zeros((y1 - y0, x1 - x0), bool)
    for g in glyphs:
        ink[g.bbox[1] - y0 : g.bbox[3] - y0, g.bbox[0] - x0 : g.bbox[2] - x0] |= g.mask > 0
    if ink.all():
        return glyphs
    paper = median(area[~ink])
    letter_ink = np.concatenate([_grey_of(g, gray) for g in letters])
    depth = paper - percentile(letter_ink, settings.ink_core_percentile)
    return [
        g
        for g in glyphs
        if not g.punct or paper - float(_grey_of(g, gray).min()) >= settings.mark_min_darkness * depth
    ]


def _grey_of(glyph: Glyph, gray: np.ndarray) -> np.ndarray:
    """The grey levels of a glyph's ink pixels."""
    x0, y0, x1, y1 = glyph.bbox
    return gray[y0:y1, x0:x1][glyph.mask > 0]


def printed_runs(glyphs: list[Glyph], *, settings: FormSettings = DEFAULT.forms) -> list[list[Glyph]]:
    """Runs of bold, tightly set type in a line of glyphs, as in a form's printed labels (NOM :, Name:):
    letters with strokes over a sixth of their height and gaps under a quarter of it, three or more of
    them, or two closed by a colon; or a whole line of two or more of them that makes three letters when
    a glyph as wide as two letters counts as two (a label alone on its line, in small type whose letters
    touch). Handwriting is thinner or looser than that."""
    s = settings
    alone = _touching_letters(glyphs, s)
    if len(glyphs) < min(s.label_min_letters, s.label_min_letters_closed + 1) and alone < s.label_min_letters:
        return []
    # letter height of the line, without the form's rules and frame lines (tall thin strokes); the median,
    # so that one tall blot at the crop's edge does not make the letters look like marks
    letter = median([g.h for g in glyphs if g.w >= s.rule_max_width * g.h] or [g.h for g in glyphs])
    bold = [g.h >= s.bold_min_height * letter and has_bold_stroke(g, s) for g in glyphs]
    runs: list[list[Glyph]] = []
    current: list[Glyph] = []
    for g, is_bold in zip(glyphs, bold, strict=True):
        tight = bool(current) and g.bbox[0] - current[-1].bbox[2] <= s.tight_max_gap * current[-1].h
        if is_bold and (not current or tight):
            current.append(g)
            continue
        if current and len(current) >= s.label_min_letters_closed and _closes(g, current[-1], s):
            runs.append([*current, g])  # a colon or full stop closes the label
        elif len(current) >= s.label_min_letters:
            runs.append(current)
        current = [g] if is_bold else []
    whole_line = len(current) == len(glyphs)
    if len(current) >= s.label_min_letters or (whole_line and alone >= s.label_min_letters):
        runs.append(current)
    return [run for run in runs if _stands_as_label(run, glyphs, s)]


def _touching_letters(glyphs: list[Glyph], s: FormSettings) -> int:
    """The letters in two or more printed glyphs, a glyph as wide as two letters counting as two; 0 where
    there is one glyph only, or one wider than two letters (a word written joined up, a rule)."""
    letters = [printed_letters(g, s) for g in glyphs]
    return sum(letters) if len(letters) >= 2 and max(letters) <= 2 else 0


def has_bold_stroke(glyph: Glyph, settings: FormSettings = DEFAULT.forms) -> bool:
    """Is the glyph's stroke as wide, for its height, as a printed label's (`bold_min_stroke`)?"""
    return stroke_width(glyph.mask) >= settings.bold_min_stroke * glyph.h


def printed_letters(glyph: Glyph, settings: FormSettings = DEFAULT.forms) -> int:
    """How many touching letters of print a glyph is as wide as (at least 1)."""
    return max(1, int(glyph.w / (settings.label_letter_width * glyph.h) + 0.5))


def _closes(g: Glyph, last: Glyph, s: FormSettings) -> bool:
    """Is `g` a colon or full stop right after the printed letter `last`?"""
    near = g.bbox[0] - last.bbox[2] <= s.closing_max_gap * last.h
    return near and g.h < s.closing_max_height * last.h and g.w < s.closing_max_width * last.h


def _stands_as_label(run: list[Glyph], glyphs: list[Glyph], s: FormSettings) -> bool:
    """A label opens its line (at most a couple of stray marks before it) and stands apart from what
    follows; a tight run inside a line of handwriting is only neat writing."""
    first = next(i for i, g in enumerate(glyphs) if g is run[0])
    after = [g for g in glyphs if g.bbox[0] >= run[-1].bbox[2]]
    height = max(g.h for g in run)
    return first <= s.label_max_leading and (
        not after or after[0].bbox[0] - run[-1].bbox[2] >= s.label_min_gap_after * height
    )


def split_candidates(
    glyph: Glyph,
    letter_width: float,
    max_cuts: int | None = None,
    *,
    settings: GlyphSettings = DEFAULT.glyphs,
) -> list[list[Glyph]]:
    """Ways to cut a too-wide glyph into 2 (or 3) letters at the weakest columns of its ink; [] if not wide.
    `max_cuts`: the most cuts in two offered (default settings.split_max_cuts)."""
    s = settings
    if glyph.punct or glyph.w < s.split_min_width * letter_width or glyph.w < s.split_min_aspect * glyph.h:
        return []
    profile = (glyph.mask > 0).sum(axis=0).astype(float)
    cuts_sets = [
        [c] for c in _cuts_in_two(profile, glyph.w, s.split_max_cuts if max_cuts is None else max_cuts, s)
    ]
    if glyph.w >= s.split_three_min_width * letter_width:
        cuts_sets += _cuts_in_three(profile, glyph.w, s)
    options: list[list[Glyph]] = []
    for cuts in cuts_sets:
        pieces = _cut(glyph, cuts, s)
        if pieces:
            options.append(pieces)
    return options


def _cuts_in_two(profile: np.ndarray, w: int, max_cuts: int, s: GlyphSettings) -> list[int]:
    """Up to `max_cuts` columns, weakest first and apart from each other, where the glyph may be cut in
    two."""
    lo, hi = int(s.split_zone[0] * w), int(s.split_zone[1] * w)
    order = np.argsort(profile[lo:hi], kind="stable")[: max_cuts * s.split_candidates_per_cut] + lo
    chosen: list[int] = []
    for c in order:
        if all(abs(c - d) > s.split_min_apart * w for d in chosen):
            chosen.append(int(c))
        if len(chosen) == max_cuts:
            break
    return chosen


def _cuts_in_three(profile: np.ndarray, w: int, s: GlyphSettings) -> list[list[int]]:
    """The weakest column of each zone, as the one way offered to cut the glyph in three ([] if none)."""
    zones = [(int(a * w), int(b * w)) for a, b in s.split_three_zones]
    cuts = [lo + int(np.argmin(profile[lo:hi])) for lo, hi in zones if hi > lo]
    return [cuts] if len(cuts) == len(zones) else []


def join_candidates(
    glyphs: list[Glyph], letter_width: float, *, settings: GlyphSettings = DEFAULT.glyphs
) -> dict[int, Glyph]:
    """Neighbouring letter glyphs that may be one letter broken in two, each pair joined as a glyph, keyed
    by the first one's index: an H whose bar reaches only one stem, a k or B whose halves don't touch
    (neither wider than a letter, together at most 1.5 letters wide, and under a quarter of the word's
    usual gap apart, in words of four letters or more); and, in any word, a stroke that stands above or
    below a neighbour it overlaps in x, sharing few rows with it (the flag of a 5, the bar of a T). The
    classifier decides whether to keep the join."""
    s = settings
    pairs = list(pairwise(i for i, g in enumerate(glyphs) if not g.punct))
    gaps = [glyphs[j].bbox[0] - glyphs[i].bbox[2] for i, j in pairs]
    close = s.join_max_gap * median(gaps) if len(gaps) >= s.join_min_gaps else None
    joined = {}
    for (i, j), gap in zip(pairs, gaps, strict=True):
        a, b = glyphs[i], glyphs[j]
        x0, x1 = a.bbox[0], max(a.bbox[2], b.bbox[2])
        shared_rows = min(a.bbox[3], b.bbox[3]) - max(a.bbox[1], b.bbox[1])
        stacked = gap < 0 and shared_rows <= s.join_stacked_max_overlap * min(a.h, b.h)
        narrow_and_close = (
            close is not None
            and gap <= close
            and max(a.w, b.w) <= letter_width
            and x1 - x0 <= s.join_max_width * letter_width
        )
        if j != i + 1 or not (stacked or narrow_and_close):
            continue
        y0, y1 = min(a.bbox[1], b.bbox[1]), max(a.bbox[3], b.bbox[3])
        mask = np.zeros((y1 - y0, x1 - x0), np.uint8)
        for g in (a, b):
            gx, gy = g.bbox[0] - x0, g.bbox[1] - y0
            mask[gy : gy + g.h, gx : gx + g.w] |= g.mask
        joined[i] = Glyph((x0, y0, x1, y1), mask, blobs=a.blobs + b.blobs)
    return joined


def oversegment(
    glyph: Glyph,
    letter_width: float,
    wide: float = DEFAULT.transcription.oversegment,
    *,
    settings: GlyphSettings = DEFAULT.glyphs,
) -> tuple[list[int], dict[tuple[int, int], Glyph]]:
    """Cut a glyph that may hold several touching letters at the valleys of its column profile, more
    finely than letters are wide, and return the cut columns (0 and the width included) with every run of
    one to `settings.oversegment_max_run` neighbouring pieces as a glyph, keyed by (first cut, last cut).
    ([0, w], {}) when the glyph is narrower than `wide` letters (TranscriptionSettings.oversegment)."""
    s = settings
    w = glyph.w
    if glyph.punct or w < wide * letter_width:
        return [0, w], {}
    edges = [0, *_fine_cuts(glyph, letter_width, s), w]
    pieces = {}
    for i in range(len(edges) - 1):
        for j in range(i + 1, min(i + s.oversegment_max_run + 1, len(edges))):
            if (i, j) == (0, len(edges) - 1):
                continue  # the whole glyph is classified anyway
            piece = _columns(glyph, edges[i], edges[j], s)
            if piece is not None:
                pieces[(i, j)] = piece
    return edges, pieces


def _fine_cuts(glyph: Glyph, letter_width: float, s: GlyphSettings) -> list[int]:
    """The deepest valleys of the glyph's smoothed column profile, spaced a fraction of a letter apart,
    left to right."""
    w = glyph.w
    profile = np.convolve((glyph.mask > 0).sum(axis=0).astype(float), list(s.profile_smoothing), mode="same")
    spacing = max(s.oversegment_min_spacing, int(s.oversegment_spacing * letter_width))
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
    return sorted(cuts)


def _cut(glyph: Glyph, cuts: list[int], s: GlyphSettings) -> list[Glyph]:
    """The glyph cut at these columns; [] if a piece would hold almost no ink."""
    edges = [0, *cuts, glyph.w]
    pieces = [_columns(glyph, a, b, s) for a, b in zip(edges[:-1], edges[1:], strict=True)]
    return [] if None in pieces else pieces


def _columns(glyph: Glyph, a: int, b: int, s: GlyphSettings) -> Glyph | None:
    """The ink of columns a..b of a glyph, cropped, as a glyph of its own (None for too little ink)."""
    x0, y0 = glyph.bbox[0], glyph.bbox[1]
    part = glyph.mask[:, a:b]
    ys, xs = np.nonzero(part)
    if len(xs) < s.piece_min_ink:
        return None
    sub = part[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]
    bbox = (x0 + a + int(xs.min()), y0 + int(ys.min()), x0 + a + int(xs.max()) + 1, y0 + int(ys.max()) + 1)
    return Glyph(bbox, sub)
