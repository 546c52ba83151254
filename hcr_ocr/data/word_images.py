"""Word images to train the word reader on: words set from EMNIST derived47 *training* glyphs (as the
synthetic pages are set from its test glyphs) or in the print training fonts, degraded, as the reader's
`word_input` makes them.

    from hcr_ocr.data.word_images import word_images
    images, widths, texts = word_images(1000, seed=1, print_share=0.25)
    images.shape, widths[:3], texts[:3]    # uint8 (1000, 32, 256) ink bright, left-aligned; caseless texts

A word is a listed word (any of the shipped list's words of letters), a random string of letters or a
number; in small letters, Capitalised or CAPITALS; at a random letter size. Its letters touch now and then.
Then one stroke weight is drawn for the whole word (a marker's thick strokes, a hairline pen's centre line,
sometimes broken, a thinner stroke, or as written), the word may be blurred before the threshold (rounded,
merged strokes), slanted and turned a little, and specked. Print fonts are FreeFont, URW, Noto, Open
Sans, Lato and EB Garamond (`printed.training_fonts`): never the fonts of the test pages.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from hcr_ocr.data import synthetic
from hcr_ocr.data.datasets import load_split, true_characters
from hcr_ocr.reading.lexicon import Lexicon
from hcr_ocr.reading.word_reader import INK_MARGIN, WORD_HEIGHT, WORD_MAX_WIDTH, word_input

LETTERS = "abcdefghijklmnopqrstuvwxyz"
NUMBER_SHARE = 0.15  # share of words that are numbers (1-5 digits) ...
RANDOM_SHARE = 0.15  # ... and of random strings of 1-8 letters (the rest are listed words)
CAPITALS_SHARE, CAPITALISED_SHARE = 0.3, 0.2  # cases of a word of letters (the rest small letters)
CAP_HEIGHT = (14, 60)  # capital height in pixels, uniform (the smallest one a parameter of word_images)
MAX_TOUCHING = 0.5  # each word draws its chance that two letters touch from 0 up to this
MARKER_SHARE, HAIRLINE_SHARE, THIN_SHARE = 0.25, 0.2, 0.1  # stroke weights (the rest as written)
MARKER_MAX_RADIUS = 0.14  # marker: a disk of radius up to this share of the capital height ...
MARKER_DISK_CAP = 12  # ... on capitals this high or more; smaller ones grow a pixel (a disk blots them)
BLUR_SHARE = 0.1  # words blurred before the threshold ...
BLUR_MAX = 0.12  # ... by a sigma up to this share of the capital height
SPECK_SHARE = 0.2  # words with specks of dust about them
SLANT_SD, TURN_SD = 0.15, 2.5  # slant (shear) and turn (degrees), normal


def glyph_bank(data_dir: str | Path | None = None) -> dict[str, np.ndarray]:
    """Training glyphs by character: the exact character where its provenance tells it, else the class."""
    train = load_split("emnist", "train", data_dir)
    bank = {c: train.images[train.labels == i, 0] for i, c in enumerate(train.classes)}
    true = np.array(true_characters("train", data_dir))
    for ch in set(true) - {""}:
        pool = train.images[: len(true)][true == ch, 0]
        if len(pool) >= synthetic.MIN_POOL:
            bank[ch] = pool
    return bank


def word_text(rng: np.random.Generator, words: list[str]) -> str:
    """A word to write: a number, a random string of letters or a listed word, in some case."""
    kind = rng.random()
    if kind < NUMBER_SHARE:
        return str(rng.integers(0, 10 ** rng.integers(1, 6)))
    if kind < NUMBER_SHARE + RANDOM_SHARE:
        text = "".join(rng.choice(list(LETTERS), rng.integers(1, 9)))
    else:
        text = str(rng.choice(words))
    case = rng.random()
    if case < CAPITALS_SHARE:
        return text.upper()
    return text.capitalize() if case < CAPITALS_SHARE + CAPITALISED_SHARE else text


def written(text: str, bank: dict[str, np.ndarray], rng: np.random.Generator, cap: int) -> np.ndarray:
    """The word in EMNIST glyphs (ink coverage 0..1), letters sized and placed as on the synthetic pages."""
    page = np.zeros((int(2.2 * cap), len(text) * cap * 2 + 2 * cap), np.float32)
    baseline, x = int(1.4 * cap), cap // 2
    touching = rng.uniform(0, MAX_TOUCHING)
    for ch in text:
        pool = synthetic.glyph_pool(ch, bank)
        glyph = pool[rng.integers(len(pool))]
        small = ch in synthetic.X_HEIGHT or ch in synthetic.DESCENDERS
        share = rng.uniform(0.55, 0.72) if ch in synthetic.X_HEIGHT else rng.uniform(0.88, 1.08)
        ink = synthetic.glyph_ink(glyph, max(4, int(cap * share)))
        drop = int(0.35 * cap) if ch in synthetic.DESCENDERS and small else 0
        bottom = baseline + int(rng.normal(0, 0.04 * cap)) + drop
        region = page[max(0, bottom - ink.shape[0]) : bottom, x : x + ink.shape[1]]
        np.maximum(region, ink[: region.shape[0], : region.shape[1]], out=region)
        gap = rng.uniform(-0.08, 0.0) if rng.random() < touching else rng.uniform(0.03, 0.3)
        x += ink.shape[1] + int(cap * gap)
    return page


def printed(text: str, font: Path, cap: int) -> np.ndarray:
    """The word set in a print font with its own spacing (ink coverage 0..1)."""
    from PIL import Image, ImageDraw, ImageFont

    face = ImageFont.truetype(str(font), int(cap * 1.4))
    left, top, right, bottom = face.getbbox(text)
    canvas = Image.new("L", (right - left + 2 * cap, bottom - top + 2 * cap), 0)
    ImageDraw.Draw(canvas).text((cap - left, cap - top), text, fill=255, font=face)
    return np.asarray(canvas, np.float32) / 255.0


def degraded(coverage: np.ndarray, rng: np.random.Generator, cap: int) -> np.ndarray:
    """A word's ink coverage → its binary mask, slanted, turned, its strokes reweighted, specked."""
    from skimage.morphology import skeletonize

    h, w = coverage.shape
    shear, turn = rng.normal(0, SLANT_SD), rng.normal(0, TURN_SD)
    warp = cv2.getRotationMatrix2D((w / 2, h / 2), turn, 1.0)
    warp[0, 1] += shear
    warp[0, 2] -= shear * h / 2
    coverage = cv2.warpAffine(coverage, warp, (w, h), flags=cv2.INTER_LINEAR)
    blurred, threshold = rng.random() < BLUR_SHARE, rng.uniform(0.3, 0.6)
    if blurred:
        coverage = cv2.GaussianBlur(coverage, (0, 0), rng.uniform(0.5, BLUR_MAX * cap))
        coverage = coverage / max(float(coverage.max()), 1e-3)
    mask = (coverage > threshold).astype(np.uint8)
    weight = rng.random()
    if weight < MARKER_SHARE and cap < MARKER_DISK_CAP:
        mask = cv2.dilate(mask, np.ones((2, 2), np.uint8))
    elif weight < MARKER_SHARE:
        r = int(rng.uniform(1, MARKER_MAX_RADIUS * cap))
        mask = cv2.dilate(mask, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1, 2 * r + 1)))
    elif weight < MARKER_SHARE + HAIRLINE_SHARE:
        mask = skeletonize(mask > 0).astype(np.uint8)
        if rng.random() < 0.5:
            mask = cv2.dilate(mask, np.ones((2, 2), np.uint8))
        if rng.random() < 0.3:  # a pen that skips
            gaps = (rng.random(mask.shape) < 0.03).astype(np.uint8)
            mask[cv2.dilate(gaps, np.ones((2, 2), np.uint8)) > 0] = 0
    elif weight < MARKER_SHARE + HAIRLINE_SHARE + THIN_SHARE:
        mask = cv2.erode(mask, np.ones((2, 2), np.uint8))
    ys, xs = np.nonzero(mask)
    if len(xs) == 0:
        return mask
    m = INK_MARGIN
    mask = mask[max(0, ys.min() - m) : ys.max() + 1 + m, max(0, xs.min() - m) : xs.max() + 1 + m]
    if rng.random() < SPECK_SHARE:
        specks = (rng.random(mask.shape) < rng.uniform(0.0005, 0.003)).astype(np.uint8)
        mask = np.maximum(mask, cv2.dilate(specks, np.ones((2, 2), np.uint8)))
    return mask


def word_images(
    n: int,
    seed: int = 0,
    print_share: float = 0.0,
    data_dir: str | Path | None = None,
    smallest_cap: int = CAP_HEIGHT[0],
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """n word images (uint8 (n, WORD_HEIGHT, WORD_MAX_WIDTH), each left-aligned, its width in `widths`)
    and their caseless texts; `print_share` of them set in print fonts, the rest written in EMNIST glyphs;
    capitals from `smallest_cap` to CAP_HEIGHT[1] pixels high (a small one: a page written small or scanned
    at a low resolution, its binary strokes blocky once scaled up to the reader's height)."""
    from hcr_ocr.data.printed import training_fonts

    rng = np.random.default_rng(seed)
    bank = glyph_bank(data_dir)
    words = [w for w in Lexicon.shipped().prior if w.isalpha() and w.isascii() and len(w) <= 12]
    fonts = training_fonts() if print_share > 0 else []
    images = np.zeros((n, WORD_HEIGHT, WORD_MAX_WIDTH), np.uint8)
    widths, texts = np.zeros(n, np.int16), []
    for i in range(n):
        text = word_text(rng, words)
        cap = int(rng.uniform(smallest_cap, CAP_HEIGHT[1]))
        if fonts and rng.random() < print_share:
            coverage = printed(text, fonts[rng.integers(len(fonts))], cap)
        else:
            coverage = written(text, bank, rng, cap)
        image = word_input(degraded(coverage, rng, cap))
        images[i, :, : image.shape[1]] = image * 255  # as uint8: truncated
        widths[i] = image.shape[1]
        texts.append(text.lower())
    return images, widths, texts
