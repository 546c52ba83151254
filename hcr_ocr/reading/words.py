"""Stage 5, words: split a text line at the gaps that are wider than the writer's own letter spacing.

    from hcr_ocr.reading.words import split_page_words, split_words
    for line_words in split_page_words(lines):      # each line's words, with the page's word break
        ...
    split_words(line)                                # one line's words, alone

Blobs that overlap horizontally are one column (an i and its dot, a broken stroke). A gap between columns is
a word space when it is well over the writer's typical letter gap (the median gap of the line), so that
widely spaced capitals stay one word and tightly written words still split. Where the line's gaps fall in two
clearly apart groups (type, neat writing: many narrow letter gaps, fewer wide word gaps), the break between
the groups separates words even when the spaces are narrower than the rule above asks; so does a break
between many letter gaps and several word gaps that each cluster tightly, far apart for their spread (type
under noise or a fine pen, where single gaps stray and the ratios between them do not hold). A line with
too few gaps to show such a break of its own ('Hello there') takes the break its page's other lines show
(type and a steady hand space words alike throughout). Grain and stops take no part in the gaps: a speck
in a word space would cut it in two, one far beyond the line's end would make its widest gap.
"""

from __future__ import annotations

import numpy as np

from hcr_ocr.reading.lines import Blob, TextLine
from hcr_ocr.reading.settings import DEFAULT, WordSettings
from hcr_ocr.reading.stats import median


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


def word_gap_threshold(
    gaps: np.ndarray, body_height: float, *, settings: WordSettings = DEFAULT.words
) -> float:
    """The smallest gap that separates words in this line: well over the writer's typical (median) gap
    between letters, and never under ~half a letter's height."""
    s = settings
    if len(gaps) == 0:
        return float("inf")
    typical = median(gaps) if len(gaps) >= s.min_gaps_for_median else float(np.min(gaps))
    return max(
        s.min_word_gap * body_height,
        s.word_gap_per_typical * max(typical, 0.0) + s.word_gap_extra * body_height,
    )


def natural_break(
    gaps: np.ndarray, body_height: float, hidden_gaps: int = 0, *, settings: WordSettings = DEFAULT.words
) -> float | None:
    """The gap size halfway across the widest jump between the line's sorted gaps, when that jump splits
    them into two clearly apart groups: more letter gaps below than word gaps above, the narrowest word gap
    well over both the widest and the typical letter gap (further still when it is the only one). Two or
    more word gaps far wider than every letter gap (tight type, thick marker) may be narrower than
    `break_min_gap` and stand less than `break_min_jump` above the letter gaps. Or,
    whatever the ratios, many letter gaps and two or more word gaps on the two sides of that jump that
    each cluster tightly, far apart for their spread (`_two_tight_groups`: print under noise, where single
    gaps stray). Else None. `hidden_gaps`: letter gaps closed by touching letters, counted with those
    below and towards `break_min_gaps` (not by the tight groups, which measure the gaps they see). Needs
    two gaps seen at least."""
    s = settings
    if len(gaps) + hidden_gaps < s.break_min_gaps or len(gaps) < 2 or body_height <= 0:
        return None
    ordered = np.sort(gaps)
    jumps = np.diff(ordered)
    i = int(np.argmax(jumps))
    below, above = ordered[i], ordered[i + 1]
    letter_gaps, word_gaps = i + 1 + hidden_gaps, len(ordered) - i - 1
    floor = s.break_floor * body_height
    typical = median(ordered[: i + 1])
    lone = word_gaps == 1  # one wide gap alone must stand out much further to count
    if letter_gaps < max(s.break_min_letter_gaps, word_gaps):
        return None
    if not lone and _two_tight_groups(ordered[: i + 1], ordered[i + 1 :], body_height, s):
        return float(below + above) / 2
    # tight type, thick marker: several spaces far wider than every letter gap need not be break_min_gap
    # wide nor break_min_jump wider (the ratio and the floor keep them over break_sharp_ratio * break_floor
    # body heights, and the jump over (break_sharp_ratio - 1) * break_floor); the ratio tests below then
    # hold as well
    sharp = not lone and above >= s.break_sharp_ratio * max(below, floor)
    if (
        not sharp
        and (above < s.break_min_gap * body_height or jumps[i] < s.break_min_jump * body_height)
        or above < (s.break_lone_ratio if lone else s.break_min_ratio) * max(below, floor)
        or above < (s.break_lone_typical_ratio if lone else s.break_min_typical_ratio) * max(typical, floor)
    ):
        return None
    return float(below + above) / 2


def _two_tight_groups(letter: np.ndarray, word: np.ndarray, body_height: float, s: WordSettings) -> bool:
    """Letter and word gaps that each cluster tightly, far apart for their spread (type, even under noise
    or a changed pen, where single gaps stray): enough gaps on each side for their spread to mean something,
    the distance between the groups' means at least `break_tight_separation` times that pooled spread, and
    the narrowest word gap at least `break_tight_min_gap`."""
    spread = np.sqrt((letter.var() * len(letter) + word.var() * len(word)) / (len(letter) + len(word)))
    spread = max(float(spread), s.break_tight_min_spread * body_height)
    return (
        len(word) >= s.break_tight_min_word_gaps
        and len(letter) >= max(s.break_tight_min_letter_gaps, s.break_tight_letters_per_word * len(word))
        and word[0] >= s.break_tight_min_gap * body_height
        and word.mean() - letter.mean() >= s.break_tight_separation * spread
    )


class _LineGaps:
    """A line's columns, its grain and stops apart, and the gaps between the columns."""

    def __init__(self, line: TextLine, s: WordSettings):
        body = line.body_height
        all_cols = _without_far_specks(columns(line.blobs), body, s)
        is_grain = [_is_mark(c, s.grain_max_size * body) for c in all_cols]
        only_grain = all(is_grain)  # a line of stops or specks only: they are its words' columns
        self.cols = [c for c, g in zip(all_cols, is_grain, strict=True) if only_grain or not g]
        self.grain = [c for c, g in zip(all_cols, is_grain, strict=True) if g and not only_grain]
        spans = [_span(c) for c in self.cols]
        self.gaps = np.array(
            [x0 - right for (_, right), (x0, _) in zip(spans, spans[1:], strict=False)], dtype=float
        )
        _less_grain_widths(self.gaps, spans, [_span(c) for c in self.grain])
        letter = s.letter_width * body  # columns wider than a letter hide letter gaps
        hidden = sum(max(0, round((x1 - x0) / letter) - 1) for x0, x1 in spans)
        self.natural = natural_break(self.gaps, body, hidden, settings=s) if self.cols else None


def page_word_break(lines: list[TextLine], *, settings: WordSettings = DEFAULT.words) -> float | None:
    """The page's word break in body heights: the median of the natural breaks (`natural_break`) of its
    lines where `page_break_min_lines` or more have one; else None. Type and a steady hand space words alike
    on every line, and a short line's one space may not stand out among its own letter gaps."""
    return _page_break([_LineGaps(line, settings) for line in lines], lines, settings)


def _page_break(gaps: list[_LineGaps], lines: list[TextLine], s: WordSettings) -> float | None:
    """`page_word_break` of lines whose gaps are measured."""
    found = [
        g.natural / line.body_height for g, line in zip(gaps, lines, strict=True) if g.natural is not None
    ]
    return median(found) if len(found) >= s.page_break_min_lines else None


def split_page_words(
    lines: list[TextLine], *, settings: WordSettings = DEFAULT.words
) -> list[list[list[Blob]]]:
    """Each line's blobs grouped into words (`split_words`), with the page's word break, each line's gaps
    measured once."""
    gaps = [_LineGaps(line, settings) for line in lines]
    page_break = _page_break(gaps, lines, settings)
    return [_split(line, g, page_break, settings) for line, g in zip(lines, gaps, strict=True)]


def split_words(
    line: TextLine, page_break: float | None = None, *, settings: WordSettings = DEFAULT.words
) -> list[list[Blob]]:
    """The line's blobs, grouped into words left to right. A column of specks no bigger than
    `end_speck_max_size` of the letter height at either end of the line, further than `speck_min_gap` from
    the rest, is grain, left out: its gap would be taken for the line's widest word space; so is a run of
    columns no bigger than `end_group_max_size` further than `end_group_min_gap` from the rest (coarse
    grain). Grain and stops (no bigger than `grain_max_size`) take no part in the gaps (a speck in a word
    space would cut it in two); each joins the nearest word within a word space of it (the left one when
    as near to both), or is left out. A line whose gaps show no natural break takes the page's
    (`page_word_break`, in body heights) for its gaps over it that are `page_break_ratio` times its widest
    gap under it, except beside a column narrower than `page_break_min_width` (type sets a 1 or an I in
    a wide space of its own)."""
    return _split(line, _LineGaps(line, settings), page_break, settings)


def _split(line: TextLine, lg: _LineGaps, page_break: float | None, s: WordSettings) -> list[list[Blob]]:
    """`split_words` of a line whose gaps are measured."""
    body = line.body_height
    if not lg.cols:
        return []
    cols, gaps = lg.cols, lg.gaps
    threshold = word_gap_threshold(gaps, body, settings=s)
    if lg.natural is not None:
        threshold = min(threshold, lg.natural)
    page_cut = float("inf")
    if lg.natural is None and page_break is not None and len(gaps):
        below = gaps[gaps < page_break * body]
        page_cut = max(page_break * body, s.page_break_ratio * below.max(initial=0.0))
    widths = [x1 - x0 for x0, x1 in map(_span, cols)]
    words: list[list[Blob]] = [list(cols[0])]
    for i, (gap, col) in enumerate(zip(gaps, cols[1:], strict=True)):
        beside_bar = min(widths[i], widths[i + 1]) < s.page_break_min_width * body
        if gap >= threshold or gap >= page_cut and not beside_bar:
            words.append(list(col))
        else:
            words[-1].extend(col)
    _attach_marks(lg.grain, words, min(threshold, s.speck_min_gap * body))
    return words


def _span(col: list[Blob]) -> tuple[int, int]:
    """A column's left and right ends."""
    return col[0].x0, max(b.x1 for b in col)


def _is_mark(col: list[Blob], size: float) -> bool:
    """Is the column no wider and no taller than `size`?"""
    x0, x1 = _span(col)
    return max(x1 - x0, max(b.y1 for b in col) - min(b.y0 for b in col)) <= size


def _is_speck_column(col: list[Blob], size: float) -> bool:
    """Is the column no wider than `size`, and each of its blobs no taller: a speck, or specks stacked?"""
    x0, x1 = _span(col)
    return x1 - x0 <= size and all(b.h <= size for b in col)


def _less_grain_widths(gaps: np.ndarray, spans: list[tuple[int, int]], grain: list[tuple[int, int]]) -> None:
    """Take from each gap between neighbouring columns the width of the grain that starts in it (one pass:
    both are in left-to-right order)."""
    j = 0
    for i in range(len(gaps)):
        right, nxt = spans[i][1], spans[i + 1][0]
        while j < len(grain) and grain[j][0] < right:
            j += 1
        while j < len(grain) and grain[j][0] < nxt:
            gaps[i] -= grain[j][1] - grain[j][0]
            j += 1


def _attach_marks(marks: list[list[Blob]], words: list[list[Blob]], reach: float) -> None:
    """Each mark into the nearest word less than `reach` from it; a mark further from every word is left
    out. (find_glyphs orders a word's blobs itself.)"""
    if not marks:
        return
    lefts = np.array([min(b.x0 for b in w) for w in words])
    rights = np.array([max(b.x1 for b in w) for w in words])
    for col in marks:
        x0, x1 = _span(col)
        distances = np.maximum(0, np.maximum(lefts - x1, x0 - rights))
        nearest = int(np.argmin(distances))
        if distances[nearest] < reach:
            words[nearest].extend(col)


def _without_far_specks(cols: list[list[Blob]], body: float, s: WordSettings) -> list[list[Blob]]:
    """The columns without the grain at the line's ends: the columns no bigger than `end_group_max_size`
    beyond a gap wider than `end_group_min_gap` with none bigger past it (however close they stand to each
    other), then each column of specks (`_is_speck_column`) further than `speck_min_gap` from the rest
    (all kept on a line of specks only)."""
    speck = [_is_speck_column(c, s.end_speck_max_size * body) for c in cols]
    if all(speck):
        return cols
    # a speck counts as small, so that a column that is neither stays between first and last
    small = [sp or _is_mark(c, s.end_group_max_size * body) for c, sp in zip(cols, speck, strict=True)]
    gaps = [nxt[0].x0 - _span(col)[1] for col, nxt in zip(cols, cols[1:], strict=False)]  # gaps[i]: after i
    apart, far = s.end_group_min_gap * body, s.speck_min_gap * body
    first, last = 0, len(cols) - 1
    if not all(small):  # a column bigger than small, and so no speck, stays between first and last
        for k in range(last, 0, -1):  # the run of small columns at the end, and its far gaps
            if not small[k]:
                break
            if gaps[k - 1] > apart:
                last = k - 1
        for k in range(first, last):
            if not small[k]:
                break
            if gaps[k] > apart:
                first = k + 1
    while last > first and speck[last] and gaps[last - 1] > far:
        last -= 1
    while first < last and speck[first] and gaps[first] > far:
        first += 1
    return cols[first : last + 1]
