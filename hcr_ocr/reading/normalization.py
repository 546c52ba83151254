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

SIZE = 28
INK_SPAN = 24  # long side of the binary ink box, so that the blurred glyph spans ~24 of 28 pixels
TARGET_STROKE = 2.4  # stroke width before blurring, so that the result matches EMNIST (~2.4)
BLUR = 0.8  # gaussian sigma in output pixels (EMNIST used 1 at its source scale)

# How a glyph becomes the network's input; written into every model, so it says what to_emnist does.
NORMALISATION = {
    "size": SIZE,
    "pixel_range": [0.0, 1.0],
    "ink": "bright on dark",
    "layout": "NCHW float32",
    "steps": f"crop to the ink; bring the stroke width to {TARGET_STROKE} output px (dilate when under 0.75 of "
    f"that, erode when over 1.6); centre in a square whose side is {SIZE}/{INK_SPAN} of the ink's long side; "
    f"gaussian blur, sigma {BLUR} output px (at least 0.5 input px); resize to {SIZE}x{SIZE} (area when "
    "shrinking, bicubic when enlarging); divide by the maximum",
}


def to_emnist(mask: np.ndarray) -> np.ndarray:
    """Normalise a binary glyph mask (non-zero = ink, any size) the way EMNIST's images were made."""
    ys, xs = np.nonzero(mask)
    out = np.zeros((SIZE, SIZE), np.float32)
    if len(xs) == 0:
        return out
    crop = (mask[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1] > 0).astype(np.uint8)
    h, w = crop.shape
    side = max(h, w)
    scale = INK_SPAN / side
    # Bring the stroke to ~2.4 px at the output scale: thicken thin pens, thin felt tips.
    want = TARGET_STROKE / scale
    have = stroke_width(crop)
    pad = int(np.ceil(want)) + 2
    crop = cv2.copyMakeBorder(crop, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=0)
    if have < want * 0.75:
        k = int(round(want - have)) | 1
        crop = cv2.dilate(crop, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k)))
    elif have > want * 1.6:
        k = max(3, int(round((have - want) / 2)) | 1)
        thinner = cv2.erode(crop, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k)))
        if np.count_nonzero(thinner) > np.count_nonzero(crop) * 0.3:
            crop = thinner
    ys, xs = np.nonzero(crop)
    crop = crop[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1].astype(np.float32)
    h, w = crop.shape
    side = max(h, w)
    # Centre in a square frame with the EMNIST margin, smooth, resize, stretch.
    frame_side = int(round(side * SIZE / INK_SPAN))
    frame = np.zeros((frame_side, frame_side), np.float32)
    y0, x0 = (frame_side - h) // 2, (frame_side - w) // 2
    frame[y0 : y0 + h, x0 : x0 + w] = crop
    sigma = max(0.5, frame_side / SIZE * BLUR)
    frame = cv2.GaussianBlur(frame, (0, 0), sigma)
    interp = cv2.INTER_AREA if frame_side > SIZE else cv2.INTER_CUBIC
    out = cv2.resize(frame, (SIZE, SIZE), interpolation=interp)
    top = out.max()
    return np.clip(out / top, 0, 1).astype(np.float32) if top > 0 else out


def batch(masks: list[np.ndarray]) -> np.ndarray:
    """Stack glyph masks into the network's (N, 1, 28, 28) float32 input."""
    if not masks:
        return np.zeros((0, 1, SIZE, SIZE), np.float32)
    return np.stack([to_emnist(m) for m in masks])[:, None]


TTA_SCALES = (0.9, 1.1)  # extra views the classifier averages over; chosen on the validation split


def scaled(glyphs: np.ndarray, factor: float) -> np.ndarray:
    """The (N, 1, 28, 28) glyphs zoomed by `factor` about the centre (test-time augmentation)."""
    m = cv2.getRotationMatrix2D((SIZE / 2 - 0.5, SIZE / 2 - 0.5), 0.0, factor)
    out = np.empty_like(glyphs)
    for i, g in enumerate(glyphs):
        out[i, 0] = cv2.warpAffine(g[0], m, (SIZE, SIZE), flags=cv2.INTER_LINEAR, borderValue=0)
    return out


def with_views(predict, glyphs: np.ndarray) -> np.ndarray:
    """Class probabilities averaged over the glyphs as they are and zoomed by each of TTA_SCALES."""
    views = np.concatenate([glyphs] + [scaled(glyphs, f) for f in TTA_SCALES])  # one batch: fewer calls
    return predict(views).reshape(1 + len(TTA_SCALES), len(glyphs), -1).mean(axis=0)
