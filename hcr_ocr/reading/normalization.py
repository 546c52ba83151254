"""Stage 7, normalise: a glyph's ink mask → the 28x28 float input the classifier was trained on.

    from hcr_ocr.reading.normalization import to_emnist
    x = to_emnist(mask)        # float32 (28, 28) in [0, 1], bright ink on dark

EMNIST glyphs were cropped to the ink, centred in a square keeping the aspect ratio, padded, blurred, resized
to 28x28 and stretched to the full range. Measured on derived47-test, the long side of the ink spans ~24 of
the 28 pixels and strokes are ~2.4 px wide, so the stroke width is brought to that scale before resizing.
"""

from __future__ import annotations

import cv2
import numpy as np

from hcr_ocr.reading.binarization import stroke_width
from hcr_ocr.reading.settings import DEFAULT, NormalizationSettings

SIZE = 28  # EMNIST's images are 28x28


def _steps(s: NormalizationSettings) -> str:
    """What `to_emnist` does with these settings, in words."""
    return (
        f"crop to the ink; pad by the target stroke width in input px, rounded up, plus {s.pad} px; "
        f"bring the stroke width to {s.target_stroke} output px (dilate when under {s.thicken_below} "
        f"of that, erode when over {s.thin_above} times it, keeping the erosion only if it leaves over "
        f"{s.erode_min_keep} of the ink); crop to the ink again; centre in a square whose side is "
        f"{SIZE}/{s.ink_span} of the ink's long side; gaussian blur, sigma {s.blur} output px (at least "
        f"{s.min_blur} input px); resize to {SIZE}x{SIZE} (area when shrinking, bicubic when enlarging); "
        "divide by the maximum"
    )


# How a glyph becomes the network's input; written into every model, so it says what to_emnist does.
NORMALISATION = {
    "size": SIZE,
    "pixel_range": [0.0, 1.0],
    "ink": "bright on dark",
    "layout": "NCHW float32",
    "steps": _steps(DEFAULT.normalization),
}


def to_emnist(mask: np.ndarray, *, settings: NormalizationSettings = DEFAULT.normalization) -> np.ndarray:
    """Normalise a binary glyph mask (non-zero = ink, any size) the way EMNIST's images were made."""
    s = settings
    ys, xs = np.nonzero(mask)
    out = np.zeros((SIZE, SIZE), np.float32)
    if len(xs) == 0:
        return out
    crop = (mask[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1] > 0).astype(np.uint8)
    crop = _bounded(crop, s.max_side)
    scale = s.ink_span / max(crop.shape)
    crop = _even_stroke(crop, s.target_stroke / scale, s)
    ys, xs = np.nonzero(crop)
    crop = crop[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1].astype(np.float32)
    h, w = crop.shape
    side = max(h, w)
    # Centre in a square frame with the EMNIST margin, smooth, resize, stretch.
    frame_side = int(round(side * SIZE / s.ink_span))
    frame = np.zeros((frame_side, frame_side), np.float32)
    y0, x0 = (frame_side - h) // 2, (frame_side - w) // 2
    frame[y0 : y0 + h, x0 : x0 + w] = crop
    sigma = max(s.min_blur, frame_side / SIZE * s.blur)
    frame = cv2.GaussianBlur(frame, (0, 0), sigma)
    interp = cv2.INTER_AREA if frame_side > SIZE else cv2.INTER_CUBIC
    out = cv2.resize(frame, (SIZE, SIZE), interpolation=interp)
    top = out.max()
    return np.clip(out / top, 0, 1).astype(np.float32) if top > 0 else out


def _bounded(crop: np.ndarray, max_side: int) -> np.ndarray:
    """A mask whose long side is over `max_side` shrunk to it (area), so normalising costs the same for any
    size: at 28x28 output nothing of the shape is lost."""
    side = max(crop.shape)
    if side <= max_side:
        return crop
    f = max_side / side
    size = (max(1, round(crop.shape[1] * f)), max(1, round(crop.shape[0] * f)))
    small = cv2.resize(crop.astype(np.float32), size, interpolation=cv2.INTER_AREA)
    shrunk = (small >= 0.5).astype(np.uint8)
    return shrunk if shrunk.any() else (small > 0).astype(np.uint8)


def _even_stroke(crop: np.ndarray, want: float, s: NormalizationSettings) -> np.ndarray:
    """The cropped mask padded, its stroke brought towards `want` px (at the input scale): thin pens
    thickened, felt tips thinned."""
    have = stroke_width(crop)
    pad = int(np.ceil(want)) + s.pad
    crop = cv2.copyMakeBorder(crop, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=0)
    if have < want * s.thicken_below:
        k = int(round(want - have)) | 1
        crop = cv2.dilate(crop, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k)))
    elif have > want * s.thin_above:
        k = max(s.erode_min_kernel, int(round((have - want) / 2)) | 1)
        thinner = cv2.erode(crop, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k)))
        if np.count_nonzero(thinner) > np.count_nonzero(crop) * s.erode_min_keep:
            crop = thinner
    return crop


def batch(masks: list[np.ndarray], *, settings: NormalizationSettings = DEFAULT.normalization) -> np.ndarray:
    """Stack glyph masks into the network's (N, 1, 28, 28) float32 input."""
    if not masks:
        return np.zeros((0, 1, SIZE, SIZE), np.float32)
    return np.stack([to_emnist(m, settings=settings) for m in masks])[:, None]


def scaled(glyphs: np.ndarray, factor: float) -> np.ndarray:
    """The (N, 1, 28, 28) glyphs zoomed by `factor` about the centre (test-time augmentation)."""
    m = cv2.getRotationMatrix2D((SIZE / 2 - 0.5, SIZE / 2 - 0.5), 0.0, factor)
    out = np.empty_like(glyphs)
    for i, g in enumerate(glyphs):
        out[i, 0] = cv2.warpAffine(g[0], m, (SIZE, SIZE), flags=cv2.INTER_LINEAR, borderValue=0)
    return out


def with_views(
    predict, glyphs: np.ndarray, *, settings: NormalizationSettings = DEFAULT.normalization
) -> np.ndarray:
    """Class probabilities averaged over the glyphs as they are and zoomed by each of settings.tta_scales
    (extra views, chosen on the validation split)."""
    scales = settings.tta_scales
    views = np.concatenate([glyphs] + [scaled(glyphs, f) for f in scales])  # one batch: fewer calls
    return predict(views).reshape(1 + len(scales), len(glyphs), -1).mean(axis=0)
