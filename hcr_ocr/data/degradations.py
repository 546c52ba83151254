"""Degraded copies of a page for the conditions benchmark: noise, blur, scale, stroke weight, contrast,
paper, geometry and inversion, each a pure numpy/OpenCV function of the page and a seeded generator.

    import numpy as np
    from hcr_ocr.data.degradations import CONDITIONS, degrade
    noisy = CONDITIONS["gauss-30"](gray, np.random.default_rng(0))   # uint8 page in, uint8 page out
    faded = degrade(gray, "ink-30", seed=0)                           # the same, by name

Every function takes a uint8 grayscale page (dark ink on light paper) and returns a uint8 grayscale page.
The ink-dependent conditions (stroke weight, ink contrast, paper under the writing) split the page
themselves: Otsu finds the ink, the paper is interpolated under it, and the page is modelled as paper times
the ink's transmittance, so ink can be thickened, thinned or faded and paper swapped under it. Stroke weight
and ruling scale with the measured stroke width and letter height, so "marker" is thick on every page.
The pages are made at run time and never stored.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import cv2
import numpy as np

from hcr_ocr.errors import HcrError

GAUSS_SIGMAS = (15, 30, 45)  # Gaussian sensor noise, standard deviation in grey levels
SALT_PEPPER = (3, 8, 15)  # salt-and-pepper noise, percent of pixels set to black or white
SPECKLE_STRENGTH = 0.12  # film grain: multiplicative noise of this spread (~25 levels on paper), in clumps
SPECKLE_GRAIN = 1.2  # film grain: clump size (Gaussian sigma of the noise, pixels)
BLUR_SIGMAS = (1, 2.5)  # defocus, Gaussian sigma in pixels
JPEG_QUALITIES = (25, 10)  # JPEG re-encoding quality
SCALES = (0.35, 0.6, 2, 4)  # the whole page resized by this factor
MARKER_WIDTH_OF_HEIGHT = 0.2  # marker: strokes this fraction of the letter height wide ...
MARKER_MIN_FACTOR = 2.0  # ... and at least this many times their measured width
HAIRLINE_FACTOR = 0.3  # hairline pen: strokes this fraction of their measured width (at least 1 pixel)
INK_LEVELS = (50, 30)  # pencil and faded pen: ink at this percent of its darkness
GRADIENT_DARKEST = 0.3  # uneven light: the light falls linearly to this fraction across the page
SHADOW_LEVEL = 0.4  # shadow band: light inside the band, as a fraction of the rest
SHADOW_WIDTH = 0.25  # shadow band: width as a fraction of the page across the band
TINT = 0.62  # tinted paper: its brightness as a fraction of white paper's (a mid-coloured sheet in grey)
TEXTURE_STRENGTH = 0.12  # textured paper: relative depth of its blotches, fibres and grain
RULE_SPACING = 1.4  # ruled paper: line pitch in letter heights
GRID_SPACING = 0.8  # squared paper: square side in letter heights
RULE_DARKNESS = 0.7  # ruled and squared paper: the printed lines reflect this fraction of the paper's light
ROTATIONS = (4, 10)  # rotation in degrees, with a random sign
KEYSTONE = 0.1  # perspective: one edge of the page shortened by this fraction of its length

Condition = Callable[[np.ndarray, np.random.Generator], np.ndarray]


def _u8(x: np.ndarray) -> np.ndarray:
    return np.clip(np.rint(x), 0, 255).astype(np.uint8)


def _gray(page: np.ndarray) -> np.ndarray:
    if page.dtype != np.uint8 or page.ndim != 2 or min(page.shape) < 2:
        raise HcrError(f"a degradation needs a 2-D uint8 grayscale page, not {page.dtype} {page.shape}")
    return page


# --- the ink/paper split ---------------------------------------------------------------------------------


@dataclass
class Split:
    """The page as paper (smooth, float32 grey levels) times ink transmittance (1 = no ink)."""

    ink: np.ndarray  # bool, the Otsu ink mask
    paper: np.ndarray  # float32, the paper interpolated under the ink
    alpha: np.ndarray  # float32 0..1: how much light the ink absorbs (0 off the ink)
    grain: np.ndarray  # float32: the page over paper and ink, the paper's own grain (1 on average)
    grain_std: float  # relative standard deviation of the paper's grain
    stroke: float  # typical stroke width, pixels
    letter: float  # typical letter height, pixels

    def compose(self, alpha: np.ndarray | None = None, paper: np.ndarray | None = None) -> np.ndarray:
        a = self.alpha if alpha is None else alpha
        p = self.paper if paper is None else paper
        return _u8(p * (1.0 - a) * self.grain)


def _box_blur(x: np.ndarray, size: int) -> np.ndarray:
    size = max(1, int(size))
    return cv2.blur(cv2.blur(x, (size, size)), (size, size))  # two box passes: a tent, any size in O(n)


def stroke_width(ink: np.ndarray) -> float:
    """Typical stroke width of an ink mask: its area over its skeleton's length."""
    from skimage.morphology import skeletonize

    length = int(np.count_nonzero(skeletonize(ink)))
    return float(np.count_nonzero(ink)) / length if length else 1.0


def letter_height(ink: np.ndarray, stroke: float) -> float:
    """Median height of the ink's connected pieces that are more than specks."""
    n, _, stats, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8), connectivity=8)
    heights = [
        stats[i, cv2.CC_STAT_HEIGHT] for i in range(1, n) if stats[i, cv2.CC_STAT_AREA] > 4 * stroke**2
    ]
    return float(np.median(heights)) if heights else max(8.0, 6 * stroke)


def split_page(page: np.ndarray) -> Split:
    """Find the ink (Otsu), the paper under it (interpolated from the paper around), the ink's absorption,
    and the paper's grain; measure stroke width and letter height."""
    gray = _gray(page)
    level, _ = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    ink = gray <= level
    stroke = stroke_width(ink) if ink.any() else 1.0
    letter = letter_height(ink, stroke)
    g = gray.astype(np.float32)
    away = cv2.dilate(ink.astype(np.uint8), np.ones((3, 3), np.uint8), iterations=max(1, round(stroke / 2)))
    clear = (away == 0).astype(np.float32)
    size = max(9, int(2 * letter))
    weight = _box_blur(clear, size)
    paper = _box_blur(g * clear, size) / np.maximum(weight, 1e-3)
    paper = np.where(weight > 1e-3, paper, float(np.median(g[clear > 0])) if clear.any() else 255.0)
    paper = np.maximum(paper, g.max() * 0.05 + 1.0).astype(np.float32)
    ratio = g / paper
    grain_std = float(np.std(ratio[clear > 0])) if clear.any() else 0.0
    # ink: what absorbs clearly more than the grain does; the rest of the page is grain
    floor = max(0.08, 4 * grain_std)
    alpha = np.clip(1.0 - ratio, 0.0, 0.98)
    alpha = np.where((alpha > floor) & (away > 0), alpha, 0.0).astype(np.float32)
    grain = (ratio / (1.0 - alpha)).astype(np.float32)
    return Split(ink, paper.astype(np.float32), alpha, grain, grain_std, stroke, letter)


def _grain_like(split: Split, where: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The split's grain with fresh grain of the same spread where ink was taken away."""
    fresh = 1.0 + rng.normal(0.0, split.grain_std, split.grain.shape).astype(np.float32)
    return np.where(where, fresh, split.grain)


# --- noise, blur, compression ----------------------------------------------------------------------------


def gaussian_noise(page: np.ndarray, rng: np.random.Generator, sigma: float) -> np.ndarray:
    return _u8(_gray(page) + rng.normal(0.0, sigma, page.shape))


def salt_and_pepper(page: np.ndarray, rng: np.random.Generator, percent: float) -> np.ndarray:
    out = _gray(page).copy()
    hit = rng.random(page.shape) < percent / 100
    salt = rng.random(page.shape) < 0.5
    out[hit & salt] = 255
    out[hit & ~salt] = 0
    return out


def speckle(page: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Film grain: multiplicative noise in clumps a few pixels wide, strongest on the bright paper."""
    noise = cv2.GaussianBlur(rng.normal(0.0, 1.0, page.shape).astype(np.float32), (0, 0), SPECKLE_GRAIN)
    noise /= max(float(noise.std()), 1e-6)
    return _u8(_gray(page) * (1.0 + SPECKLE_STRENGTH * noise))


def blur(page: np.ndarray, rng: np.random.Generator, sigma: float) -> np.ndarray:
    return cv2.GaussianBlur(_gray(page), (0, 0), sigma)


def jpeg(page: np.ndarray, rng: np.random.Generator, quality: int) -> np.ndarray:
    ok, data = cv2.imencode(".jpg", _gray(page), [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise HcrError("JPEG encoding failed")
    return cv2.imdecode(data, cv2.IMREAD_GRAYSCALE)


def scale(page: np.ndarray, rng: np.random.Generator, factor: float) -> np.ndarray:
    h, w = _gray(page).shape
    size = (max(1, round(w * factor)), max(1, round(h * factor)))
    return cv2.resize(page, size, interpolation=cv2.INTER_AREA if factor < 1 else cv2.INTER_CUBIC)


# --- stroke weight and ink contrast ----------------------------------------------------------------------


def marker(page: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A felt marker: every stroke widened to a fifth of the letter height (twice its width at least)."""
    s = split_page(page)
    target = max(MARKER_MIN_FACTOR * s.stroke, MARKER_WIDTH_OF_HEIGHT * s.letter)
    grow = max(2, round(target - s.stroke))
    disk = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (grow + 1, grow + 1))
    alpha = cv2.dilate(s.alpha, disk)  # grey dilation: each stroke spreads with its own darkness
    return s.compose(alpha)


def hairline(page: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A fine pen: every stroke thinned to its centre line, a third of its width (one pixel at least)."""
    from skimage.morphology import skeletonize

    s = split_page(page)
    core = skeletonize(s.alpha > 0)
    width = max(1.0, HAIRLINE_FACTOR * s.stroke)
    off = cv2.distanceTransform((~core).astype(np.uint8), cv2.DIST_L2, 3)
    keep = np.clip(width / 2 + 0.5 - off, 0.0, 1.0)  # 1 on the centre line, fading out over a pixel
    darkest = cv2.dilate(s.alpha, np.ones((3, 3), np.uint8))  # the centre line keeps the stroke's darkness
    alpha = (np.where(core, darkest, s.alpha) * keep).astype(np.float32)
    taken = (s.alpha > 0) & (alpha < s.alpha)  # where ink went, the paper's grain comes back
    return _u8(s.paper * (1.0 - alpha) * _grain_like(s, taken, rng))


def faded_ink(page: np.ndarray, rng: np.random.Generator, percent: float) -> np.ndarray:
    s = split_page(page)
    return s.compose(s.alpha * (percent / 100))


# --- light and paper -------------------------------------------------------------------------------------


def _coordinates(shape: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    h, w = shape
    return np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32))


def _across(shape: tuple[int, int], angle: float) -> tuple[np.ndarray, float]:
    """Each pixel's position along the direction `angle` (radians), from 0 to the page's extent that way."""
    x, y = _coordinates(shape)
    c, s = np.cos(angle), np.sin(angle)
    t = x * c + y * s
    lo, hi = float(t.min()), float(t.max())
    return t - lo, max(hi - lo, 1.0)


def gradient(page: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Light falling linearly across the page, in a random direction, to GRADIENT_DARKEST."""
    t, extent = _across(_gray(page).shape, rng.uniform(0, 2 * np.pi))
    light = 1.0 - (1.0 - GRADIENT_DARKEST) * t / extent
    return _u8(page * light)


def shadow(page: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A soft-edged band of shadow across the page, at a random angle, over a quarter of it."""
    t, extent = _across(_gray(page).shape, rng.uniform(0, np.pi))
    centre = extent * rng.uniform(0.3, 0.7)
    half = SHADOW_WIDTH * extent / 2
    soft = max(2.0, half / 3)
    inside = np.clip((half + soft / 2 - np.abs(t - centre)) / soft, 0.0, 1.0)
    return _u8(page * (1.0 - (1.0 - SHADOW_LEVEL) * inside))


def tinted(page: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Mid-coloured paper seen in grey: the paper at TINT of its brightness, the ink on it as dark as on it."""
    s = split_page(page)
    return s.compose(paper=s.paper * TINT)


def _texture(shape: tuple[int, int], letter: float, rng: np.random.Generator) -> np.ndarray:
    """Paper texture around 1: blotches about a letter wide, fibres, fine grain."""
    h, w = shape
    blotch = cv2.GaussianBlur(rng.normal(0, 1, shape).astype(np.float32), (0, 0), max(2.0, letter / 2))
    blotch /= max(float(blotch.std()), 1e-6)
    fibres = np.zeros(shape, np.float32)
    n = int(h * w / max(letter, 4) ** 2 * 3)
    length = max(4.0, letter / 2)
    x0, y0 = rng.uniform(0, w, n), rng.uniform(0, h, n)
    angle = rng.uniform(0, np.pi, n)
    depth = rng.uniform(0.3, 1.0, n)
    for x, y, a, d in zip(x0, y0, angle, depth, strict=True):
        x1, y1 = x + length * np.cos(a), y + length * np.sin(a)
        cv2.line(fibres, (int(x), int(y)), (int(x1), int(y1)), float(d), 1, cv2.LINE_AA)
    fine = cv2.GaussianBlur(rng.normal(0, 1, shape).astype(np.float32), (0, 0), 0.8)
    fine /= max(float(fine.std()), 1e-6)
    return 1.0 + TEXTURE_STRENGTH * (0.5 * blotch - 1.2 * fibres + 0.3 * fine)


def textured(page: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    s = split_page(page)
    return s.compose(paper=s.paper * _texture(page.shape, s.letter, rng))


def _lines(shape: tuple[int, int], pitch: float, phase: float, width: int, vertical: bool) -> np.ndarray:
    out = np.ones(shape, np.float32)
    size = shape[1] if vertical else shape[0]
    pos = phase
    while pos < size:
        p = int(round(pos))
        if vertical:
            out[:, p : p + width] = RULE_DARKNESS
        else:
            out[p : p + width, :] = RULE_DARKNESS
        pos += pitch
    return out


def ruled(page: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Ruled paper: printed lines every RULE_SPACING letter heights, at a random phase, and a margin."""
    s = split_page(page)
    pitch = max(6.0, RULE_SPACING * s.letter)
    width = max(1, round(s.stroke / 3))
    rules = _lines(page.shape, pitch, rng.uniform(0, pitch), width, vertical=False)
    margin = int(rng.uniform(0.05, 0.12) * page.shape[1])
    rules[:, margin : margin + width] = RULE_DARKNESS
    return s.compose(paper=s.paper * cv2.GaussianBlur(rules, (0, 0), 0.6))


def squared(page: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Squared (graph) paper: a grid of GRID_SPACING letter heights, at a random phase."""
    s = split_page(page)
    pitch = max(5.0, GRID_SPACING * s.letter)
    width = max(1, round(s.stroke / 4))
    grid = np.minimum(
        _lines(page.shape, pitch, rng.uniform(0, pitch), width, vertical=False),
        _lines(page.shape, pitch, rng.uniform(0, pitch), width, vertical=True),
    )
    return s.compose(paper=s.paper * cv2.GaussianBlur(grid, (0, 0), 0.6))


# --- geometry and polarity -------------------------------------------------------------------------------


def _paper_fill(page: np.ndarray) -> tuple[float, float]:
    """The paper's grey level and its noise, from the bright side of an Otsu split."""
    level, _ = cv2.threshold(page, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    paper = page[page > level]
    return (float(np.median(paper)), float(np.std(paper))) if paper.size else (255.0, 0.0)


def _warp(page: np.ndarray, matrix: np.ndarray, size: tuple[int, int], rng, perspective: bool) -> np.ndarray:
    level, noise = _paper_fill(page)
    warp = cv2.warpPerspective if perspective else cv2.warpAffine
    out = warp(page, matrix, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=level)
    inside = warp(np.ones_like(page), matrix, size, flags=cv2.INTER_NEAREST, borderValue=0) > 0
    fill = level + rng.normal(0.0, noise, out.shape)
    return np.where(inside, out, _u8(fill))


def rotate(page: np.ndarray, rng: np.random.Generator, degrees: float) -> np.ndarray:
    """The page turned by ±degrees (random sign) on a canvas grown to hold it, the corners filled with paper."""
    h, w = _gray(page).shape
    angle = degrees * rng.choice([-1.0, 1.0])
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    c, s = abs(matrix[0, 0]), abs(matrix[0, 1])
    nw, nh = int(np.ceil(w * c + h * s)), int(np.ceil(w * s + h * c))
    matrix[0, 2] += (nw - w) / 2
    matrix[1, 2] += (nh - h) / 2
    return _warp(page, matrix, (nw, nh), rng, perspective=False)


def keystone(page: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A photo taken a little from the side: one edge (chosen at random) shortened by KEYSTONE."""
    h, w = _gray(page).shape
    corners = np.float32([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]])
    moved = corners.copy()
    edge = int(rng.integers(4))  # top, right, bottom, left
    a, b = edge, (edge + 1) % 4
    shift = (corners[b] - corners[a]) * KEYSTONE / 2
    moved[a] += shift
    moved[b] -= shift
    matrix = cv2.getPerspectiveTransform(corners, moved)
    return _warp(page, matrix, (w, h), rng, perspective=True)


def inverted(page: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Light writing on a dark board: every grey level turned over."""
    return 255 - _gray(page)


# --- the registry ----------------------------------------------------------------------------------------


def _name(number: float) -> str:
    return f"{number:g}"


CONDITIONS: dict[str, Condition] = {
    **{f"gauss-{_name(s)}": partial(gaussian_noise, sigma=s) for s in GAUSS_SIGMAS},
    **{f"salt-pepper-{_name(p)}": partial(salt_and_pepper, percent=p) for p in SALT_PEPPER},
    "speckle": speckle,
    **{f"blur-{_name(s)}": partial(blur, sigma=s) for s in BLUR_SIGMAS},
    **{f"jpeg-{_name(q)}": partial(jpeg, quality=q) for q in JPEG_QUALITIES},
    **{f"scale-{_name(f)}": partial(scale, factor=f) for f in SCALES},
    "marker": marker,
    "hairline": hairline,
    **{f"ink-{_name(p)}": partial(faded_ink, percent=p) for p in INK_LEVELS},
    "gradient": gradient,
    "shadow": shadow,
    "tinted": tinted,
    "textured": textured,
    "ruled": ruled,
    "squared": squared,
    **{f"rotate-{_name(d)}": partial(rotate, degrees=d) for d in ROTATIONS},
    "keystone": keystone,
    "inverted": inverted,
}


def quarter_turns(page: np.ndarray, rng: np.random.Generator, turns: int) -> np.ndarray:
    """The page scanned upside down (2) or photographed sideways (1, 3): `turns` x 90 degrees anticlockwise."""
    from hcr_ocr.reading.orientation import turned

    return turned(_gray(page), turns)


# Asked for by name only: "all" stays the set every figure so far was measured on.
EXTRA_CONDITIONS: dict[str, Condition] = {
    f"turned-{90 * k}": partial(quarter_turns, turns=k) for k in (1, 2, 3)
}
KNOWN = {**CONDITIONS, **EXTRA_CONDITIONS}


def parse_conditions(text: str) -> list[str]:
    """ "all" or comma-separated names → the names, "clean" first; an unknown name is an HcrError."""
    names = [n.strip() for n in text.split(",") if n.strip()]
    if names == ["all"]:
        return ["clean", *CONDITIONS]
    unknown = [n for n in names if n != "clean" and n not in KNOWN]
    if unknown or not names:
        raise HcrError(
            f"unknown condition {', '.join(map(repr, unknown)) or repr(text)}: "
            f"choose 'all' or from clean, {', '.join(KNOWN)}"
        )
    return ["clean", *dict.fromkeys(n for n in names if n != "clean")]


def condition_rng(seed: int, condition: str, index: int, source: str = "") -> np.random.Generator:
    """The generator of one page of one source under one condition: the same whichever conditions run."""
    return np.random.default_rng([seed, zlib.crc32(condition.encode()), zlib.crc32(source.encode()), index])


def degrade(page: np.ndarray, condition: str, seed: int = 0, index: int = 0, source: str = "") -> np.ndarray:
    """`page` under `condition` ("clean" gives it back), with the generator of (seed, condition, source,
    index)."""
    if condition == "clean":
        return _gray(page)
    if condition not in KNOWN:
        raise HcrError(f"unknown condition {condition!r}: choose from clean, {', '.join(KNOWN)}")
    return KNOWN[condition](_gray(page), condition_rng(seed, condition, index, source))
