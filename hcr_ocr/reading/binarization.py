"""Stage 2, binarise: grayscale page → ink mask (uint8, 255 = ink), robust to photos and clean scans.

    from hcr_ocr.reading.binarization import binarize
    ink = binarize(gray)            # None when the page is blank

Steps: estimate the paper (a large morphological closing, then a blur) and divide it out, which flattens
uneven light, shadows and grey or tinted paper; threshold the flattened page with Otsu, tempered by a local
Sauvola threshold; let fainter pixels join where they continue a clear stroke (hysteresis, for pencil and
light pens); remove long thin ruled lines; remove specks. A page with too little contrast is blank.
"""

from __future__ import annotations

import cv2
import numpy as np

from hcr_ocr.reading.settings import DEFAULT, BinarizationSettings
from hcr_ocr.reading.stats import median, percentile


def flatten_background(
    gray: np.ndarray, *, settings: BinarizationSettings = DEFAULT.binarization
) -> np.ndarray:
    """Divide the page by an estimate of its paper, so that the paper becomes ~255 everywhere."""
    s = settings
    h, w = gray.shape
    k = max(s.paper_kernel_min, (min(h, w) // s.paper_kernel_divisor) | 1)
    k = min(k, s.paper_kernel_max)
    small = (
        cv2.resize(gray, (max(1, w // 2), max(1, h // 2)), interpolation=cv2.INTER_AREA)
        if min(h, w) > s.halve_above
        else gray
    )
    kk = max(s.half_kernel_min, (k // 2) | 1) if small is not gray else k
    paper = cv2.morphologyEx(small, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (kk, kk)))
    paper = cv2.GaussianBlur(paper, (0, 0), kk / s.paper_kernel_per_sigma)
    if small is not gray:
        paper = cv2.resize(paper, (w, h), interpolation=cv2.INTER_LINEAR)
    flat = gray.astype(np.float32) / np.maximum(paper.astype(np.float32), 1.0) * 255.0
    return np.clip(flat, 0, 255).astype(np.uint8)


def sauvola_threshold(
    img: np.ndarray,
    window: int,
    k: float = DEFAULT.binarization.sauvola_k,
    r: float = DEFAULT.binarization.sauvola_range,
) -> np.ndarray:
    """Per-pixel Sauvola threshold, with box filters (cheaper to import and run than scikit-image's)."""
    f = img.astype(np.float32)
    mean = cv2.boxFilter(f, -1, (window, window), borderType=cv2.BORDER_REFLECT)
    sq = cv2.boxFilter(f * f, -1, (window, window), borderType=cv2.BORDER_REFLECT)
    std = np.sqrt(np.maximum(sq - mean * mean, 0))
    return mean * (1 + k * (std / r - 1))


def keep_touching(weak: np.ndarray, strong: np.ndarray) -> np.ndarray:
    """The components of `weak | strong` that contain at least one pixel of `strong`."""
    n, labels = cv2.connectedComponents(weak | strong, connectivity=8)
    keep = np.zeros(n, dtype=bool)
    keep[labels[strong > 0]] = True
    keep[0] = False
    return np.where(keep[labels], 255, 0).astype(np.uint8)


def remove_specks(ink: np.ndarray, min_area: int) -> np.ndarray:
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    keep = np.zeros(n, dtype=bool)
    keep[1:] = stats[1:, cv2.CC_STAT_AREA] >= min_area
    return np.where(keep[labels], 255, 0).astype(np.uint8)


def drop_grain(
    ink: np.ndarray, flat: np.ndarray, paper: float, darkest: float, stroke: float, s: BinarizationSettings
) -> np.ndarray:
    """On a grainy page (many small blobs, most of the blobs), the small blobs that are not clearly darker
    than the paper: clumps of grain that crossed the threshold. The dots of a pen (i, j, full stops) are as
    dark as its strokes and stay."""
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    small = stats[:, cv2.CC_STAT_AREA] < s.grain_blob_area * stroke * stroke
    small[0] = False
    count = int(small.sum())
    if count < s.grain_min_small or count < s.grain_min_blobs * (n - 1 - count):
        return ink
    in_small = small[labels]
    sums = np.bincount(labels[in_small], weights=flat[in_small], minlength=n)
    depth = paper - sums / np.maximum(stats[:, cv2.CC_STAT_AREA], 1)
    grain = small & (depth < s.grain_max_depth * (paper - darkest))
    return np.where(grain[labels] | (labels == 0), 0, 255).astype(np.uint8)


def text_height(ink: np.ndarray, *, settings: BinarizationSettings = DEFAULT.binarization) -> float:
    """Median height of the sizeable connected components: a first guess at the letter size."""
    s = settings
    _, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    stats = stats[1:]
    if len(stats) == 0:
        return 0.0
    areas = stats[:, cv2.CC_STAT_AREA]
    least = max(s.sizeable_min_area, percentile(areas, s.sizeable_area_percentile) * s.sizeable_area_share)
    sizeable = stats[areas >= least]
    if len(sizeable) == 0:  # nothing but specks (of under sizeable_min_area px)
        return 0.0
    return median(sizeable[:, cv2.CC_STAT_HEIGHT])


def remove_ruled_lines(
    ink: np.ndarray, stroke: float, *, settings: BinarizationSettings = DEFAULT.binarization
) -> np.ndarray:
    """Erase long, thin horizontal and vertical runs (ruled paper, form boxes); strokes crossing them survive.
    A run counts as a rule when it is over a few letters long, so that no stroke of a letter qualifies."""
    s = settings
    h, w = ink.shape
    out = ink.copy()
    letter = text_height(ink, settings=s)
    for horizontal in (True, False):
        length = int(max(s.rule_min_length, s.rule_min_letters * letter))
        if length >= (w if horizontal else h):
            continue
        size = (length, 1) if horizontal else (1, length)
        probe = ink
        if min(h, w) >= s.rule_tilt_min_side:  # a page, not a field crop: rules may run a little askew
            across = (1, s.rule_tilt_tolerance) if horizontal else (s.rule_tilt_tolerance, 1)
            probe = cv2.dilate(ink, cv2.getStructuringElement(cv2.MORPH_RECT, across))
        lines = cv2.morphologyEx(probe, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, size))
        if probe is not ink:
            lines = cv2.bitwise_and(lines, ink)
        if not lines.any():
            continue
        # only thin runs count as rules: a run thicker than ~2 strokes is ink
        thick = max(s.rule_thickness_min, int(round(stroke * s.rule_max_strokes)))
        probe = (1, thick) if horizontal else (thick, 1)
        solid = cv2.morphologyEx(lines, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, probe))
        rules = cv2.subtract(lines, solid)
        out = cv2.subtract(out, rules)
    return out


def stroke_width(ink: np.ndarray) -> float:
    """Typical stroke width in pixels of a mask (non-zero = ink): twice the mean distance from its ink
    pixels to the paper (the mask's edge counts as paper)."""
    if not ink.any():
        return 0.0
    padded = cv2.copyMakeBorder((ink > 0).astype(np.uint8), 1, 1, 1, 1, cv2.BORDER_CONSTANT, value=0)
    dist = cv2.distanceTransform(padded, cv2.DIST_L2, 3)
    return float(2.0 * dist[padded > 0].mean())


def binarize(gray: np.ndarray, *, settings: BinarizationSettings = DEFAULT.binarization) -> np.ndarray | None:
    """Ink mask (255 = ink) of a grayscale page, or None when the page holds no ink."""
    s = settings
    flat = flatten_background(gray, settings=s)
    hi = percentile(flat, s.paper_percentile)
    lo = float(cv2.medianBlur(flat, s.ink_median_kernel).min())  # the darkest ink, salt noise filtered out
    if hi - lo < s.min_contrast:
        return None
    otsu, _ = cv2.threshold(flat, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    # Otsu on an almost empty page splits paper noise; keep ink clearly darker than the paper.
    threshold = min(otsu, hi - s.min_contrast * s.threshold_min_depth)
    window = max(s.sauvola_window_min, (min(gray.shape) // s.sauvola_window_divisor) | 1)
    local = sauvola_threshold(flat, window, s.sauvola_k, s.sauvola_range)
    strong = ((flat <= threshold) & (flat < local + s.strong_local_margin)).astype(np.uint8) * 255
    if not strong.any():
        return None
    # Hysteresis: fainter pixels count as ink where they continue a stroke that is clearly ink,
    # which mends pencil and light-pen strokes broken by the threshold.
    weak = ((flat <= threshold + s.hysteresis * (hi - threshold)) & (flat < local)).astype(np.uint8) * 255
    ink = keep_touching(weak, strong)
    stroke = stroke_width(ink)
    ink = drop_grain(ink, flat, hi, lo, stroke, s)
    ink = remove_ruled_lines(ink, stroke, settings=s)
    ink = remove_specks(ink, min_area=max(s.speck_min_area, int(stroke * stroke * s.speck_area_per_stroke)))
    return ink if ink.any() else None
