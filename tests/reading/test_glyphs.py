"""Cuts and joins offered for glyphs, on small made-up masks with known answers (no model)."""

from __future__ import annotations

import numpy as np

from hcr_ocr.reading.glyphs import Glyph, join_candidates, oversegment, split_candidates


def glyph_of(mask: np.ndarray, x0: int = 0, y0: int = 0) -> Glyph:
    h, w = mask.shape
    return Glyph((x0, y0, x0 + w, y0 + h), mask)


def two_rings_touching(gap_ink_rows: int = 2) -> np.ndarray:
    """Two 12-px-wide 'o's, 24 px tall, touching through a thin bridge at column 12."""
    mask = np.zeros((24, 25), np.uint8)
    for x0 in (0, 13):
        mask[:, x0 : x0 + 12] = 255
        mask[3:21, x0 + 3 : x0 + 9] = 0
    mask[11 : 11 + gap_ink_rows, 12] = 255
    return mask


def test_a_glyph_as_wide_as_two_letters_is_offered_cut_at_its_thinnest_column():
    glyph = glyph_of(two_rings_touching())
    options = split_candidates(glyph, letter_width=12)
    assert options, "a 25-px glyph among 12-px letters may be two"
    first = options[0]
    assert len(first) == 2
    left, right = first
    # the best cut is at the bridge (column 12): the first ring alone, the second with the bridge's pixels
    assert left.bbox == (0, 0, 12, 24) and right.bbox == (12, 0, 25, 24)


def test_a_glyph_of_letter_width_is_not_cut():
    assert split_candidates(glyph_of(np.full((24, 14), 255, np.uint8)), letter_width=12) == []
    # a punctuation mark is never cut, however wide
    dash = Glyph((0, 0, 40, 3), np.full((3, 40), 255, np.uint8), punct="-")
    assert split_candidates(dash, letter_width=12) == []


def test_three_letters_wide_is_also_offered_in_three():
    mask = np.concatenate(
        [two_rings_touching(), np.zeros((24, 1), np.uint8), two_rings_touching()[:, :12]], 1
    )
    options = split_candidates(glyph_of(mask), letter_width=12)
    assert sorted({len(o) for o in options}) == [2, 3]


def test_oversegment_cuts_at_valleys_finer_than_a_letter_and_offers_runs():
    glyph = glyph_of(two_rings_touching(), x0=100, y0=50)
    cuts, runs = oversegment(glyph, letter_width=12, wide=1.3)
    assert cuts[0] == 0 and cuts[-1] == glyph.w and cuts == sorted(cuts)
    assert 12 in cuts or 13 in cuts  # the bridge between the rings is a valley
    spacing = max(2, int(0.3 * 12))
    assert all(b - a >= spacing for a, b in zip(cuts[1:-2], cuts[2:-1], strict=True))
    # every run of one to three neighbouring pieces, but not the whole glyph, keyed by its cut indexes
    n = len(cuts) - 1
    assert (0, n) not in runs
    assert all(1 <= j - i <= 3 for i, j in runs)
    for (i, j), piece in runs.items():
        assert 100 + cuts[i] <= piece.bbox[0] and piece.bbox[2] <= 100 + cuts[j]
        assert piece.mask.shape == (piece.h, piece.w) and piece.mask.any()


def test_oversegment_leaves_a_narrow_glyph_whole():
    glyph = glyph_of(np.full((24, 12), 255, np.uint8))
    assert oversegment(glyph, letter_width=12, wide=1.3) == ([0, 12], {})


def test_join_candidates_only_for_narrow_close_neighbours_in_words_of_four_or_more():
    def bar(x0: int, x1: int) -> Glyph:
        return glyph_of(np.full((20, x1 - x0), 255, np.uint8), x0=x0)

    word = [bar(0, 5), bar(6, 11), bar(25, 35), bar(45, 55), bar(65, 75)]
    joined = join_candidates(word, letter_width=10)
    assert list(joined) == [0]
    assert joined[0].bbox == (0, 0, 11, 20)
    assert joined[0].mask[:, 5].sum() == 0 and joined[0].mask[:, :5].all() and joined[0].mask[:, 6:].all()
    # too few gaps to know the word's usual spacing
    assert join_candidates(word[:3], letter_width=10) == {}
    # pieces that together are wider than 1.5 letters are two letters
    assert join_candidates([bar(0, 9), bar(10, 19), *word[2:]], letter_width=10) == {}


def test_a_stroke_standing_above_its_neighbour_is_offered_joined_in_any_word():
    """The flag of a 5 written apart from its body, over the body's right edge: the two are offered as one
    glyph even in a two-glyph word and however wide together; side-by-side neighbours of the same width
    are not."""
    body = glyph_of(np.full((24, 18), 255, np.uint8), x0=0, y0=10)
    flag = glyph_of(np.full((8, 20), 255, np.uint8), x0=14, y0=3)  # rows 3-11: 1 row shared with the body
    joined = join_candidates([body, flag], letter_width=12)
    assert list(joined) == [0]
    assert joined[0].bbox == (0, 3, 34, 34)
    assert (
        joined[0].mask[0, 14:].all() and joined[0].mask[-1, :18].all() and not joined[0].mask[-1, 18:].any()
    )
    beside = glyph_of(np.full((24, 18), 255, np.uint8), x0=16, y0=10)  # overlaps in x, on the same rows
    assert join_candidates([body, beside], letter_width=12) == {}
    low_flag = glyph_of(np.full((8, 20), 255, np.uint8), x0=14, y0=8)  # 6 rows of 8 shared: beside it
    assert join_candidates([body, low_flag], letter_width=12) == {}
