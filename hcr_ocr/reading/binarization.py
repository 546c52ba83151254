"""Stage 2, binarise: grayscale page → ink mask (uint8, 255 = ink), robust to photos and clean scans.

    from hcr_ocr.reading.binarization import binarize
    ink = binarize(gray)            # None when the page is blank

Steps: estimate the paper (a large morphological closing, then a blur) and divide it out, which flattens
uneven light, shadows and grey or tinted paper; threshold the flattened page with Otsu, tempered by a local
Sauvola threshold; let fainter pixels join where they continue a clear stroke (hysteresis, for pencil and
light pens); remove long thin ruled lines; remove specks. A page with too little contrast is blank.
"""

from __future__ import annotations

from typing import NamedTuple

import cv2
import numpy as np

from hcr_ocr.reading.settings import DEFAULT, BinarizationSettings
from hcr_ocr.reading.stats import median, percentile


class PageLevels(NamedTuple):
    """What binarisation knows of a page beyond its ink mask."""

    flat: np.ndarray  # the grey page, uneven light flattened
    paper: float  # the paper's grey level in `flat`
    faint: np.ndarray  # everything darker than a global threshold (light printed rules included), 255


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
    _, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    return sizeable_height(stats[1:, cv2.CC_STAT_AREA], stats[1:, cv2.CC_STAT_HEIGHT], settings=settings)


def sizeable_height(
    areas: np.ndarray, heights: np.ndarray, *, settings: BinarizationSettings = DEFAULT.binarization
) -> float:
    """`text_height` of components already measured: their areas and heights."""
    s = settings
    if len(areas) == 0:
        return 0.0
    least = max(s.sizeable_min_area, percentile(areas, s.sizeable_area_percentile) * s.sizeable_area_share)
    sizeable = heights[areas >= least]
    if len(sizeable) == 0:  # nothing but specks (of under sizeable_min_area px)
        return 0.0
    return median(sizeable)


def remove_ruled_lines(
    ink: np.ndarray,
    stroke: float,
    *,
    page: PageLevels | None = None,
    settings: BinarizationSettings = DEFAULT.binarization,
) -> np.ndarray:
    """Erase long, thin horizontal and vertical runs (ruled paper, form boxes); strokes crossing them survive.
    A run counts as a rule when it is over a few letters long, so that no stroke of a letter qualifies. On
    a page too short or narrow for that (a line or a short list on ruled or squared paper, whose rules
    may join every letter into one blob that passes for a letter), a run across nearly all of it counts,
    where the letters measured without it are short beside it (so a T's bar in a crop stays).
    `page`: the page's grey levels and masks, with which rules printed lighter than the writing are found
    whole (in `ink`, a local threshold breaks them beside each letter) and lose only their own light
    pixels, so that writing that crosses them or runs along them stays whole."""
    s = settings
    out = ink.copy()
    letter = text_height(ink, settings=s)
    found_in = ink if page is None else cv2.bitwise_or(page.faint, ink)
    # only thin runs count as rules: a run thicker than ~2 strokes is ink
    thick = max(s.rule_thickness_min, int(round(stroke * s.rule_max_strokes)))
    for horizontal in (True, False):
        side = ink.shape[1] if horizontal else ink.shape[0]
        length = int(max(s.rule_min_length, s.rule_min_letters * letter))
        across = length >= side
        if across:
            length = int(max(s.rule_min_length, s.rule_across_share * side))
        if length >= side:
            continue
        erased = _without_rules(out, ink, found_in, length, thick, horizontal, page, s)
        if erased is None or across and s.rule_across_min_letters * text_height(erased, settings=s) > length:
            continue
        out = erased
    return out


def _without_rules(
    out: np.ndarray,
    ink: np.ndarray,
    found_in: np.ndarray,
    length: int,
    thick: int,
    horizontal: bool,
    page: PageLevels | None,
    s: BinarizationSettings,
) -> np.ndarray | None:
    """`out` without the thin runs of `found_in` at least `length` long in one direction, keeping the
    pixels where strokes cross them; None when there is no such run."""
    h, w = ink.shape
    size = (length, 1) if horizontal else (1, length)
    probe = found_in
    if min(h, w) >= s.rule_tilt_min_side:  # a page, not a field crop: rules may run a little askew
        tilt = (1, s.rule_tilt_tolerance) if horizontal else (s.rule_tilt_tolerance, 1)
        probe = cv2.dilate(found_in, cv2.getStructuringElement(cv2.MORPH_RECT, tilt))
    lines = cv2.morphologyEx(probe, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, size))
    lines = cv2.bitwise_and(lines, found_in)
    if not lines.any():
        return None
    probe = (1, thick) if horizontal else (thick, 1)
    solid = cv2.morphologyEx(
        cv2.bitwise_and(lines, ink), cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, probe)
    )
    rules = cv2.subtract(lines, solid)
    if page is not None:
        light, lighter = _light_rules(rules, out, page, s)
        out = cv2.subtract(out, cv2.bitwise_and(light, lighter))
        rules = cv2.subtract(rules, light)
    rules = cv2.bitwise_and(rules, out)
    rest = cv2.subtract(out, rules)
    return cv2.bitwise_or(rest, _crossings(rules, rest, thick, horizontal))


def _light_rules(
    rules: np.ndarray, ink: np.ndarray, page: PageLevels, s: BinarizationSettings
) -> tuple[np.ndarray, np.ndarray]:
    """The rules (connected runs) printed clearly lighter than the writing, and the pixels no darker than
    such a rule itself, give or take its own depth (the darker ones on a rule are writing)."""
    n, labels = cv2.connectedComponents(rules, connectivity=8)
    none = np.zeros_like(rules)
    writing = (ink > 0) & (labels == 0)
    if n <= 1 or not writing.any():
        return none, none
    flat = labels.ravel()
    grey = np.bincount(flat, weights=page.flat.ravel(), minlength=n) / np.maximum(np.bincount(flat), 1)
    pen = median(page.flat[writing])
    light = grey > pen + s.rule_light_contrast * max(page.paper - pen, 1.0)
    light[0] = False
    if not light.any():
        return none, none
    mask = light[labels]
    level = median(page.flat[mask])
    lighter = page.flat >= level - s.rule_writing_depth * max(page.paper - level, 1.0)
    return mask.astype(np.uint8) * 255, lighter.astype(np.uint8) * 255


def _crossings(rules: np.ndarray, rest: np.ndarray, reach: int, horizontal: bool) -> np.ndarray:
    """The pixels of `rules` with ink of `rest` within `reach` px on both sides across the rule: where a
    stroke crosses it, so that the stroke stays whole."""
    span = (1, reach + 1) if horizontal else (reach + 1, 1)
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, span)
    before = cv2.dilate(rest, kernel, anchor=(0, reach) if horizontal else (reach, 0))
    after = cv2.dilate(rest, kernel, anchor=(0, 0))
    return cv2.bitwise_and(rules, cv2.bitwise_and(before, after))


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
    faint = (flat <= threshold + s.hysteresis * (hi - threshold)).astype(np.uint8) * 255
    weak = faint & (flat < local).astype(np.uint8) * 255
    ink = keep_touching(weak, strong)
    stroke = stroke_width(ink)
    ink = drop_grain(ink, flat, hi, lo, stroke, s)
    ink = remove_ruled_lines(ink, stroke, page=PageLevels(flat, hi, faint), settings=s)
    ink = remove_specks(ink, min_area=max(s.speck_min_area, int(stroke * stroke * s.speck_area_per_stroke)))
    return ink if ink.any() else None
