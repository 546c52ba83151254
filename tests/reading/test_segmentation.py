"""Binarisation, deskew, lines, words and glyphs on small drawn pages with known answers (no model)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hcr_ocr.reading.binarization import binarize
from hcr_ocr.reading.deskew import estimate_skew, estimate_slant, rotate
from hcr_ocr.reading.glyphs import FinerInk, find_glyphs, punctuation
from hcr_ocr.reading.lines import Blob, TextLine, find_blobs, find_lines, split_at_necks, x_overlap
from hcr_ocr.reading.pipeline import segment_page
from hcr_ocr.reading.words import page_word_break, split_words
from tests.conftest import REPO, leaning

SAMPLES = REPO / "samples"

LETTER_H, LETTER_W = 30, 16


def page_with_words(words: list[list[int]], gap: int = 8, space: int = 40, lines: int = 1) -> np.ndarray:
    """A white page with dark 'letters' (filled ellipses); words[i] = letters per word, on each line."""
    page = np.full((80 + 70 * lines, 80 + sum(n * (LETTER_W + gap) + space for n in words)), 235, np.uint8)
    for li in range(lines):
        x, top = 40, 40 + li * 70
        for n in words:
            for _ in range(n):
                cv2.ellipse(
                    page,
                    (x + LETTER_W // 2, top + LETTER_H // 2),
                    (LETTER_W // 2, LETTER_H // 2),
                    0,
                    0,
                    360,
                    30,
                    3,
                )
                x += LETTER_W + gap
            x += space - gap
    return page


def segment(page: np.ndarray):
    ink = binarize(page)
    blobs, labels = find_blobs(ink)
    return find_lines(blobs, ink.shape), labels


def test_blank_pages_have_no_ink():
    assert binarize(np.full((200, 300), 240, np.uint8)) is None
    noisy = np.random.default_rng(0).normal(225, 5, (200, 300)).clip(0, 255).astype(np.uint8)
    assert binarize(noisy) is None


def test_uneven_light_is_flattened():
    page = page_with_words([3, 2])
    shade = np.linspace(0.45, 1.0, page.shape[1])[None, :]
    ink = binarize((page * shade).astype(np.uint8))
    blobs, _ = find_blobs(ink)
    assert len([b for b in blobs if b.area > 20]) == 5


def test_ruled_lines_are_removed_but_letters_stay():
    page = page_with_words([4], lines=2)
    for y in (75, 145):  # rules under each line, crossing the page
        cv2.line(page, (0, y), (page.shape[1] - 1, y), 60, 1)
    lines, _ = segment(page)
    assert [len(tl.blobs) for tl in lines] == [4, 4]


def test_lines_and_words():
    lines, _ = segment(page_with_words([3, 1, 4], lines=3))
    assert len(lines) == 3
    assert [[len(w) for w in split_words(tl)] for tl in lines] == [[3, 1, 4]] * 3


def test_grain_neither_decides_nor_cuts_word_spaces():
    """Three words with specks of grain: one in each word space, nearer the word on its left in the first
    and on its right in the second (it would cut the space in two), one far beyond each end of the line
    (its gap would be the line's widest, and it read as a word of its own), and a full stop right after
    the last word. The words split as without the grain; each speck in a space joins the nearer word, the
    stop ends the last word, and the far specks are left out."""
    page = page_with_words([3, 1, 4], space=28)
    lines, _ = segment(page)
    rights = [max(b.x1 for b in w) for w in split_words(lines[0])]
    bottom = int(lines[0].baseline) - 3
    x_stop = rights[2] + 3
    for x in (4, rights[0] + 5, rights[1] + 17, x_stop, page.shape[1] - 12):
        cv2.rectangle(page, (x, bottom), (x + 3, bottom + 3), 30, -1)
    lines, _ = segment(page)
    words = split_words(lines[0])
    assert [len(w) for w in words] == [3 + 1, 1, 1 + 4 + 1]
    assert min(b.x0 for b in words[0]) > 4 and max(b.x1 for b in words[-1]) == x_stop + 4


def test_a_line_of_specks_only_keeps_them():
    """A line that is nothing but specks far apart is not whittled down to one: all three are kept."""
    from hcr_ocr.reading.lines import Blob, TextLine

    specks = [Blob(i, x, 50, x + 4, 54, 16) for i, x in enumerate((10, 110, 210), start=1)]
    line = TextLine(specks, 50, 54, body_height=30.0, baseline=54.0)
    assert [[b.label for b in w] for w in split_words(line)] == [[1, 2, 3]]


def test_a_far_cluster_of_grain_at_a_line_end_is_left_out():
    """Grain far beyond a line's last word, in specks too big (half a letter) and too close to each other
    for the lone-speck rule, is left out as a whole; a small word a space away stays a word."""
    from hcr_ocr.reading.lines import Blob, TextLine

    letters = [Blob(i, x, 40, x + 20, 70, 300) for i, x in enumerate((10, 34, 58, 82), start=1)]
    small_word = Blob(5, 130, 52, 148, 70, 200)  # an 'a' 0.6 letter heights tall, 28 px after the word
    grain = [Blob(6, 230, 30, 245, 38, 60), Blob(7, 250, 75, 260, 93, 70), Blob(8, 266, 60, 280, 66, 50)]
    line = TextLine([*letters, small_word, *grain], 40, 70, body_height=30.0, baseline=70.0)
    assert [[b.label for b in w] for w in split_words(line)] == [[1, 2, 3, 4], [5]]


def test_specks_stacked_far_beyond_a_line_end_are_left_out():
    """Two specks of grain one above the other, far beyond the line's last word, make a column as tall as
    the letters but hold no ink bigger than a speck: left out, so their gap is not the line's widest and the
    line's own word space is found."""
    from hcr_ocr.reading.lines import Blob, TextLine

    xs = (10, 34, 58, 82, 106, 146, 170, 194, 218, 242)  # two words of five, a 20 px space between
    letters = [Blob(i, x, 40, x + 20, 70, 300) for i, x in enumerate(xs, start=1)]
    stacked = [Blob(11, 400, 42, 405, 47, 20), Blob(12, 401, 64, 406, 69, 20)]
    line = TextLine([*letters, *stacked], 40, 70, body_height=30.0, baseline=70.0)
    assert [[b.label for b in w] for w in split_words(line)] == [[1, 2, 3, 4, 5], [6, 7, 8, 9, 10]]


def test_a_dash_above_the_letters_is_no_hyphen():
    """A short flat mark halfway up the letters is a hyphen, and one whose bottom is level with their tops
    still is; the same mark above their tops is not."""
    from hcr_ocr.reading.lines import TextLine

    line = TextLine([], 40, 70, body_height=30.0, baseline=70.0)
    assert punctuation((100, 55, 112, 59), line) == "-"
    assert punctuation((100, 36, 112, 40), line) == "-"  # bottom 30 px (one letter height) up
    assert punctuation((100, 20, 112, 24), line) == ""


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 400), st.integers(20, 80), st.integers(2, 20), st.integers(2, 20)),
        min_size=1,
        max_size=8,
    )
)
def test_grain_at_the_ends_never_empties_a_line(boxes):
    """Whatever blobs a line holds (specks, stacked specks, dashes, letters), splitting it into words keeps
    at least one of them and every word it gives is one of its blobs' groups: no blob twice."""
    from hcr_ocr.reading.lines import Blob, TextLine

    blobs = [Blob(i, x, y, x + w, y + h, w * h) for i, (x, y, w, h) in enumerate(boxes, start=1)]
    line = TextLine(blobs, 40, 70, body_height=30.0, baseline=70.0)
    words = split_words(line)
    labels = [b.label for w in words for b in w]
    assert labels and len(labels) == len(set(labels)) <= len(blobs)


def test_widely_spaced_capitals_stay_one_word():
    lines, _ = segment(page_with_words([5], gap=14))
    assert [len(w) for w in split_words(lines[0])] == [5]


def test_deskew_finds_the_angle():
    page = page_with_words([4, 4, 4], lines=3)
    h, w = page.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), 6, 1.0)  # text rising to the right by 6°
    tilted = cv2.warpAffine(page, m, (w, h), borderValue=235)
    ink = binarize(tilted)
    angle = estimate_skew(ink)
    assert 5 <= angle <= 7
    straight = rotate(ink, angle)
    blobs, _ = find_blobs(straight)
    assert len(find_lines(blobs, straight.shape)) == 3


@pytest.mark.parametrize("name", ["print-serif-caps.png", "sentence.png", "list.png"])
def test_the_slant_of_leaning_writing_is_found_and_upright_writing_has_none(name):
    """Print and two handwriting-style samples sheared: the slant is found within 0.1 (the strokes of a
    handwriting font are not all upright to begin with; print's within 0.02)."""
    gray = cv2.imread(str(SAMPLES / name), cv2.IMREAD_GRAYSCALE)
    for slant in (0.0, 0.35, -0.25):
        ink = binarize(leaning(gray, slant))
        blobs, _ = find_blobs(ink)
        bands = [(tl.top, tl.bottom) for tl in find_lines(blobs, ink.shape)]
        found = estimate_slant(ink, bands)
        assert abs(found - slant) <= 0.1, (slant, found)


def test_blobs_that_lean_into_their_neighbours_overlap_in_x():
    line = TextLine(
        [Blob(1, 0, 0, 10, 30, 100), Blob(2, 6, 0, 16, 30, 100), Blob(3, 20, 0, 30, 30, 100)], 0, 30
    )
    assert x_overlap([line]) == 4  # 6..10; the third stands apart
    wide = TextLine(
        [Blob(1, 0, 0, 30, 30, 100), Blob(2, 5, 5, 10, 30, 100), Blob(3, 25, 0, 40, 30, 100)], 0, 30
    )
    assert x_overlap([wide, line]) == 5 + 5 + 4  # the second and third within the first blob's reach
    # an i's dot and its stem, a letter broken into a top and a bottom: one above the other
    stacked = TextLine(
        [Blob(1, 0, 0, 10, 8, 30), Blob(2, 2, 10, 12, 30, 80), Blob(3, 4, 32, 14, 50, 80)], 0, 50
    )
    assert x_overlap([stacked]) == 0


def test_dot_of_an_i_joins_its_stem_and_a_full_stop_is_punctuation():
    page = np.full((120, 200), 235, np.uint8)
    cv2.rectangle(page, (40, 50), (44, 80), 20, -1)  # stem of an i
    cv2.circle(page, (42, 40), 3, 20, -1)  # its dot
    cv2.ellipse(page, (75, 65), (12, 15), 0, 0, 360, 20, 3)  # an o beside it
    cv2.circle(page, (100, 78), 3, 20, -1)  # a full stop on the baseline
    lines, labels = segment(page)
    assert len(lines) == 1
    glyphs = find_glyphs(lines[0].blobs, labels, lines[0])
    assert len(glyphs) == 3
    assert glyphs[0].has_dot and glyphs[0].h > 35
    assert [g.punct for g in glyphs] == ["", "", "."]
    assert punctuation(glyphs[2].bbox, lines[0]) == "."


def test_the_dot_of_a_serif_i_joins_it_though_its_feet_are_wide():
    """A serif i (as DejaVu Serif's: a flag at its top, a foot; the glyph half as wide as it is tall): its
    dot is a dot, not an accent over a wide letter, so that an i opening a line reads small (print in
    DejaVu Serif read "Interesting" before)."""
    page = np.full((120, 200), 235, np.uint8)
    cv2.rectangle(page, (40, 50), (44, 80), 20, -1)  # stem
    cv2.rectangle(page, (35, 50), (44, 53), 20, -1)  # flag at its top, to the left
    cv2.rectangle(page, (35, 77), (50, 80), 20, -1)  # foot: the glyph 16 px wide, 31 px tall
    cv2.circle(page, (42, 40), 3, 20, -1)  # dot
    cv2.ellipse(page, (75, 65), (12, 15), 0, 0, 360, 20, 3)  # an o beside it
    lines, labels = segment(page)
    glyphs = find_glyphs(lines[0].blobs, labels, lines[0])
    assert len(glyphs) == 2 and glyphs[0].has_dot and glyphs[0].h > 35


def test_the_full_stop_of_bold_type_is_a_stop_and_a_piece_of_stroke_as_high_is_not():
    """A solid dot on the baseline a third of the letters' height high, as bold type's full stop is, is a
    full stop, and a solid comma as wide a comma; an outline of the same size (a broken piece of a letter)
    is neither. Read end to end, a line set in OpenCV's bold sans ends 'home.', also photographed, where
    with solid_dot_max_size at the plain stop's 0.3 it loses its stop (read 'homer', 'horned')."""
    import hcr_ocr
    from hcr_ocr.reading.lines import TextLine
    from hcr_ocr.reading.settings import DEFAULT, replace

    line = TextLine([], 40, 70, body_height=30.0, baseline=70.0)
    assert punctuation((100, 60, 110, 70), line, ink=90) == "."
    assert punctuation((100, 60, 110, 70), line, ink=40) == ""
    assert punctuation((100, 61, 108, 69), line, ink=30) == "."  # a small dot is a stop however filled
    assert punctuation((100, 58, 105, 70), line, ink=45) == ""  # the stem of an i that lost its dot
    # bold type's comma, whose head is that stop: as wide as it, where a thin comma is narrower
    assert punctuation((100, 60, 111, 74), line, ink=110) == ","
    assert punctuation((100, 60, 111, 74), line, ink=85) == ","  # its tail leaves more of the box empty
    assert punctuation((100, 60, 111, 74), line, ink=40) == ""
    page = np.full((120, 700), 235, np.uint8)
    cv2.putText(page, "Room 42, then home.", (20, 80), cv2.FONT_HERSHEY_SIMPLEX, 2.0, 40, 4, cv2.LINE_AA)
    assert hcr_ocr.read(page).text == "Room 42, then home."
    plain = replace(DEFAULT, glyphs=replace(DEFAULT.glyphs, solid_dot_max_size=0.3))
    # read as a letter, the stop makes 'homer', which the word reader reads 'home' (a line of three words)
    assert hcr_ocr.read(page, settings=plain).text == "Room 42, then home"
    # the same line as a phone photo: 3.6 times larger, light falling off, noise
    rng = np.random.default_rng(0)
    big = cv2.resize(page, None, fx=3.6, fy=3.6, interpolation=cv2.INTER_CUBIC).astype(np.float32)
    photo = np.clip(big * np.linspace(0.8, 1.05, big.shape[1])[None, :] + rng.normal(0, 9, big.shape), 0, 255)
    assert hcr_ocr.read(photo.astype(np.uint8)).text == "Room 42, then home."
    assert hcr_ocr.read(photo.astype(np.uint8), settings=plain).text == "Room 42, then horned"


def test_frame_strokes_of_a_tight_field_crop_are_dropped():
    from hcr_ocr.reading.forms import drop_frame_lines
    from hcr_ocr.reading.lines import Blob

    letters = [Blob(i + 1, 20 + 15 * i, 10, 30 + 15 * i, 25, 80) for i in range(4)]
    frame = Blob(9, 100, 0, 102, 36, 72)  # top edge to bottom edge, thin, twice the letters' height
    short_bar = Blob(10, 120, 0, 122, 20, 40)  # thin but not edge to edge: an I or l
    kept = drop_frame_lines([*letters, frame, short_bar], height=36)
    assert [b.label for b in kept] == [1, 2, 3, 4, 10]
    # in a crop as tall as its letters, an edge-to-edge stroke is a letter
    tall_letters = [Blob(i + 1, 20 + 15 * i, 0, 30 + 15 * i, 36, 80) for i in range(3)]
    assert len(drop_frame_lines([*tall_letters, Blob(9, 80, 0, 82, 36, 72)], height=36)) == 4


def test_a_speck_in_mid_air_is_no_letter():
    page = page_with_words([3])
    cv2.circle(page, (30, 52), 2, 20, -1)  # a stray dot before the word, halfway up the letters
    lines, labels = segment(page)
    glyphs = find_glyphs(lines[0].blobs, labels, lines[0])
    assert len(glyphs) == 3 and all(g.h > 25 for g in glyphs)


def test_a_full_stop_does_not_open_a_word():
    from hcr_ocr.reading.glyphs import Glyph, drop_leading_stops

    mark = np.full((3, 3), 255, np.uint8)
    stop, comma = Glyph((0, 27, 3, 30), mark, "."), Glyph((4, 27, 7, 32), mark, ",")
    letter, end = Glyph((10, 0, 26, 30), mark), Glyph((30, 27, 33, 30), mark, ".")
    assert drop_leading_stops([stop, comma, letter, end]) == [letter, end]
    assert drop_leading_stops([letter, end]) == [letter, end]


def test_type_with_narrow_word_spaces_splits_into_words():
    """Set type: letter gaps about a tenth of the letter height, word spaces about a third: the line's two
    groups of gaps split it, though the spaces are narrower than the handwriting rule asks."""
    from hcr_ocr.reading.words import natural_break

    body = 30.0
    letters, spaces = [2, 3, 1, 3, 2, 4, 3, 2, 3], [11, 12, 13]
    gaps = np.array(letters[:3] + spaces[:1] + letters[3:6] + spaces[1:] + letters[6:], dtype=float)
    assert natural_break(gaps, body) == pytest.approx((4 + 11) / 2)


def test_bold_type_whose_letters_touch_splits_at_its_narrow_spaces():
    """Bold type (a marker, heavy print): most letters touch, so the line has few gaps, and its word
    spaces are under a third of the letter height. The letters hidden in wide columns count as letter
    gaps (also towards the gaps a line needs to be judged), and spaces well apart from the letter gaps
    split the line."""
    from hcr_ocr.reading.words import natural_break

    body = 32.0
    gaps = np.array([0.03, 0.03, 0.34, 0.31, 0.28, 0.0]) * body  # "Please bring your notes", letters touching
    assert natural_break(gaps, body) is None  # too few letter gaps seen
    assert natural_break(gaps, body, hidden_gaps=12) == pytest.approx((0.03 + 0.28) / 2 * body)
    short = np.array([0.06, 0.38, 0.06, 0.06]) * body  # "PAGE ONE": PAG one blob, four gaps seen
    assert natural_break(short, body) is None
    assert natural_break(short, body, hidden_gaps=1) == pytest.approx((0.06 + 0.38) / 2 * body)
    assert natural_break(np.array([0.38]) * body, body, hidden_gaps=6) is None  # one gap: nothing to split
    # "NOTICE TO ALL STAFF" in bold serif capitals under a marker: every letter gap closed, the spaces a
    # fifth to a quarter of the letter height
    serif = np.array([0.0, 0.26, 0.26, 0.0, 0.18, 0.0]) * body
    assert natural_break(serif, body, hidden_gaps=8) == pytest.approx(0.18 / 2 * body)


def test_a_thick_markers_narrow_spaces_split_however_small_the_jump():
    """A thick marker eats into every gap: the spaces of "MEET AT SIX BY THE OLD MILL" (five letters hidden
    in touching pairs) are 0.24-0.38 of the letter height and only 5 px wider than the widest letter gap,
    but two or more of them 2.3 times that gap split the line. One such gap alone does not."""
    from hcr_ocr.reading.words import natural_break

    body = 34.0
    letters = [3, 1, 1, 2, 2, 1, 3, 1, 0]
    marker = np.array([3, 1, 8, 11, 1, 2, 13, 8, 2, 12, 1, 13, 3, 1, 0], dtype=float)
    assert natural_break(marker, body, hidden_gaps=5) == pytest.approx((3 + 8) / 2)
    assert natural_break(np.array([*letters, 8], dtype=float), body, hidden_gaps=5) is None


def test_type_under_noise_splits_at_two_tight_groups_of_gaps():
    """Print under grain or a thinned pen: single gaps stray (a speck on a letter's edge, an A beside a T),
    so the widest jump between the sorted gaps is small (0.12 letter heights) and the narrowest space is
    only 1.5 times the widest letter gap, yet the line's many letter gaps and its word gaps each cluster
    tightly and far apart: the line splits between them. A name's few gaps never do."""
    from hcr_ocr.reading.settings import WordSettings
    from hcr_ocr.reading.words import natural_break

    body = 31.0
    letters = [0.23, 0.16, 0.13, 0.10, 0.13, 0.10, 0.13, 0.13, 0.06, 0.16, 0.16, 0.13]  # "MEET AT SIX BY ..."
    spaces = [0.48, 0.35, 0.48, 0.42, 0.52, 0.48]
    gaps = np.array(letters + spaces) * body  # the order along the line does not matter
    assert natural_break(gaps, body) == pytest.approx((0.23 + 0.35) / 2 * body)
    name = np.array([0.30, 0.35, 0.52, 0.33, 0.56, 0.31]) * body  # as tight, but too few gaps to judge
    assert natural_break(name, body) is None
    loose = WordSettings(break_tight_min_letter_gaps=1, break_tight_letters_per_word=1.0)
    assert natural_break(name, body, settings=loose) is not None  # the counts are what keep it one word


def test_one_wide_gap_in_a_handwritten_name_is_no_word_space():
    """Block capitals with uneven spacing (a name's letter gaps of 0.2-0.7 letter heights and one of 1.2)
    stay one word: the gaps do not fall in two clearly apart groups."""
    from hcr_ocr.reading.words import natural_break

    body = 40.0
    assert natural_break(np.array([0.36, 0.55, 0.73, 1.18, 0.64, 0.64]) * body, body) is None
    assert natural_break(np.array([0.33, 0.33, 0.25, 0.58, 0.25, 0.67]) * body, body) is None


def test_a_field_crop_with_a_wide_space_is_one_block():
    """A name on a form: two words 4 letter heights apart on a 40-px crop stay one block; the same layout
    stacked into a page of several lines with a gutter becomes two columns."""
    from hcr_ocr.reading.lines import Blob
    from hcr_ocr.reading.regions import find_blocks

    def letters(x0: int, y0: int, n: int) -> list[Blob]:
        return [Blob(0, x0 + 25 * i, y0, x0 + 25 * i + 18, y0 + 20, 150) for i in range(n)]

    crop = letters(5, 10, 4) + letters(5 + 100 + 80, 10, 5)
    assert find_blocks(crop) == [crop]
    page = [b for row in range(8) for b in letters(5, 10 + 40 * row, 4) + letters(185, 10 + 40 * row, 5)]
    left, right = find_blocks(page)
    assert all(b.x1 < 120 for b in left) and all(b.x0 > 180 for b in right)
    assert len(left) + len(right) == len(page)


def test_a_ruled_line_a_degree_askew_is_removed():
    """A ruled line drawn one degree off level between two lines of paragraph.png leaves no ink in the
    band between them: rules are found with a few pixels of slack across their length."""
    page = cv2.imread(str(SAMPLES / "paragraph.png"), cv2.IMREAD_GRAYSCALE)
    width = page.shape[1]
    cv2.line(page, (0, 60), (width - 1, 60 + int(width * np.tan(np.radians(1.0)))), 120, 2)
    ink = binarize(page)
    assert not ink[52:78].any()


def test_a_label_alone_on_its_line_may_have_touching_letters_but_one_wide_stroke_is_no_label():
    """A whole line of bold, tight glyphs is a printed label when it makes three letters, a glyph as wide as
    two letters counting as two ("NO" touching, then "M"); one wide glyph alone (a word written joined up
    with a marker, a rule) is not, nor are the two touching letters when other writing follows them."""
    from hcr_ocr.reading.glyphs import Glyph, printed_runs

    def solid(x0: int, w: int, h: int = 10) -> Glyph:
        return Glyph((x0, 0, x0 + w, h), np.full((h, w), 255, np.uint8))

    label = [solid(0, 18), solid(19, 9)]
    assert [[g.bbox for g in run] for run in printed_runs(label)] == [[(0, 0, 18, 10), (19, 0, 28, 10)]]
    assert printed_runs([solid(0, 90, h=22)]) == []
    assert printed_runs([solid(0, 400, h=3), solid(401, 300, h=3)]) == []
    assert printed_runs([*label, solid(60, 10)]) == []


def test_a_crop_so_tight_that_its_one_line_touches_the_edge_keeps_it():
    """A line cut by the top or bottom edge is a neighbouring field's, and is left out; but where it is the
    crop's only line, the crop was cut tight around the writing, and the line is read."""
    page = page_with_words([3, 2])
    top = 40 + LETTER_H // 3  # the letters' upper third cut off
    lines, _ = segment(page[top:])
    assert len(lines) == 1 and len(lines[0].blobs) == 5
    two = page_with_words([3, 2], lines=2)
    cut_both = two[top : 40 + 70 + LETTER_H - LETTER_H // 3]  # the first line's top and the second's bottom
    assert segment(cut_both)[0] == []  # two cut lines: neither is known to be the writing


def test_the_feet_of_a_line_cut_off_at_the_top_are_left_out():
    """Blobs cut by the top or bottom edge and under half a letter tall are the remnants of writing outside
    the crop; a letter of the crop's own line that touches the bottom edge keeps most of its height."""
    from hcr_ocr.reading.forms import drop_edge_remnants
    from hcr_ocr.reading.lines import Blob

    letters = [Blob(i + 1, 20 + 15 * i, 12, 30 + 15 * i, 32, 100) for i in range(5)]
    feet = [Blob(6, 30, 0, 38, 4, 20), Blob(7, 60, 0, 70, 6, 25)]  # cut by the top edge, low
    grazing = Blob(8, 95, 22, 105, 40, 90)  # a letter of the line, touching the bottom edge
    kept = drop_edge_remnants([*letters, *feet, grazing], {6, 7, 8})
    assert [b.label for b in kept] == [1, 2, 3, 4, 5, 8]
    many = [Blob(10 + i, 100 + 12 * i, 0, 108 + 12 * i, 7, 20) for i in range(8)]  # a row of feet, 7 px
    kept = drop_edge_remnants([*letters[:3], *many], {b.label for b in many})  # more feet than letters
    assert [b.label for b in kept] == [1, 2, 3]  # the feet are measured against the letters, not themselves


def test_where_every_line_touches_an_edge_the_one_that_grazes_it_is_read():
    """A crop cut through the field above (every blob of that line at the top edge) and tight under the
    name (three of its six letters touch the bottom edge, most of its ink): the name's line is kept, the
    cut field is not."""
    from hcr_ocr.reading.lines import Blob

    above = [Blob(i + 1, 10 + 14 * i, 0, 20 + 14 * i, 8, 40) for i in range(8)]
    name = [
        Blob(20 + i, 30 + 16 * i, 22, 42 + 16 * i, 40 if i % 2 else 38, 100 if i % 2 else 60)
        for i in range(6)
    ]
    lines = find_lines([*above, *name], (40, 200))
    assert [sorted(b.label for b in ln.blobs) for ln in lines] == [[20, 21, 22, 23, 24, 25]]


def test_a_speck_apart_under_a_letter_is_left_out():
    """Grain under a letter, apart from it and below the baseline, does not join the letter (its box and
    normalised image would be wrong); a tail broken off a g just under the bowl still joins it."""
    from hcr_ocr.reading.glyphs import group_blobs
    from hcr_ocr.reading.lines import Blob

    body, baseline = 30.0, 40.0
    stem = Blob(1, 10, 10, 16, 40, 180)  # an l standing on the baseline
    speck = Blob(2, 11, 50, 14, 53, 9)  # 10 px under it
    assert group_blobs([stem, speck], body, baseline) == ([[stem]], set())
    near, far = Blob(5, 11, 44, 14, 47, 9), Blob(6, 11, 54, 14, 57, 9)  # pieces of a broken stroke, each
    for order in ([stem, near, far], [stem, far, near]):  # close under the last: all join, in any order
        assert group_blobs(order, body, baseline)[0] == [[stem, near, far]]
    bowl = Blob(3, 30, 20, 50, 40, 300)  # the bowl of a g ...
    tail = Blob(4, 32, 43, 50, 52, 60)  # ... and its tail, 3 px under it
    groups, _ = group_blobs([bowl, tail], body, baseline)
    assert groups == [[bowl, tail]]


def test_the_glyphs_of_tiny_writing_are_cut_again_from_the_page_enlarged():
    """The list shrunk to a third (letters ~10 px) gets a finer page, some three times its size; each letter
    glyph's mask there is its box enlarged, holding ink; a glyph with no ink on the finer page keeps its own
    mask. The list at its own size (letters ~30 px) has no finer page."""
    page = cv2.imread(str(SAMPLES / "list.png"), cv2.IMREAD_GRAYSCALE)
    layout = segment_page(cv2.resize(page, None, fx=0.35, fy=0.35, interpolation=cv2.INTER_AREA))
    finer = layout.finer
    assert finer is not None and 2.5 < finer.factor < 4.0
    letters = [g for w in layout.words() for g in w if not g.punct]
    for g in letters:
        mask = finer.mask_of(g)
        assert abs(mask.shape[0] - g.h * finer.factor) <= 2 and abs(mask.shape[1] - g.w * finer.factor) <= 2
        assert np.count_nonzero(mask) >= 0.3 * np.count_nonzero(g.mask) * finer.factor**2
    blank = FinerInk(np.zeros_like(finer.ink), finer.factor)
    assert all(blank.mask_of(g) is g.mask for g in letters)
    for g in letters:  # placed on the finer page (as the word reader takes them), either mask fills its box
        for ink in (finer, blank):
            (x0, y0, x1, y1), mask = ink.placed_mask_of(g)
            assert (x0, y0) == (int(g.bbox[0] * finer.factor), int(g.bbox[1] * finer.factor))
            assert mask.shape == (y1 - y0, x1 - x0)
    assert segment_page(page).finer is None


def spaced_line(gaps: list[int], widths: list[int] | None = None, top: int = 0) -> TextLine:
    """A line of letter blobs 30 px tall (body 30), 16 px wide unless `widths` says, with these gaps."""
    widths = widths or [16] * (len(gaps) + 1)
    blobs, x = [], 10
    for i, (w, gap) in enumerate(zip(widths, [*gaps, 0], strict=True)):
        blobs.append(Blob(i + 1, x, top, x + w, top + 30, 100))
        x += w + gap
    return TextLine(blobs, top, top + 30, body_height=30.0, baseline=float(top + 30))


def test_a_short_line_takes_the_word_space_the_pages_other_lines_show():
    """Type: 'TICKETS traffic' alone on its line has one space, 13 px (0.43 body), under the 0.45 body a
    lone space needs and under twice its widest letter gap (8 px): one word. Two lines above show spaces
    of type clearly apart from their letter gaps (natural breaks 0.37 and 0.42 body); on the page the
    short line's space is a space, being over the page's break and 1.5 times its widest letter gap."""
    short_gaps = [2, 3, 3, 4, 5, 8, 13, 3, 4, 2, 3, 5, 3, 2]
    short = spaced_line(short_gaps)
    assert [len(w) for w in split_words(short)] == [15]
    words = [2, 3, 3, 2, 4, 3, 2, 3, 2, 3, 4, 3, 2]
    above = [
        spaced_line([*words, 15, *words, 15, *words], top=100),
        spaced_line([*words, 17, *words], top=200),
    ]
    page_break = page_word_break([*above, short])
    assert page_break == pytest.approx(((15 + 4) / 2 + (17 + 4) / 2) / 2 / 30)
    assert [len(w) for w in split_words(short, page_break)] == [7, 8]
    # one line with a break is no page's spacing
    assert page_word_break([above[0], short]) is None
    # a gap beside a narrow column (a tabular 1, an I) stays a letter gap: '12' is no '1 2'
    narrow = spaced_line(short_gaps, widths=[16] * 7 + [5] + [16] * 7)
    assert [len(w) for w in split_words(narrow, page_break)] == [15]


def _rings(thickness: int, bridge: int, second_below: bool = False) -> np.ndarray:
    """Two thick rings (letters O of a marker) apart, the second beside the first or under its right side,
    joined by a thin stroke `bridge` px wide."""
    ink = np.zeros((150, 180), np.uint8)
    first, second = (40, 40), ((55, 105) if second_below else (115, 40))
    cv2.line(ink, first, second, 255, bridge)
    for centre in (first, second):
        cv2.circle(ink, centre, 22, 0, -1)
        cv2.circle(ink, centre, 22, 255, thickness)
    return ink


def test_letters_a_thick_pen_ran_together_are_parted_at_the_neck():
    """Two rings of 12 px strokes joined by a neck of a few px: one blob, parted into the two rings, each whole."""
    ink = _rings(12, 1)
    blobs, labels = find_blobs(ink)
    assert len(blobs) == 1
    parted, parted_labels = split_at_necks(ink, blobs, labels)
    assert len(parted) == 2
    left, right = sorted(parted, key=lambda b: b.x0)
    assert left.x1 <= 80 and right.x0 >= 75  # the neck is shared out, neither ring reaches into the other
    assert np.array_equal(parted_labels > 0, ink > 0)  # every ink pixel keeps a label
    assert sum(b.area for b in parted) == np.count_nonzero(ink)


def test_thin_strokes_and_stacked_parts_are_not_parted():
    """The same shapes in a 4 px pen (too few pixels across to tell a neck from a stroke), and thick rings
    one under the other (pieces of one letter, like a 6's loop under its stem), stay one blob each."""
    for ink in (_rings(4, 1), _rings(12, 1, second_below=True)):
        blobs, labels = find_blobs(ink)
        assert len(blobs) == 1
        assert split_at_necks(ink, blobs, labels)[0] == blobs


def test_a_chain_of_more_cores_than_a_word_has_stays_whole():
    """Thirteen thick rings in a chain, each joined to the next by a thin neck: more cores than
    neck_max_cores (12), a blot or a texture rather than letters run together, so it stays one blob; cut
    to twelve rings, it is parted into twelve."""
    ink = np.zeros((80, 13 * 70 + 20), np.uint8)
    centres = [(45 + 70 * i, 40) for i in range(13)]
    cv2.line(ink, centres[0], centres[-1], 255, 1)
    for centre in centres:
        cv2.circle(ink, centre, 22, 0, -1)
        cv2.circle(ink, centre, 22, 255, 12)
    blobs, labels = find_blobs(ink)
    assert len(blobs) == 1
    assert split_at_necks(ink, blobs, labels)[0] == blobs
    twelve = ink[:, : 12 * 70 + 10].copy()
    blobs, labels = find_blobs(twelve)
    assert len(blobs) == 1
    assert len(split_at_necks(twelve, blobs, labels)[0]) == 12
