"""Labelled glyphs of ordinary print fonts, rendered and normalised the way the reader sees a glyph.

    from hcr_ocr.data.printed import printed_glyphs
    images, labels, fonts = printed_glyphs(per_class=200, seed=0)
    images.shape, labels[:3], fonts[:2]   # uint8 (9400, 28, 28) upright, bright ink; int64 classes (47); names

The classifier learns from handwriting only and so misreads printed type (a serif T read as I, F as E).
These glyphs put print among its training images. Each is one character of its class (digits 0-9; a
merged class such as C/c either case, chosen at random; a, b, d, e, f, g, h, n, q, r, t small, their
capitals in their own classes) from one of the installed training fonts, at a random size (32-96 px),
turned by up to ±4°, sheared by up to ±0.15, its strokes thickened or thinned (or left) by a small
dilation or erosion; then binarised and normalised by the reader's own `normalization.to_emnist`.
The images are in the layout of `datasets.load_split` (upright: the EMNIST files' transpose undone) as
uint8, so `images / 255` sits beside the training images, as `harvest.harvest_glyphs`'s do.

The training fonts (`TRAIN_FONT_PATTERNS`, from `scripts/install-deps.sh train-fonts`) are FreeFont, URW
base35, a few Noto, Open Sans, Lato and EB Garamond. Never DejaVu, Liberation or the croscore fonts
(Arimo, Tinos, Cousine: Liberation's twins): the test pages are set in those, and training on them would
be fitting the test. The result is cached (npz under $HCR_OCR_CACHE, else the platform's user cache
folder), keyed by per_class, seed, the fonts and the code that makes the glyphs.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import cv2
import numpy as np

from hcr_ocr.data.datasets import BALANCED47
from hcr_ocr.errors import DataError
from hcr_ocr.reading.lexicon import CACHE_ENV, cache_dir  # noqa: F401 (CACHE_ENV: tests set it)

PRINTED_VERSION = 1  # bump when what is rendered changes in a way the cache key cannot see
FONT_ROOT = Path("/usr/share/fonts")
# Globs under FONT_ROOT; files PIL's ImageFont.truetype opens (TrueType, OpenType/CFF). Symbol, dingbat and
# script faces of the same packages (StandardSymbolsPS, D050000L, Z003) and hairline weights are left out.
TRAIN_FONT_PATTERNS = (
    "truetype/freefont/Free*.ttf",  # fonts-freefont-ttf: FreeSans, FreeSerif, FreeMono, bold/oblique
    "opentype/urw-base35/NimbusSans-*.otf",  # fonts-urw-base35 (the .otf, not the Type 1 files)
    "opentype/urw-base35/NimbusSansNarrow-*.otf",
    "opentype/urw-base35/NimbusRoman-*.otf",
    "opentype/urw-base35/NimbusMonoPS-*.otf",
    "opentype/urw-base35/URWBookman-*.otf",
    "opentype/urw-base35/URWGothic-*.otf",
    "opentype/urw-base35/C059-*.otf",
    "opentype/urw-base35/P052-*.otf",
    "truetype/noto/NotoSans-Regular.ttf",  # fonts-noto-core: a few upright faces
    "truetype/noto/NotoSans-Bold.ttf",
    "truetype/noto/NotoSerif-Regular.ttf",
    "truetype/noto/NotoSerif-Bold.ttf",
    "truetype/noto/NotoSansMono-Regular.ttf",  # in fonts-noto-mono, where that is installed
    "truetype/noto/NotoSansMono-Bold.ttf",
    "truetype/open-sans/OpenSans-*.ttf",  # fonts-open-sans
    "truetype/lato/Lato-*.ttf",  # fonts-lato (not Hairline or Thin, below)
    "opentype/ebgaramond/EBGaramond*.otf",  # fonts-ebgaramond
)
# Never used, whatever the patterns match: the test pages' fonts and their clones; hairline weights.
EXCLUDED_FONTS = re.compile(r"dejavu|liberation|arimo|tinos|cousine|hairline|thin", re.IGNORECASE)
INSTALL_HINT = "scripts/install-deps.sh train-fonts"

SIZES = (32, 96)  # font size in px, inclusive
MAX_ROTATION = 4.0  # degrees, either way
MAX_SHEAR = 0.15  # horizontal shear (x shift per px of height), either way
STROKE_CHANGE = (0.02, 0.05)  # morphology kernel as a share of the font size (at least 2 px)
ERODE_MIN_KEEP = 0.5  # share of the ink an erosion must keep to be used
INK_THRESHOLD = 128  # of the 0-255 antialiased rendering: binarisation


def class_characters(classes: str = BALANCED47) -> list[str]:
    """For each class, the characters it stands for: the class itself and, for a capital whose small form
    has no class of its own (C/c, I/i, ..., Z/z), that small form too."""
    out = []
    for ch in classes:
        forms = ch
        if ch.isupper() and ch.lower() not in classes:
            forms += ch.lower()
        out.append(forms)
    return out


def training_fonts(root: Path | None = None) -> list[Path]:
    """The installed training font files, sorted by name (so the choice of fonts is the same everywhere)."""
    root = FONT_ROOT if root is None else Path(root)
    found = {p for pattern in TRAIN_FONT_PATTERNS for p in root.glob(pattern) if p.is_file()}
    kept = [p for p in found if not EXCLUDED_FONTS.search(str(p.relative_to(root)))]
    return sorted(kept, key=lambda p: (p.stem, str(p)))


def render_mask(
    font_path: Path | str,
    char: str,
    size: int,
    *,
    rotation: float = 0.0,
    shear: float = 0.0,
    stroke: int = 0,
) -> np.ndarray:
    """The binary ink mask (uint8, 1 = ink) of `char` in the font at `size` px, turned by `rotation`
    degrees (counter-clockwise), sheared by `shear` (positive leans the top to the right) and its strokes
    dilated (stroke > 0) or eroded (stroke < 0) with an elliptic kernel of |stroke| px. An erosion that
    would leave under ERODE_MIN_KEEP of the ink is not done."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(str(font_path), size)
    left, top, right, bottom = font.getbbox(char)
    pad = size // 2 + abs(stroke) + 2
    w, h = right - left + 2 * pad, bottom - top + 2 * pad
    canvas = Image.new("L", (w, h), 0)
    ImageDraw.Draw(canvas).text((pad - left, pad - top), char, fill=255, font=font)
    gray = np.asarray(canvas, dtype=np.uint8)
    if rotation or shear:
        cx, cy = w / 2, h / 2
        rot = np.vstack([cv2.getRotationMatrix2D((cx, cy), rotation, 1.0), [0, 0, 1]])
        sh = np.array([[1.0, -shear, shear * cy], [0, 1, 0], [0, 0, 1]])  # image y runs down
        gray = cv2.warpAffine(gray, (rot @ sh)[:2], (w, h), flags=cv2.INTER_LINEAR, borderValue=0)
    mask = (gray >= INK_THRESHOLD).astype(np.uint8)
    if stroke:
        kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (abs(stroke), abs(stroke)))
        if stroke > 0:
            mask = cv2.dilate(mask, kernel)
        else:
            thinner = cv2.erode(mask, kernel)
            if np.count_nonzero(thinner) >= ERODE_MIN_KEEP * np.count_nonzero(mask):
                mask = thinner
    return mask


def glyph_image(mask: np.ndarray) -> np.ndarray:
    """A glyph mask as a training image: the reader's normalisation (`to_emnist`: upright, bright ink on
    dark, 28x28 in [0, 1]) as uint8 in the layout of `datasets.load_split`, which is upright too."""
    from hcr_ocr.reading.normalization import to_emnist

    return np.round(to_emnist(mask) * 255).astype(np.uint8)


def render(
    fonts: list[Path], per_class: int, seed: int, classes: str = BALANCED47
) -> tuple[np.ndarray, np.ndarray]:
    """(images uint8 (N, 28, 28), labels int64 (N,)): per_class random renderings of every class, in class
    order, all drawn from one generator seeded with `seed`."""
    rng = np.random.default_rng(seed)
    images = np.zeros((per_class * len(classes), 28, 28), np.uint8)
    labels = np.repeat(np.arange(len(classes), dtype=np.int64), per_class)
    for i, forms in enumerate(class_characters(classes)):
        for j in range(per_class):
            font = fonts[rng.integers(len(fonts))]
            char = forms[rng.integers(len(forms))]
            size = int(rng.integers(SIZES[0], SIZES[1] + 1))
            rotation = float(rng.uniform(-MAX_ROTATION, MAX_ROTATION))
            shear = float(rng.uniform(-MAX_SHEAR, MAX_SHEAR))
            kernel = max(2, int(round(size * rng.uniform(*STROKE_CHANGE))))
            stroke = int(rng.choice([-kernel, 0, kernel]))
            mask = render_mask(font, char, size, rotation=rotation, shear=shear, stroke=stroke)
            if not mask.any():
                raise DataError(
                    f"{font.name} renders no ink for {char!r}: leave it out of the training fonts"
                )
            images[i * per_class + j] = glyph_image(mask)
    return images, labels


def cache_key(fonts: list[Path], per_class: int, seed: int) -> str:
    """A digest of per_class, seed, each font (name and bytes' size), the code that makes the glyphs and the
    normalisation settings (their values, not settings.py, which changes for other stages too)."""
    from hcr_ocr.reading.settings import DEFAULT

    digest = hashlib.sha256(
        f"printed v{PRINTED_VERSION} {per_class} {seed} {DEFAULT.normalization!r}\n".encode()
    )
    for font in fonts:
        digest.update(f"{font} {font.stat().st_size}\n".encode())
    here = Path(__file__).resolve()
    reading = here.parents[1] / "reading"
    for source in (here, reading / "normalization.py", reading / "binarization.py"):
        digest.update(source.name.encode() + hashlib.sha256(source.read_bytes()).digest())
    return digest.hexdigest()[:24]


def printed_glyphs(per_class: int = 200, seed: int = 0) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Rendered print glyphs of the 47 classes: uint8 (47 * per_class, 28, 28) upright images, bright ink
    on dark (`images / 255` concatenates with `load_split`'s images), int64 class indices (derived47) and
    the names of the fonts drawn from. Computed once per (per_class, seed, fonts), then read from the cache.
    Raises DataError when no training font is installed."""
    if per_class < 1:
        raise DataError(f"per_class must be at least 1, not {per_class}")
    fonts = training_fonts()
    if not fonts:
        raise DataError(f"no training fonts under {FONT_ROOT}: run `{INSTALL_HINT}`")
    names = [f.stem for f in fonts]
    cached = cache_dir("glyphs") / f"printed-{cache_key(fonts, per_class, seed)}.npz"
    if cached.is_file():
        try:
            with np.load(cached) as saved:
                return saved["images"], saved["labels"], names
        except (OSError, ValueError, KeyError):
            pass  # a damaged cache file: render again
    images, labels = render(fonts, per_class, seed)
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        partial = cached.with_name(f"{cached.stem}.{os.getpid()}.tmp.npz")
        np.savez_compressed(partial, images=images, labels=labels)
        partial.replace(cached)
    except OSError:
        pass  # a cache that cannot be written (read-only home) is no error
    return images, labels, names


def main(argv: list[str]) -> None:
    """`python -m hcr_ocr.data.printed OUT.npz [PER_CLASS]`: the glyphs as a file for `train --extra-glyphs`
    (for a machine that has no fonts, such as a GPU box)."""
    per_class = int(argv[1]) if len(argv) > 1 else 100
    images, labels, names = printed_glyphs(per_class)
    np.savez_compressed(argv[0], images=images, labels=labels)
    print(f"{len(labels)} glyphs from {len(names)} fonts → {argv[0]}")


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
