"""Stage 1b, scale: a big page with big writing (a phone photo, marker on a whiteboard) is brought down to a
working size, so that every later stage sees letters of the size it was built for, in a fraction of the time.
Tiny writing is read at its own size, but its glyphs are classified from ink found on the page enlarged
(see glyphs.FinerInk).

    from hcr_ocr.reading.scale import working_scale, finer_scale
    working, factor = working_scale(gray)        # factor: working pixels per page pixel (1.0: as it is)
    finer = finer_scale(ink)                     # > 1: tiny writing, whose glyphs are cut from a finer page

The letter height is measured on a preview of about a megapixel (binarised, the median height of its sizeable
blobs); a page over `measure_above` pixels whose letters are taller than `max_letter` is resized so that they
are `target_letter` tall. Smaller pages, and pages of small writing, are read as they are. Boxes are mapped
back to the page as given (see pipeline.ToPage). A page whose letters are under `min_letter` (measured once
it is denoised: grain measured as letters would pass for tiny writing) gets a finer scale that brings them
towards `finer_letter`: thresholded at their own size, letters a dozen pixels tall come out blocky, their
small holes shut.
"""

from __future__ import annotations

import logging

import cv2
import numpy as np

from hcr_ocr.reading.binarization import binarize, text_height
from hcr_ocr.reading.settings import DEFAULT, Settings

log = logging.getLogger(__name__)


def resize_by(image: np.ndarray, factor: float, interpolation: int = cv2.INTER_AREA) -> np.ndarray:
    """The image resized by `factor`, each side at least one pixel (a long thin strip stays an image)."""
    h, w = image.shape[:2]
    size = (max(1, int(round(w * factor))), max(1, int(round(h * factor))))
    return cv2.resize(image, size, interpolation=interpolation)


def preview(gray: np.ndarray, side: int) -> np.ndarray:
    """The page shrunk so that its long side is at most `side` px (itself when it is no longer)."""
    shrink = min(1.0, side / max(gray.shape))
    return gray if shrink == 1.0 else resize_by(gray, shrink)


def letter_height(gray: np.ndarray, settings: Settings = DEFAULT) -> float:
    """The page's letter height in its own pixels, measured on a preview of about `preview_pixels`."""
    shrink = min(1.0, float(np.sqrt(settings.scale.preview_pixels / gray.size)))
    small = gray if shrink == 1.0 else resize_by(gray, shrink)
    ink = binarize(small, settings=settings.binarization)
    if ink is None:
        return 0.0
    return text_height(ink, settings=settings.binarization) / shrink


def working_scale(gray: np.ndarray, settings: Settings = DEFAULT) -> tuple[np.ndarray, float]:
    """The page at its working size, and the factor applied (working pixels per page pixel)."""
    s = settings.scale
    if gray.size <= s.measure_above:
        return gray, 1.0
    letters = letter_height(gray, settings)
    if letters <= s.max_letter:
        log.debug("letters %.0f px tall: the page is read at its own size", letters)
        return gray, 1.0
    factor = s.target_letter / letters
    working = resize_by(gray, factor)
    log.debug(
        "letters %.0f px tall: the page is read at %.2f of its size (%dx%d)",
        letters,
        factor,
        *working.shape[::-1],
    )
    return working, factor


def finer_scale(ink: np.ndarray, settings: Settings = DEFAULT) -> float:
    """How many times to enlarge the (denoised) page whose ink mask this is to classify its glyphs: > 1
    where its letters are tiny, else 1.0."""
    s = settings.scale
    letters = text_height(ink, settings=settings.binarization)
    if not 0 < letters < s.min_letter:
        return 1.0
    factor = min(s.finer_letter / letters, float(np.sqrt(s.max_finer_pixels / ink.size)))
    if factor < s.min_finer:
        return 1.0
    log.debug("letters %.0f px tall: glyphs cut again from the page enlarged %.2f times", letters, factor)
    return factor
