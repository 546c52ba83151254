"""Stage 1c, denoise: measure the page's polarity and noise, and give binarisation dark ink on light paper
with no more noise than a clean scan has.

    from hcr_ocr.reading.denoise import dark_on_light, denoise
    gray = dark_on_light(gray)   # a light-on-dark page inverted (before anything measures its letters)
    clean = denoise(gray)        # speckle and grain smoothed in proportion to how much there is ...
    clean = sharpen(gray) if clean is gray else clean   # ... or, where there was none, blur sharpened

Light writing on a dark board is recognised by which grey is the minority: ink covers a small share of a
page, so when the bright side of the page's Otsu split is the small one, the page is inverted, unless that
side is one solid region (a sheet of paper photographed on a darker desk). Impulse noise
(salt and pepper, dust) is the share of pixels far darker or brighter than all their neighbours; it is
removed with median filters.
Sensor grain is measured as the standard deviation of a Laplacian-like residual (Immerkaer's estimate, with a
median so that the strokes' edges do not count); it is smoothed by a Gaussian whose width grows with it.
Clumped grain (film grain, speckle: noise that does not average away when the page is shrunk) is smoothed
by non-local means of a strength that grows with it, which keeps the thin strokes and serifs a Gaussian
wide enough for the clumps would wash out.
A page without noise to smooth is measured for blur (the steepness of its edges against its contrast) and,
when blurred, deconvolved with a gaussian of that blur (Richardson-Lucy), or, where its pixel noise is too
high for that, sharpened by an unsharp mask in proportion to the blur.
"""

from __future__ import annotations

import logging

import cv2
import numpy as np

from hcr_ocr.reading.binarization import flatten_background
from hcr_ocr.reading.scale import letter_height, preview
from hcr_ocr.reading.settings import DEFAULT, DenoiseSettings, Settings
from hcr_ocr.reading.stats import count_median, percentile

log = logging.getLogger(__name__)

# Immerkaer's kernel: flat and linear regions give 0; white noise of sigma s gives a residual of sigma 6 s.
_NOISE_KERNEL = np.array([[1, -2, 1], [-2, 4, -2], [1, -2, 1]], np.float32)
_NOISE_GAIN = 6.0
_MAD_TO_SIGMA = 0.6745  # the median absolute deviation of a normal distribution, in sigmas


def is_inverted(gray: np.ndarray, *, settings: DenoiseSettings = DEFAULT.denoise) -> bool:
    """Whether the page is light writing on a dark ground: the bright side of its Otsu split is a small
    share of the page and clearly brighter than the rest."""
    s = settings
    small = preview(gray, s.preview_side)
    small = cv2.GaussianBlur(small, (0, 0), 1.0)
    otsu, _ = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    bright = small > otsu
    share = float(bright.mean())
    if not 0 < share < s.inverted_max_share:
        return False
    contrast = float(small[bright].mean()) - float(small[~bright].mean())
    return contrast >= s.inverted_min_contrast and not _is_sheet(bright, s)


def _is_sheet(bright: np.ndarray, s: DenoiseSettings) -> bool:
    """Whether the bright side is a sheet of paper on a darker desk (a photo), not light writing: one solid
    region, filling most of its box and holding most of the bright pixels; writing comes in strokes."""
    _, _, stats, _ = cv2.connectedComponentsWithStats(bright.astype(np.uint8), connectivity=8)
    x, y, w, h, area = stats[1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))]
    return area >= s.sheet_min_share * bright.sum() and area >= s.sheet_min_fill * w * h


def noise_sigma(gray: np.ndarray) -> float:
    """The standard deviation of the page's pixel noise, in grey levels."""
    if min(gray.shape) < 3:
        return 0.0
    residual = cv2.filter2D(gray.astype(np.float32), -1, _NOISE_KERNEL)[1:-1, 1:-1]  # whole numbers
    return float(count_median(np.abs(residual)) / (_MAD_TO_SIGMA * _NOISE_GAIN))


def impulse_share(gray: np.ndarray, *, settings: DenoiseSettings = DEFAULT.denoise) -> float:
    """The share of pixels much darker or brighter than all eight of their neighbours: salt and pepper,
    dust. A stroke's pixels, however thin, have neighbours like them and do not count."""
    ring = np.ones((3, 3), np.uint8)
    ring[1, 1] = 0
    lowest, highest = cv2.erode(gray, ring), cv2.dilate(gray, ring)
    g = gray.astype(np.int16)
    delta = settings.impulse_delta
    return float(np.mean((g < lowest.astype(np.int16) - delta) | (g > highest.astype(np.int16) + delta)))


def dark_on_light(gray: np.ndarray, *, settings: DenoiseSettings = DEFAULT.denoise) -> np.ndarray:
    """The page with dark ink on light paper: inverted if it is light writing on a dark ground."""
    if is_inverted(gray, settings=settings):
        log.debug("light writing on a dark ground: the page is read inverted")
        return 255 - gray
    return gray


def denoise(gray: np.ndarray, *, settings: DenoiseSettings = DEFAULT.denoise) -> np.ndarray:
    """The page with its impulse noise filtered out and its grain smoothed in proportion to its strength;
    `gray` itself (the same array) when it has neither. The grain is measured before the median filter,
    which hides it from the measure but not from the binarisation."""
    s = settings
    sigma = noise_sigma(gray)
    for _ in range(s.median_passes):
        share = impulse_share(gray, settings=s)
        if share < s.impulse_min_share:
            break
        log.debug("%.1f%% impulse noise: median filter", 100 * share)
        gray = cv2.medianBlur(gray, 3)
    blur = sigma * s.blur_per_sigma if sigma > s.grain_min_sigma else 0.0
    coarse = coarse_noise_sigma(gray, s.coarse_factor) if min(gray.shape) >= s.coarse_min_side else 0.0
    if coarse > s.coarse_min_sigma and coarse_noise_sigma(gray, 2) > sigma:  # clumps: no less when halved
        strength = min(s.means_max_strength, coarse * s.means_per_sigma)
        log.debug(
            "clumped grain of sigma %.1f grey levels: non-local means of strength %.0f", coarse, strength
        )
        return cv2.fastNlMeansDenoising(
            gray, None, h=strength, templateWindowSize=s.means_patch, searchWindowSize=s.means_search
        )
    if blur > 0:
        blur = min(s.max_blur, blur)
        log.debug("grain of sigma %.1f grey levels: gaussian blur of %.2f px", sigma, blur)
        return cv2.GaussianBlur(gray, (0, 0), blur)
    return gray


def edge_blur(gray: np.ndarray, settings: Settings = DEFAULT) -> float:
    """How blurred the page's edges are, in px: about the sigma of the gaussian that, applied to a sharp edge
    of the page's contrast, gives its typical steepest slope (contrast / (sigma sqrt(2 pi))). Measured with the
    paper's uneven light flattened (the soft edge of a shadow is no blur). 0 on a page too flat or with
    too few edges to tell."""
    flat = flatten_background(gray, settings=settings.binarization).astype(np.float32)
    return _blur_and_contrast(flat, settings.denoise)[0]


def _blur_and_contrast(flat: np.ndarray, s: DenoiseSettings) -> tuple[float, float]:
    """`edge_blur` of a page already flattened (float32), and its contrast: the grey levels between its paper
    and its ink."""
    contrast = percentile(flat, s.blur_paper_percentile) - percentile(flat, s.blur_ink_percentile)
    if contrast < s.blur_min_contrast:
        return 0.0, contrast
    dx = cv2.Sobel(flat, cv2.CV_32F, 1, 0, ksize=3, scale=0.125)
    dy = cv2.Sobel(flat, cv2.CV_32F, 0, 1, ksize=3, scale=0.125)
    slope = cv2.magnitude(dx, dy)
    edges = slope[slope > s.blur_edge_slope * contrast]
    if edges.size < s.blur_min_edge_px:
        return 0.0, contrast
    steepest = percentile(edges, s.blur_slope_percentile)
    return float(contrast / (np.sqrt(2 * np.pi) * steepest)), contrast


def sharpen(gray: np.ndarray, settings: Settings = DEFAULT) -> np.ndarray:
    """A blurred page (out of focus, a soft scan) with its blur undone, which brings back the thin strokes and
    the gaps between letters (the eye of an e) that the blur filled in. A page is blurred when its edges are
    soft both in pixels and for the size of its letters (big writing enlarged is soft in pixels only) and
    carry no clumped grain. A page with little pixel noise for its contrast is deconvolved (`deblur`), in
    fewer steps the noisier it is; a noisier one, which deconvolution would fill with the noise it amplifies
    (faint ink on grainy paper), gets an unsharp mask in proportion to its blur. Any other page is returned as
    it is. For a page that `denoise` left as it was: sharpening a smoothed page would undo the smoothing."""
    s = settings.denoise
    flat = flatten_background(gray, settings=settings.binarization).astype(np.float32)
    blur, contrast = _blur_and_contrast(flat, s)
    if blur < s.sharpen_min_blur:
        return gray
    if coarse_noise_sigma(gray, s.coarse_factor) > s.sharpen_max_noise:  # grain either would amplify
        return gray
    letters = letter_height(gray, settings)
    if letters <= 0 or blur < s.sharpen_min_blur_per_letter * letters:
        return gray
    noise = noise_sigma(gray) / contrast  # a measured blur means a contrast of blur_min_contrast or more
    if noise < s.deblur_max_noise:
        # each step amplifies the noise further: a noisier page stops sooner, a bigger one too (bounded time)
        steps = s.deblur_iterations * (1.0 - noise / s.deblur_max_noise)
        steps = max(1, int(min(steps, s.deblur_max_work * 1e6 / flat.size)))
        log.debug("edges blurred by a gaussian of ~%.1f px, letters %.0f px tall: deconvolved", blur, letters)
        return deblur(flat, blur, steps)
    log.debug("edges blurred by a gaussian of ~%.1f px, letters %.0f px tall: unsharp mask", blur, letters)
    page = gray.astype(np.float32)
    soft = cv2.GaussianBlur(page, (0, 0), s.sharpen_width * blur)
    return np.clip(page + s.sharpen_amount * (page - soft), 0, 255).astype(np.uint8)


def deblur(flat: np.ndarray, sigma: float, iterations: int) -> np.ndarray:
    """A page (its paper flattened to ~255) deconvolved from a gaussian blur of `sigma` px by Richardson and
    Lucy's iterations, run on the ink's darkness (paper ~0), which is what they restore best: a sparse,
    positive image."""
    seen = 256.0 - flat.astype(np.float32)  # a new array: the page is left as it was
    ink = seen.copy()
    for _ in range(iterations):
        ratio = seen / np.maximum(cv2.GaussianBlur(ink, (0, 0), sigma), 1e-3)
        ink *= cv2.GaussianBlur(ratio, (0, 0), sigma)  # the gaussian is its own mirror image
    return np.clip(256.0 - ink, 0, 255).astype(np.uint8)


def coarse_noise_sigma(gray: np.ndarray, factor: int) -> float:
    """The noise of the page shrunk `factor` times: film grain and speckle come in clumps of a few pixels,
    which the pixel-level measure misses, while white noise averages away when shrunk (halved, its measure
    halves; a clumped grain's does not)."""
    h, w = gray.shape
    if min(h, w) < 3 * factor:
        return 0.0
    small = cv2.resize(gray, (w // factor, h // factor), interpolation=cv2.INTER_AREA)
    return noise_sigma(small)
