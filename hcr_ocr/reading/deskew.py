"""Stage 3, deskew: find the page's text angle (up to about ±15°) and rotate the ink level.

    from hcr_ocr.reading.deskew import estimate_skew, rotate
    angle = estimate_skew(ink)          # degrees, positive = text rises to the right
    ink, gray = rotate(ink, angle), rotate(gray, angle, fill=255)

The angle maximises the sharpness (sum of squares) of the horizontal projection profile, searched coarse
to fine on a reduced copy of the mask.
"""

from __future__ import annotations

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
    if angle == 0.0:
        return img
    m, (new_w, new_h) = rotation(img.shape, angle)
    interp = cv2.INTER_NEAREST if fill == 0 else cv2.INTER_LINEAR
    return cv2.warpAffine(img, m, (new_w, new_h), flags=interp, borderValue=fill)
