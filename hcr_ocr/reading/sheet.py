"""Stage 1a, the sheet: a photo of a sheet of paper on a darker desk → the desk painted over as paper.

    from hcr_ocr.reading.sheet import paint_out_desk
    gray = paint_out_desk(gray)      # the same array when no sheet on a desk is seen

The edge of the sheet is a long step from paper to desk; binarised, it becomes a band of "ink" along the
sheet's sides that reads as junk lines and as 1s and Is at the end of every line. On a preview, writing is
closed away and the page split by Otsu; the largest bright region is a sheet on a desk when it is the only
large one (a shadow band across a page splits the paper in two), the rest is clearly darker, and the two
meet in a sharp step (a light gradient or a soft shadow changes slowly). The desk that reaches the image's
border, and a margin inside the sheet's edge, are then painted with the paper's grey, carried over from the
nearest paper.
"""

from __future__ import annotations

import logging

import cv2
import numpy as np

from hcr_ocr.reading.scale import preview
from hcr_ocr.reading.settings import DEFAULT, SheetSettings
from hcr_ocr.reading.stats import median

log = logging.getLogger(__name__)


def _odd(n: float) -> int:
    return max(3, int(round(n)) | 1)


def find_desk(
    gray: np.ndarray, *, settings: SheetSettings = DEFAULT.sheet
) -> tuple[np.ndarray, np.ndarray] | None:
    """On a preview of `gray`: the desk around a sheet of paper (True) and the preview with its writing
    closed away; None when the page is no sheet on a darker desk."""
    s = settings
    small = preview(gray, s.preview_side)
    k = _odd(max(small.shape) * s.close_share)
    closed = cv2.morphologyEx(small, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k)))
    _, bright = cv2.threshold(closed, 0, 1, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(bright, connectivity=4)
    if n < 2:
        return None
    areas = stats[1:, cv2.CC_STAT_AREA]
    largest, second = np.sort(np.append(areas, 0))[::-1][:2]
    sheet = labels == 1 + int(np.argmax(areas))
    if not s.min_share <= sheet.mean() <= s.max_share or second > s.max_second * largest:
        return None
    outside = _reaching_the_border(~sheet)
    if outside.mean() < s.min_desk_share:
        return None
    paper, desk = median(closed[sheet]), median(closed[outside])
    if desk > s.max_desk_ratio * paper:
        return None
    edge = sheet & ~cv2.erode(sheet.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
    edge[[0, -1], :] = edge[:, [0, -1]] = False  # the image's own border is no edge of the sheet
    if not edge.any():
        return None
    ring = np.ones((3, 3), np.uint8)
    jump = cv2.dilate(closed, ring).astype(np.float32) - cv2.erode(closed, ring).astype(np.float32)
    step = median(jump[edge]) / max(paper - desk, 1.0)
    if step < s.min_step:
        log.debug("a darker side with a soft edge (step %.2f of its contrast): light, not a desk", step)
        return None
    log.debug(
        "a sheet on a desk: %.0f%% of the photo is desk, %.0f grey under the paper",
        100 * outside.mean(),
        paper - desk,
    )
    return outside, closed


def _reaching_the_border(mask: np.ndarray) -> np.ndarray:
    """The parts of `mask` that touch the image's border."""
    n, labels = cv2.connectedComponents(mask.astype(np.uint8), connectivity=8)
    keep = np.zeros(n, bool)
    keep[np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]])] = True
    keep[0] = False
    return keep[labels]


def paint_out_desk(gray: np.ndarray, *, settings: SheetSettings = DEFAULT.sheet) -> np.ndarray:
    """`gray` with the desk around a photographed sheet, and a margin inside the sheet's edge, painted with
    the grey of the nearest paper; `gray` itself when it is no sheet on a desk."""
    found = find_desk(gray, settings=settings)
    if found is None:
        return gray
    outside, closed = found
    margin = max(closed.shape) * settings.margin_share  # px of the preview
    disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (_odd(2 * margin + 1),) * 2)
    painted = cv2.dilate(outside.astype(np.uint8), disc)
    fill = cv2.inpaint(closed, painted, 3, cv2.INPAINT_TELEA)
    size = gray.shape[::-1]
    painted_full = cv2.resize(painted, size, interpolation=cv2.INTER_LINEAR) > 0
    fill_full = cv2.resize(fill, size, interpolation=cv2.INTER_LINEAR)
    return np.where(painted_full, fill_full, gray)
