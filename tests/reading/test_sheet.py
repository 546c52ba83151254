"""A sheet of paper photographed on a darker desk: its edges are no writing; light and shadow are no desk."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from hcr_ocr.data.degradations import degrade
from hcr_ocr.reading.loading import load_image
from hcr_ocr.reading.pipeline import read
from hcr_ocr.reading.settings import DEFAULT, replace
from hcr_ocr.reading.sheet import find_desk
from tests.conftest import REPO

SAMPLES = REPO / "samples"


def photographed_on_a_desk(sample: str, size=(1200, 1600), angle: float = 3.0, desk: int = 90) -> np.ndarray:
    """The sample page printed on a sheet that covers about half of a photo of a grey desk, turned by
    `angle` degrees, under light that falls off towards one corner."""
    h, w = size
    rng = np.random.default_rng(7)
    page = load_image(SAMPLES / f"{sample}.png").astype(np.float32)
    ph, pw = int(h * 0.65), int(w * 0.7)
    sheet = np.full((ph, pw), 230.0, np.float32)
    f = min(ph * 0.7 / page.shape[0], pw * 0.85 / page.shape[1])
    text = cv2.resize(page, None, fx=f, fy=f, interpolation=cv2.INTER_CUBIC)
    y0, x0 = (ph - text.shape[0]) // 2, (pw - text.shape[1]) // 2
    sheet[y0 : y0 + text.shape[0], x0 : x0 + text.shape[1]] *= np.clip(text / np.percentile(text, 90), 0, 1)
    turn = cv2.getRotationMatrix2D((pw / 2, ph / 2), angle, 1.0)
    turn[:, 2] += (w - pw) / 2, (h - ph) / 2
    on_desk = cv2.warpAffine(np.ones((ph, pw), np.float32), turn, (w, h))
    photo = desk * (1 - on_desk) + cv2.warpAffine(sheet, turn, (w, h)) * on_desk
    yy, xx = np.mgrid[0:h, 0:w]
    photo *= 1.0 - 0.2 * (xx / w + yy / h) / 2
    photo = cv2.GaussianBlur(photo, (0, 0), 1.0) + rng.normal(0, 3, (h, w))
    return np.clip(photo, 0, 255).astype(np.uint8)


@pytest.mark.parametrize(
    ("sample", "text"), [("list", "milk 2\neggs 12\nbread 1\napples 6"), ("word-caps", "SHOPPING LIST")]
)
def test_a_sheet_photographed_on_a_desk_reads_without_its_edges(sample, text):
    photo = photographed_on_a_desk(sample)
    assert find_desk(photo) is not None
    assert read(photo).text == text
    never = replace(DEFAULT, sheet=replace(DEFAULT.sheet, min_step=10.0))  # the stage turned off
    assert read(photo, settings=never).text != text  # the edges read as junk without it


@pytest.mark.parametrize("condition", ["gradient", "shadow"])
@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_light_falling_off_and_a_shadow_band_are_no_desk(condition, seed):
    page = load_image(SAMPLES / "paragraph.png")
    assert find_desk(degrade(page, condition, seed)) is None


def test_a_sheet_on_a_desk_as_light_as_it_is_no_desk():
    assert find_desk(photographed_on_a_desk("list", desk=215)) is None
