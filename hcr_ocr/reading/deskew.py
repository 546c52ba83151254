"""Stage 3, deskew: find the page's text angle (up to about ±15°) and its writing's slant, and turn the
ink level and upright.

    from hcr_ocr.reading.deskew import Levelling, estimate_skew, estimate_slant, rotate
    angle = estimate_skew(ink)          # degrees, positive = text rises to the right
    slant = estimate_slant(rotate(ink, angle), bands)  # bands: the lines' rows; + = leaning right
    levelling = Levelling(angle, slant)
    ink, gray = levelling.apply(ink), levelling.apply(gray, fill=255)

The angle maximises the sharpness (sum of squares) of the horizontal projection profile, searched coarse
to fine on a reduced copy of the mask; the slant is the shear of the levelled lines that stands most of
their strokes upright (whole columns of ink), so that a writer's leaning letters stop overlapping in x.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from hcr_ocr.reading.scale import resize_by
from hcr_ocr.reading.settings import DEFAULT, DeskewSettings


def _profile_sharpness(mask: np.ndarray, angle: float) -> float:
    h, w = mask.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), -angle, 1.0)
    rotated = cv2.warpAffine(mask, m, (w, h), flags=cv2.INTER_NEAREST, borderValue=0)
    profile = cv2.reduce(rotated, 1, cv2.REDUCE_SUM, dtype=cv2.CV_32S).ravel().astype(np.float64)
    return float(profile @ profile)


def estimate_skew(
    ink: np.ndarray, max_angle: float | None = None, *, settings: DeskewSettings = DEFAULT.deskew
) -> float:
    """Skew angle in degrees; 0 when the mask is too small or has no clear text direction. `max_angle`
    (degrees) overrides settings.max_angle."""
    s = settings
    max_angle = s.max_angle if max_angle is None else max_angle
    ys, xs = np.nonzero(ink)
    if len(xs) < s.min_ink_pixels:
        return 0.0
    crop = ink[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]
    scale = min(1.0, s.work_size / max(crop.shape))
    small = resize_by(crop, scale) if scale < 1 else crop
    small = (small > 0).astype(np.uint8)
    small = cv2.copyMakeBorder(
        small, *([max(small.shape) // s.margin_divisor] * 4), cv2.BORDER_CONSTANT, value=0
    )
    level = _profile_sharpness(small, 0.0)
    best_angle, best = 0.0, level
    for step, span in ((s.coarse_step, max_angle), (s.fine_step, s.fine_span)):
        centre = best_angle
        for angle in np.arange(centre - span, centre + span + 1e-9, step):
            if abs(angle) > max_angle or angle == centre:
                continue
            sharpness = _profile_sharpness(small, float(angle))
            if sharpness > best:
                best_angle, best = float(angle), sharpness
    # A small or marginal gain is noise (a short line of text is sharp at several angles).
    if abs(best_angle) < s.min_angle or best < level * s.min_gain:
        return 0.0
    return best_angle


_STEP_GAP = np.ones((3, 1), np.uint8)


def _shear(shape: tuple[int, int], slant: float) -> tuple[np.ndarray, tuple[int, int]]:
    """The affine matrix that moves each row of a (height, width) image right by `slant` px per px below
    its middle, and the (width, height) of the canvas grown to hold all of it."""
    h, w = shape
    pad = abs(slant) * h / 2
    m = np.array([[1, slant, pad - slant * h / 2], [0, 1, 0]], np.float64)
    return m, (int(w + 2 * pad + 1), h)


def _upright_strokes(band: np.ndarray, slant: float) -> float:
    """How much of a line's ink stands in whole vertical strokes once sheared upright by `slant`: the sum
    of the squared ink counts of the columns whose ink is one unbroken run (Vinciarelli and Luettin's
    measure; rows move right by slant per px below the middle)."""
    m, size = _shear(band.shape, slant)
    sheared = cv2.warpAffine(band, m, size, flags=cv2.INTER_NEAREST, borderValue=0)
    h = band.shape[0]
    sheared = cv2.morphologyEx(sheared, cv2.MORPH_CLOSE, _STEP_GAP)  # the steps a shear leaves in a stroke
    counts = sheared.sum(axis=0, dtype=np.int32)
    top = sheared.argmax(axis=0)
    bottom = h - 1 - sheared[::-1].argmax(axis=0)
    whole = (counts > 0) & (bottom - top + 1 == counts)
    return float((counts[whole].astype(np.float64) ** 2).sum())


def estimate_slant(
    ink: np.ndarray, bands: list[tuple[int, int]], *, settings: DeskewSettings = DEFAULT.deskew
) -> float:
    """The slant of the levelled writing in these line bands (rows top to bottom), as the x shift per px of
    height that stands it upright (positive: it leans right); 0 when no slant clearly stands more of its
    strokes upright."""
    s = settings
    lines = []
    for top, bottom in bands:
        band = (ink[top:bottom] > 0).astype(np.uint8)
        if band.shape[0] > s.slant_band_height:
            band = (resize_by(band * 255, s.slant_band_height / band.shape[0]) > 127).astype(np.uint8)
        if band.any():
            lines.append(band)
    if sum(int(b.sum()) for b in lines) < s.min_ink_pixels:
        return 0.0

    def measure(slant: float) -> float:
        return sum(_upright_strokes(b, slant) for b in lines)

    upright = measure(0.0)
    best_slant, best = 0.0, upright
    for step, span in ((s.slant_coarse_step, s.max_slant), (s.slant_fine_step, s.slant_coarse_step)):
        centre = best_slant
        for slant in np.arange(centre - span, centre + span + 1e-9, step):
            if abs(slant) > s.max_slant or slant == centre:
                continue
            value = measure(float(slant))
            if value > best:
                best_slant, best = float(slant), value
    if abs(best_slant) < s.min_slant or best < upright * s.slant_min_gain:
        return 0.0
    return best_slant


@dataclass(frozen=True)
class Levelling:
    """How the page is turned for segmentation: rotated by `angle` degrees (text rising to the right
    levelled), then sheared by `slant` (writing leaning right stood upright), on a canvas grown to hold it."""

    angle: float = 0.0
    slant: float = 0.0

    def __bool__(self) -> bool:
        return bool(self.angle or self.slant)

    def matrix(self, shape: tuple[int, int]) -> tuple[np.ndarray, tuple[int, int]]:
        """The affine matrix for a page of this (height, width), and the (width, height) of its canvas."""
        m, (w, h) = rotation(shape, self.angle)
        if not self.slant:
            return m, (w, h)
        shear, size = _shear((h, w), self.slant)
        return (np.vstack([shear, [0, 0, 1]]) @ np.vstack([m, [0, 0, 1]]))[:2], size

    def apply(self, img: np.ndarray, fill: int = 0) -> np.ndarray:
        """The image turned (nearest pixels for a mask, `fill` 0; interpolated grey levels otherwise)."""
        if not self:
            return img
        m, size = self.matrix(img.shape)
        interp = cv2.INTER_NEAREST if fill == 0 else cv2.INTER_LINEAR
        return cv2.warpAffine(img, m, size, flags=interp, borderValue=fill)


def rotation(shape: tuple[int, int], angle: float) -> tuple[np.ndarray, tuple[int, int]]:
    """The affine matrix that levels text rising by `angle` degrees, and the (width, height) of the grown
    canvas that holds the whole rotated page."""
    h, w = shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), -angle, 1.0)
    cos, sin = abs(m[0, 0]), abs(m[0, 1])
    new_w, new_h = int(h * sin + w * cos + 0.5), int(h * cos + w * sin + 0.5)
    m[0, 2] += new_w / 2 - w / 2
    m[1, 2] += new_h / 2 - h / 2
    return m, (new_w, new_h)


def rotate(img: np.ndarray, angle: float, fill: int = 0) -> np.ndarray:
    """Rotate by `angle` degrees (counter-clockwise undoes text rising to the right), growing the canvas."""
    return Levelling(angle).apply(img, fill)
