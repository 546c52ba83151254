"""Stage 1b, scale: a big page with big writing (a phone photo, marker on a whiteboard) is brought down to a
working size, so that every later stage sees letters of the size it was built for, in a fraction of the time.

    from hcr_ocr.reading.scale import working_scale
    working, factor = working_scale(gray)        # factor: working pixels per page pixel (1.0: as it is)

The letter height is measured on a preview of about a megapixel (binarised, the median height of its sizeable
blobs); a page over `measure_above` pixels whose letters are taller than `max_letter` is resized so that they
are `target_letter` tall. Smaller pages, and pages of small writing, are read as they are. Boxes are mapped
back to the page as given (see pipeline.ToPage).
"""

from __future__ import annotations

import logging

import cv2
import numpy as np

from hcr_ocr.reading.binarization import binarize, text_height
from hcr_ocr.reading.settings import DEFAULT, Settings

log = logging.getLogger(__name__)


def letter_height(gray: np.ndarray, settings: Settings = DEFAULT) -> float:
    """The page's letter height in its own pixels, measured on a preview of about `preview_pixels`."""
    shrink = min(1.0, float(np.sqrt(settings.scale.preview_pixels / gray.size)))
    preview = (
        gray if shrink == 1.0 else cv2.resize(gray, None, fx=shrink, fy=shrink, interpolation=cv2.INTER_AREA)
    )
    ink = binarize(preview, settings=settings.binarization)
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
    working = cv2.resize(gray, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    log.debug(
        "letters %.0f px tall: the page is read at %.2f of its size (%dx%d)",
        letters,
        factor,
        *working.shape[::-1],
    )
    return working, factor
