"""Property test: whatever image arrives (noise, blank, one stroke, specks, blobs, tiny or large), the reader
returns a Page or raises the project's own one-line error, nothing else."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import hcr_ocr
from hcr_ocr.errors import HcrError
from hcr_ocr.page import Page

KINDS = ("noise", "blank", "stroke", "specks", "blobs", "checkerboard", "gradient")


@st.composite
def images(draw) -> np.ndarray:
    """A generated grayscale image of one kind, from 1x1 to about 1.5 megapixels."""
    kind = draw(st.sampled_from(KINDS))
    h = draw(st.integers(1, 1200))
    w = draw(st.integers(1, 1300))
    seed = draw(st.integers(0, 2**16))
    rng = np.random.default_rng(seed)
    level = draw(st.integers(0, 255))
    page = np.full((h, w), level, np.uint8)
    if kind == "noise":
        sigma = draw(st.floats(1, 120))
        page = np.clip(level + rng.normal(0, sigma, (h, w)), 0, 255).astype(np.uint8)
    elif kind == "stroke":
        p0 = (int(rng.integers(0, w)), int(rng.integers(0, h)))
        p1 = (int(rng.integers(0, w)), int(rng.integers(0, h)))
        cv2.line(page, p0, p1, 255 - level, int(rng.integers(1, 40)))
    elif kind == "specks":
        page[rng.random((h, w)) < draw(st.floats(0.001, 0.5))] = 255 - level
    elif kind == "blobs":
        for _ in range(int(rng.integers(1, 200))):
            centre = (int(rng.integers(0, w)), int(rng.integers(0, h)))
            cv2.circle(page, centre, int(rng.integers(1, 60)), int(rng.integers(0, 256)), -1)
    elif kind == "checkerboard":
        cell = draw(st.integers(1, 64))
        yy, xx = np.indices((h, w)) // cell
        page = np.where((yy + xx) % 2 == 0, level, 255 - level).astype(np.uint8)
    elif kind == "gradient":
        page = np.linspace(0, 255, w, dtype=np.float32)[None, :].repeat(h, 0).astype(np.uint8)
    return page


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(images())
def test_any_image_gives_a_page_or_our_one_line_error(image):
    try:
        page = hcr_ocr.read(image)
    except HcrError as err:
        assert "\n" not in str(err)
        return
    assert isinstance(page, Page)
    assert (page.width, page.height) == (image.shape[1], image.shape[0])
    for line in page.lines:
        x0, y0, x1, y1 = line.bbox
        assert 0 <= x0 <= x1 <= page.width and 0 <= y0 <= y1 <= page.height


@pytest.mark.parametrize("shape", [(1, 1000), (2, 5000), (5000, 1), (3, 2000)])
def test_a_long_thin_strip_gives_a_page(shape):
    """Found by the property test above: a 1x1000 strip of near-black with faint specks shrank to zero
    rows in deskewing (OpenCV's resize assertion), and a strip of specks had no letter height."""
    rng = np.random.default_rng(0)
    strip = (rng.random(shape) < 0.05).astype(np.uint8) * 2
    assert isinstance(hcr_ocr.read(strip), Page)
    dashes = np.full(shape, 255, np.uint8)
    dashes[..., ::7] = 0
    assert isinstance(hcr_ocr.read(dashes), Page)
