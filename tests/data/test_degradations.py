"""The degradations of the conditions benchmark: every one on a real sample page, and the measured effects
of each kind (noise level, scale, stroke weight, ink contrast, polarity, rotation) on pages of known ink."""

from __future__ import annotations

import subprocess
import sys

import cv2
import numpy as np
import pytest

from hcr_ocr.data.degradations import (
    CONDITIONS,
    degrade,
    parse_conditions,
    split_page,
    stroke_width,
)
from hcr_ocr.errors import HcrError
from tests.conftest import REPO

EXPECTED = [
    "gauss-15", "gauss-30", "gauss-45", "salt-pepper-3", "salt-pepper-8", "salt-pepper-15", "speckle",
    "blur-1", "blur-2.5", "jpeg-25", "jpeg-10", "scale-0.35", "scale-0.6", "scale-2", "scale-4", "marker",
    "hairline", "ink-50", "ink-30", "gradient", "shadow", "tinted", "textured", "ruled", "squared",
    "rotate-4", "rotate-10", "keystone", "inverted",
]  # fmt: skip


@pytest.fixture(scope="module")
def note() -> np.ndarray:
    return cv2.imread(str(REPO / "samples" / "note.png"), cv2.IMREAD_GRAYSCALE)


def drawn_page(thickness: int = 5) -> np.ndarray:
    """A light page (220) with dark (40) strokes of a known width: rings 30 wide and 50 tall, a little noise."""
    page = np.full((160, 400), 220, np.uint8)
    for i in range(6):
        x, t = 20 + i * 60, thickness
        page[40:90, x : x + 30] = 40
        page[40 + t : 90 - t, x + t : x + 30 - t] = 220
    noise = np.random.default_rng(0).normal(0, 3, page.shape)
    return np.clip(page + noise, 0, 255).astype(np.uint8)


def ink_pixels(page: np.ndarray, level: int = 130) -> int:
    return int(np.count_nonzero(page < level))


def test_the_registry_holds_every_condition_of_the_issue():
    assert list(CONDITIONS) == EXPECTED


def test_turned_pages_are_asked_for_by_name_and_stay_out_of_all(note):
    assert parse_conditions("turned-180,turned-90") == ["clean", "turned-180", "turned-90"]
    assert "turned-180" not in parse_conditions("all")
    assert np.array_equal(degrade(note, "turned-180"), note[::-1, ::-1])
    assert np.array_equal(degrade(note, "turned-90"), np.rot90(note))


@pytest.mark.parametrize("name", EXPECTED)
def test_each_condition_is_a_repeatable_uint8_page_unlike_the_input(note, name):
    out = degrade(note, name, seed=3, index=1)
    assert out.dtype == np.uint8 and out.ndim == 2
    assert out.shape != note.shape or np.abs(out.astype(int) - note).mean() > 0.5
    assert np.array_equal(out, degrade(note, name, seed=3, index=1))
    assert np.array_equal(note, cv2.imread(str(REPO / "samples" / "note.png"), 0))  # the input is untouched


def test_the_generator_depends_on_seed_condition_source_and_page(note):
    base = degrade(note, "gauss-15", seed=0, index=0)
    assert not np.array_equal(base, degrade(note, "gauss-15", seed=1, index=0))
    assert not np.array_equal(base, degrade(note, "gauss-15", seed=0, index=1))
    assert not np.array_equal(base, degrade(note, "gauss-15", seed=0, index=0, source="other"))
    assert np.array_equal(degrade(note, "clean"), note)


def test_noise_levels_are_as_named(note):
    flat = np.full((200, 300), 128, np.uint8)
    for sigma in (15, 30, 45):
        diff = degrade(flat, f"gauss-{sigma}").astype(float) - 128
        assert diff.std() == pytest.approx(sigma, rel=0.05)
    for percent in (3, 8, 15):
        hit = np.mean(degrade(flat, f"salt-pepper-{percent}") != 128)
        assert hit == pytest.approx(percent / 100, abs=0.006)
    grain = degrade(flat, "speckle").astype(float) - 128
    assert 10 < grain.std() < 25  # film grain of ~12% on this grey


def test_scale_resizes_the_page(note):
    h, w = note.shape
    assert degrade(note, "scale-2").shape == (2 * h, 2 * w)
    assert degrade(note, "scale-4").shape == (4 * h, 4 * w)
    assert degrade(note, "scale-0.35").shape == (round(0.35 * h), round(0.35 * w))


def test_inverted_turns_the_grey_levels_over(note):
    out = degrade(note, "inverted")
    assert out.mean() == pytest.approx(255 - note.mean())
    assert out.mean() < 60  # a dark board


def test_stroke_width_and_letter_height_are_measured():
    for thickness in (3, 5, 8):
        split = split_page(drawn_page(thickness))
        assert split.stroke == pytest.approx(thickness, rel=0.25)
        assert split.letter == 50
        assert split.paper.mean() == pytest.approx(220, abs=3)


def test_marker_thickens_and_hairline_thins_every_stroke(note):
    for page in (note, drawn_page(5)):
        before = split_page(page)
        marker, hairline = degrade(page, "marker"), degrade(page, "hairline")
        assert ink_pixels(marker) > 1.5 * ink_pixels(page)
        assert ink_pixels(hairline) < 0.6 * ink_pixels(page)
        assert ink_pixels(hairline) > 0.1 * ink_pixels(page)  # thin, not gone
        assert stroke_width(marker < 130) >= max(1.8 * before.stroke, 0.18 * before.letter)
        assert stroke_width(hairline < 130) <= 0.6 * before.stroke


def test_faint_ink_keeps_the_paper_and_lightens_the_ink():
    page = drawn_page(5)
    ink = page < 100
    for percent in (50, 30):
        out = degrade(page, f"ink-{percent}")
        darkness = 220 - np.median(out[ink])
        assert darkness == pytest.approx((220 - 40) * percent / 100, rel=0.15)
        assert np.median(out[~ink]) == pytest.approx(np.median(page[~ink]), abs=2)


def test_light_and_paper_conditions_keep_the_writing_darker_than_its_paper(note):
    ink = note < 120
    near = cv2.dilate(ink.astype(np.uint8), np.ones((9, 9), np.uint8)).astype(bool) & ~ink
    for name in ("gradient", "shadow", "tinted", "textured", "ruled", "squared"):
        out = degrade(note, name).astype(float)
        assert out[ink].mean() < out[near].mean() - 40, name
    assert degrade(note, "tinted")[~ink].mean() < 0.7 * note[~ink].mean()
    ruled = degrade(note, "ruled").astype(float)
    rows = ruled[:, note.shape[1] // 2 :].mean(axis=1)  # printed rules: dark rows right of the margin
    assert (rows < np.median(rows) - 25).sum() >= 2


def test_rotation_turns_the_page_either_way(note):
    h, w = note.shape
    signs = set()
    for seed in range(6):
        out = degrade(note, "rotate-10", seed=seed)
        assert out.shape[0] > h + 0.15 * w  # the canvas grows to hold the turned page
        ys, xs = np.nonzero(out < 120)
        signs.add(np.sign(np.polyfit(xs, ys, 1)[0]))  # the slope of the writing
    assert signs == {-1.0, 1.0}
    assert degrade(note, "keystone").shape == note.shape


def test_condition_lists():
    assert parse_conditions("all") == ["clean", *EXPECTED]
    assert parse_conditions("blur-1, clean,blur-1,marker") == ["clean", "blur-1", "marker"]
    with pytest.raises(HcrError, match="unknown condition 'nope'"):
        parse_conditions("blur-1,nope")
    with pytest.raises(HcrError, match="unknown condition"):
        degrade(np.zeros((4, 4), np.uint8), "nope")
    with pytest.raises(HcrError, match="2-D uint8"):
        degrade(np.zeros((4, 4, 3), np.uint8), "blur-1")


def test_the_degradations_need_no_torch():
    code = "import sys, hcr_ocr.data.degradations as d; d.CONDITIONS['marker']; print('torch' in sys.modules)"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=60)
    assert proc.stdout.strip() == "False", proc.stderr
