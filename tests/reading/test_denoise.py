"""Polarity and noise: light writing on a dark ground, salt and pepper, sensor grain, all read like the clean
page; noise measured in grey levels; a page of pure noise read in bounded time; a blurred page sharpened."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import hcr_ocr
from hcr_ocr.data.degradations import degrade
from hcr_ocr.page import Page
from hcr_ocr.reading.binarization import binarize, flatten_background
from hcr_ocr.reading.denoise import (
    deblur,
    denoise,
    edge_blur,
    impulse_share,
    is_inverted,
    noise_sigma,
    sharpen,
)
from hcr_ocr.reading.settings import DEFAULT, replace
from tests.conftest import REPO

# as before stage 12: where the stage under test decides the reading, the glyph reader's reading
GLYPHS_ONLY = replace(DEFAULT, word_reader=replace(DEFAULT.word_reader, enabled=False))

SAMPLES = REPO / "samples"
PARAGRAPH = "DEAR TOM\nTHANK YOU FOR THE LOVELY GIFT\nSEE YOU NEXT WEEK\nLOVE ANNA"


def sample(name: str) -> np.ndarray:
    return cv2.imread(str(SAMPLES / f"{name}.png"), cv2.IMREAD_GRAYSCALE)


def with_grain(gray: np.ndarray, sigma: float, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.clip(gray + rng.normal(0, sigma, gray.shape), 0, 255).astype(np.uint8)


def with_salt_and_pepper(gray: np.ndarray, share: float, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    out, draw = gray.copy(), rng.random(gray.shape)
    out[draw < share / 2] = 0
    out[(draw >= share / 2) & (draw < share)] = 255
    return out


def test_the_noise_measure_gives_the_grain_in_grey_levels():
    flat = np.full((300, 400), 180.0)
    for sigma in (10, 20, 30):
        assert noise_sigma(with_grain(flat, sigma)) == pytest.approx(sigma, rel=0.1)
    assert noise_sigma(np.full((300, 400), 180, np.uint8)) == 0.0


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 4080), min_size=1, max_size=60), st.integers(0, 2000))
def test_the_counted_median_is_the_median(values, zeros):
    """The noise measure counts its whole-number residuals rather than partitioning them (blank paper's
    many equal zeros made the partition several times slower): the same median, odd or even count."""
    from hcr_ocr.reading.stats import count_median, median

    residuals = np.array(values + [0] * zeros)
    assert count_median(residuals) == median(residuals) == float(np.median(residuals))


def test_impulse_noise_is_told_from_thin_strokes():
    lines = np.full((200, 200), 240, np.uint8)
    lines[::10, :] = 20  # one-pixel rules: every pixel has neighbours like it
    assert impulse_share(lines) == 0.0
    assert impulse_share(with_salt_and_pepper(np.full((200, 200), 200, np.uint8), 0.08)) > 0.02


def test_heavy_grain_is_not_taken_for_salt_and_pepper():
    """Grain of sigma 40 leaves no pixel as far beyond all its neighbours as salt and pepper does, so it
    is smoothed, not median-filtered (which wears away the thin strokes of small print)."""
    grain = with_grain(np.full((200, 200), 180.0), 40)
    assert impulse_share(grain) < DEFAULT.denoise.impulse_min_share
    assert impulse_share(with_salt_and_pepper(grain, 0.03)) > DEFAULT.denoise.impulse_min_share


def test_light_writing_on_a_dark_board_reads_as_the_dark_on_light_page():
    board = 255 - sample("paragraph")
    assert is_inverted(board) and not is_inverted(sample("paragraph"))
    assert hcr_ocr.read(board).text == PARAGRAPH


def test_a_sheet_photographed_on_a_darker_desk_is_not_a_board():
    """The paper takes a ninth of the frame, so the bright side is the minority, as on a board: but it is
    one solid region, a sheet of paper, and the page is read as it is."""
    page = sample("paragraph")
    h, w = page.shape
    desk = np.full((3 * h, 3 * w), 90, np.uint8)
    desk[h : 2 * h, w : 2 * w] = page
    assert not is_inverted(desk)
    assert hcr_ocr.read(desk).text == PARAGRAPH


def test_a_page_of_pure_noise_is_neither_inverted_nor_read_as_a_board():
    noise = with_grain(np.full((300, 400), 128.0), 40)
    assert not is_inverted(noise)


@pytest.mark.parametrize(("noise", "level"), [("grain", 30), ("salt-and-pepper", 0.08)])
def test_a_noisy_page_reads_like_the_clean_one(noise, level):
    """Denoised, the page's glyphs read as the clean page's. (The word reader, stage 12, reads the grainy
    page's M of TOM as RI: a known loss, models/README.md.)"""
    gray = sample("paragraph")
    noisy = with_grain(gray, level) if noise == "grain" else with_salt_and_pepper(gray, level)
    assert hcr_ocr.read(noisy, settings=GLYPHS_ONLY).text == PARAGRAPH


def test_a_noisy_printed_page_is_read_without_an_internal_error():
    """The crash of issue 10: on a noisy page of print, a word whose glyphs were all dropped stopped the
    reader with a matmul error. Every noise level gives a Page."""
    gray = sample("print-sans-caps")
    for seed, sigma in enumerate((15, 30, 45, 60)):
        page = hcr_ocr.read(with_salt_and_pepper(with_grain(gray, sigma, seed), 0.05, seed))
        assert isinstance(page, Page)


def test_the_desk_beside_the_paper_is_no_writing():
    """A 4000x3000 photo of note.png, slightly keystoned, with the darker desk showing in a wedge along the
    left side as tall as the photo: the wedge is left out and the two lines are read (before, they came out
    as "1 jl.ll.ll.")."""
    note = cv2.resize(sample("note"), None, fx=4.5, fy=4.5, interpolation=cv2.INTER_CUBIC)
    canvas = np.full((3000, 4000), 225, np.uint8)
    canvas[600 : 600 + note.shape[0], 500 : 500 + note.shape[1]] = note
    corners = np.float32([[0, 0], [4000, 0], [4000, 3000], [0, 3000]])
    moved = np.float32([[80, 40], [3950, 0], [4000, 3000], [0, 2950]])
    warp = cv2.getPerspectiveTransform(corners, moved)
    photo = cv2.warpPerspective(canvas, warp, (4000, 3000), borderValue=120)
    page = hcr_ocr.read(with_grain(photo * np.linspace(0.75, 1.05, 4000)[None, :], 7))
    assert len(page.lines) == 2 and page.lines[1].text == "at 7 tonight"


def test_film_grain_over_handwriting_is_left_out():
    """Clumped film grain (the `speckle` condition) crosses the threshold in blobs the size of pen dots:
    it is smoothed by non-local means (on a one-line page 92 px tall too), the small blobs no darker than
    grain go, and the hand-written sample pages read at CER 0.096 (0.510 when the grain was kept; 0.253
    when the grain was smoothed by a gaussian, which washed out thin strokes; 0.176 before pages under 96
    px were measured for clumps)."""
    from hcr_ocr.data.degradations import degrade
    from hcr_ocr.evaluate.bench import load_bench_set, score_texts

    pages = [(p, t) for p, t in load_bench_set(SAMPLES) if not p.stem.startswith("print-")]
    texts = [
        hcr_ocr.read(degrade(sample(p.stem), "speckle", 0, i, "hand")).text for i, (p, _) in enumerate(pages)
    ]
    assert len(pages) == 11
    assert score_texts(texts, [t for _, t in pages])["cer"] <= 0.10


def test_a_stop_as_faint_as_grain_is_no_stop():
    """A dot at the baseline after 'Hello' reads as a full stop when it is as dark as the word's ink, and is
    left out when its darkest pixel reaches under `mark_min_darkness` of that ink's depth below the paper
    (grain). On the paragraph sample in film grain (the `speckle` condition) no clump is read as a stop; with
    the rule off, 'FOR.' and 'GIFT.'."""
    from hcr_ocr.data.degradations import degrade
    from hcr_ocr.reading.settings import replace

    hello = sample("word-hello")
    ink, paper = float(np.percentile(hello[hello < 128], 10)), float(np.median(hello))
    for depth, text in ((1.0, "Hello."), (0.7, "Hello."), (0.5, "Hello")):
        dotted = hello.copy()
        cv2.circle(dotted, (212, 82), 3, round(paper - depth * (paper - ink)), -1)
        assert hcr_ocr.read(dotted).text == text
    grainy = degrade(sample("paragraph"), "speckle", 0, 6, "samples")
    assert hcr_ocr.read(grainy).text.split("\n")[1] == "THANK YOU FOR THE LOVELY GIFT"
    off = replace(DEFAULT, glyphs=replace(DEFAULT.glyphs, mark_min_darkness=0.0))
    assert hcr_ocr.read(grainy, settings=off).text.split("\n")[1] == "THANK YOU FOR. THE LOVELY GIFT."


def test_grain_blobs_go_and_dark_dots_stay():
    """On a page of many small blobs, a small blob as faint as grain is dropped; a small blob as dark as the
    strokes (a full stop) and every stroke stay. A page with few small blobs is left as it is."""
    from hcr_ocr.reading.binarization import drop_grain
    from hcr_ocr.reading.settings import DEFAULT

    flat = np.full((120, 400), 230, np.uint8)
    ink = np.zeros_like(flat)
    for x in range(20, 380, 60):  # six strokes, 4 px wide, as dark as ink gets
        ink[20:100, x : x + 4] = 255
    ink[104:108, 300:304] = 255  # a full stop, as dark
    flat[ink > 0] = 40
    faint = [(10 + 17 * k, 110) for k in range(14)] + [(40 + 23 * k, 8) for k in range(14)]
    for x, y in faint:  # 28 small blobs only a little darker than the paper
        ink[y : y + 3, x : x + 3] = 255
        flat[y : y + 3, x : x + 3] = 160
    kept = drop_grain(ink, flat, 230.0, 40.0, 4.0, DEFAULT.binarization)
    assert cv2.connectedComponents(kept)[0] - 1 == 7  # six strokes and the full stop
    assert kept[104:108, 300:304].all() and not kept[110:113, 10:13].any()
    few = np.zeros_like(ink)
    few[:100] = ink[:100]
    few[8:11, 86:] = 0  # the strokes and two of the faint blobs: too few small blobs for a grainy page
    few[104:108, 300:304] = 255
    assert np.array_equal(drop_grain(few, flat, 230.0, 40.0, 4.0, DEFAULT.binarization), few)


def test_edge_blur_grows_with_the_blur_a_page_went_through():
    bars = np.full((200, 300), 230, np.uint8)
    for x in range(20, 280, 30):
        cv2.rectangle(bars, (x, 40), (x + 12, 160), 30, -1)
    assert edge_blur(bars) < 1.0  # measured 0.80; 1.99 and 2.55 blurred by 2.5 and 4 (the paper flattened
    assert 1.8 < edge_blur(cv2.GaussianBlur(bars, (0, 0), 2.5)) < 2.2  # first takes a little off)
    assert 2.3 < edge_blur(cv2.GaussianBlur(bars, (0, 0), 4.0)) < 2.8
    assert edge_blur(np.full((200, 300), 230, np.uint8)) == 0.0  # nothing to measure


@pytest.mark.parametrize(
    ("name", "text"), [("paragraph", PARAGRAPH), ("keys", (SAMPLES / "keys.gt.txt").read_text().strip())]
)
def test_a_page_out_of_focus_is_sharpened_and_read_like_the_sharp_one(name, text):
    """Sharpened, the page's glyphs read as the sharp page's. (The word reader, stage 12, reads the blurred
    paragraph's M of TOM as N: a known loss, models/README.md.)"""
    blurred = cv2.GaussianBlur(sample(name), (0, 0), 2.5)
    assert hcr_ocr.read(blurred, settings=GLYPHS_ONLY).text == text


def test_a_page_of_small_print_out_of_focus_is_deconvolved_and_reads_as_sharp():
    """Blurred by 2.5 px, the serif print's e closes its eye and reads c, and its T splits in two; undoing
    the blur measured at its edges (Richardson-Lucy) brings them back, where an unsharp mask did not."""
    text = (SAMPLES / "print-serif-mixed.gt.txt").read_text().strip()
    blurred = cv2.GaussianBlur(sample("print-serif-mixed"), (0, 0), 2.5)
    assert hcr_ocr.read(blurred).text == text
    masked_only = replace(GLYPHS_ONLY, denoise=replace(DEFAULT.denoise, deblur_max_noise=0.0))
    assert hcr_ocr.read(blurred, settings=masked_only).text == (
        "771c mccung moved Co Friday\nPlease bang your nolcs"
    )


def test_deconvolution_opens_a_gap_the_blur_closed():
    """Two bars 2 px apart, blurred by 1.5 px, binarise as one blob; deconvolved with the blur measured at
    their edges, as two again, with steeper edges."""
    bars = np.full((120, 120), 240, np.uint8)
    bars[30:90, 50:54] = bars[30:90, 56:60] = 40
    blurred = cv2.GaussianBlur(bars, (0, 0), 1.5)
    restored = deblur(flatten_background(blurred), edge_blur(blurred), DEFAULT.denoise.deblur_iterations)
    assert cv2.connectedComponents(binarize(blurred))[0] - 1 == 1
    assert cv2.connectedComponents(binarize(restored))[0] - 1 == 2
    assert edge_blur(restored) < 0.7 * edge_blur(blurred)


def test_a_noisy_page_measured_blurred_is_not_deconvolved():
    """The note in ink at 30% of its darkness on grainy paper measures blurred (its grain is strong for its
    contrast); deconvolution would turn the grain into specks ('Meet file at the park', a stray '0'): it
    gets the unsharp mask, and reads as written."""
    faint = degrade(sample("note"), "ink-30", 0, 11, "samples")
    assert sharpen(faint) is not faint
    assert hcr_ocr.read(faint).text == "Meet me at the park\nat 7 tonight"
    deconvolved = replace(GLYPHS_ONLY, denoise=replace(DEFAULT.denoise, deblur_max_noise=1.0))
    assert hcr_ocr.read(faint, settings=deconvolved).text == "Meet file at the park\nat 7 tonight\n0"


def test_big_writing_enlarged_is_soft_in_pixels_only_and_left_as_it_is():
    """Enlarged three times, the note's edges are ~3 px wide, but its letters are 3 times as tall: sharp for
    their size, so not sharpened (an unsharp mask that wide would thicken and join its strokes)."""
    big = cv2.resize(sample("note"), None, fx=3, fy=3, interpolation=cv2.INTER_CUBIC)
    assert edge_blur(big) > 1.9
    assert sharpen(big) is big
    blurred = cv2.GaussianBlur(sample("note"), (0, 0), 2.5)
    assert sharpen(blurred) is not blurred
    assert denoise(blurred) is blurred  # no noise: denoise gives the page itself, which the reader sharpens


def test_the_soft_edge_of_a_shadow_is_no_blur():
    """A shadow band across the paragraph has edges as soft as a blurred stroke's, but it is light, not ink:
    measured on the flattened page, the page is sharp and not sharpened."""
    page = sample("paragraph").astype(np.float32)
    band = np.ones_like(page)
    band[page.shape[0] // 3 : page.shape[0] // 3 + page.shape[0] // 4] = 0.5
    shadow = (page * cv2.GaussianBlur(band, (0, 0), 3)).astype(np.uint8)
    assert edge_blur(shadow) < 1.4
    assert sharpen(shadow) is shadow
    assert hcr_ocr.read(shadow).text == PARAGRAPH
