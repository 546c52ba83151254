"""Render the sample pages: handwriting-style fonts on photographed-looking paper, and printed pages set in
ordinary type, each with its ground truth.

    python samples/make_samples.py            # installs the Debian fonts when missing, writes samples/*.png

Each sample is NAME.png next to NAME.gt.txt. Handwriting-style letters are drawn one at a time with jitter in
size, angle and baseline; printed pages (print-*) are set line by line with the font's own spacing. Every
page is then tilted a little, lit unevenly, blurred and given sensor noise. Fixed seeds: running it again
gives the same files. Fonts are not handwriting; real handwriting is ../shared/data/real-dev.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

HERE = Path(__file__).resolve().parent
FONT_DIR = Path("/usr/share/fonts/truetype")
FONTS = {
    "humor": FONT_DIR / "humor-sans/Humor-Sans.ttf",
    "klee": FONT_DIR / "klee/KleeOne-SemiBold.ttf",
    "breip": FONT_DIR / "breip/Breip.ttf",
    "femke": FONT_DIR / "femkeklaver/femkeklaver.ttf",
    "dkg": FONT_DIR / "fifthhorseman/dkg.ttf",
    "rufscript": FONT_DIR / "rufscript/Rufscript010.ttf",
    "dejavu-sans": FONT_DIR / "dejavu/DejaVuSans.ttf",
    "dejavu-serif": FONT_DIR / "dejavu/DejaVuSerif.ttf",
    "liberation-sans": FONT_DIR / "liberation/LiberationSans-Regular.ttf",
    "liberation-serif": FONT_DIR / "liberation/LiberationSerif-Regular.ttf",
}
# name: (font, text, letter size in px, seed)
SAMPLES = {
    "word-hello": ("klee", "Hello", 64, 1),
    "word-caps": ("klee", "SHOPPING LIST", 52, 2),
    "digits": ("humor", "31415 92653 58979", 48, 3),
    "phone": ("dkg", "Call Sam at 555 0142", 52, 4),
    "sentence": ("klee", "The quick brown fox jumps", 46, 5),
    "mixed-case": ("rufscript", "Anna met Bob in Paris", 50, 6),
    "paragraph": ("humor", "DEAR TOM\nTHANK YOU FOR THE LOVELY GIFT\nSEE YOU NEXT WEEK\nLOVE ANNA", 40, 7),
    "list": ("klee", "milk 2\neggs 12\nbread 1\napples 6", 44, 8),
    "note": ("dkg", "Meet me at the park\nat 7 tonight", 50, 9),
    "keys": ("breip", "Bring the keys", 56, 10),
    "letters": ("femke", "Zebra quilt hedge", 52, 11),
}
# Printed pages, set with the font's own spacing: name: (font, text, type size in px, seed)
PRINTED = {
    "print-sans-caps": (
        "dejavu-sans",
        "PAGE ONE\nMEET AT SIX BY THE OLD MILL\nROOM 42 ON THE THIRD FLOOR",
        40,
        21,
    ),
    "print-serif-caps": ("liberation-serif", "NOTICE TO ALL STAFF\nTHE OFFICE CLOSES AT 5 TODAY", 44, 22),
    "print-sans-mixed": ("liberation-sans", "Hello there\nBuy milk and eggs\nSee you on page 42", 42, 23),
    "print-serif-mixed": ("dejavu-serif", "The meeting moved to Friday\nPlease bring your notes", 40, 24),
}


def ensure_fonts() -> None:
    if all(p.exists() for p in FONTS.values()):
        return
    subprocess.run([str(HERE.parent / "scripts" / "install-deps.sh"), "fonts"], check=True)


def render_text(text: str, font_path: Path, size: int, rng: np.random.Generator) -> np.ndarray:
    """Ink coverage (float 0..1) of the text drawn letter by letter with jitter."""
    lines = text.split("\n")
    line_h = int(size * 1.9)
    width = int(max(len(line) for line in lines) * size * 1.0 + size * 2)
    canvas = Image.new("L", (width, line_h * len(lines) + size), 0)
    for li, line in enumerate(lines):
        x = size * 0.8 + rng.uniform(0, size * 0.3)
        base_y = size * 0.6 + li * line_h + rng.uniform(-size * 0.1, size * 0.1)
        for ch in line:
            if ch == " ":
                x += size * rng.uniform(0.55, 0.7)
                continue
            s = int(size * rng.uniform(0.92, 1.08))
            font = ImageFont.truetype(str(font_path), s)
            left, top, right, bottom = font.getbbox(ch)
            glyph = Image.new("L", (right - left + 8, bottom - top + 8), 0)
            ImageDraw.Draw(glyph).text((4 - left, 4 - top), ch, fill=255, font=font)
            glyph = glyph.rotate(rng.uniform(-6, 6), resample=Image.BICUBIC, expand=True)
            y = base_y + top + rng.uniform(-size * 0.04, size * 0.04)
            canvas.paste(255, (int(x), int(y)), glyph)
            x += (right - left) + size * rng.uniform(0.1, 0.2)
    arr = np.asarray(canvas, dtype=np.float32) / 255.0
    ys, xs = np.nonzero(arr > 0.1)
    pad = size // 2
    return arr[max(0, ys.min() - pad) : ys.max() + pad, max(0, xs.min() - pad) : xs.max() + pad]


def set_text(text: str, font_path: Path, size: int) -> np.ndarray:
    """Ink coverage (float 0..1) of the text set line by line in the font, as a printer would."""
    font = ImageFont.truetype(str(font_path), size)
    lines = text.split("\n")
    line_h = int(size * 1.6)
    width = int(max(font.getlength(line) for line in lines) + size * 2)
    canvas = Image.new("L", (width, line_h * len(lines) + size), 0)
    draw = ImageDraw.Draw(canvas)
    for li, line in enumerate(lines):
        draw.text((size, size // 2 + li * line_h), line, fill=255, font=font)
    arr = np.asarray(canvas, dtype=np.float32) / 255.0
    ys, xs = np.nonzero(arr > 0.1)
    pad = size // 2
    return arr[max(0, ys.min() - pad) : ys.max() + pad, max(0, xs.min() - pad) : xs.max() + pad]


def photograph(ink: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Paper colour, uneven light, a slight tilt, blur and noise → uint8 grayscale photo."""
    h, w = ink.shape
    angle = rng.uniform(-3, 3)
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    ink = cv2.warpAffine(ink, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=0)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    light = 0.82 + 0.12 * (xx / w) * rng.uniform(0.5, 1) + 0.08 * np.sin(yy / h * np.pi) * rng.uniform(0.5, 1)
    fibres = cv2.GaussianBlur(rng.normal(0, 1, (h, w)).astype(np.float32), (0, 0), 3) * 0.04
    paper = 235 * light * (1 + fibres)
    pen = rng.uniform(30, 70)
    page = paper * (1 - ink) + pen * ink
    page = cv2.GaussianBlur(page, (0, 0), rng.uniform(0.6, 1.1))
    page += rng.normal(0, 5, (h, w))
    return np.clip(page, 0, 255).astype(np.uint8)


def main() -> None:
    ensure_fonts()
    for name, (font, text, size, seed) in SAMPLES.items():
        rng = np.random.default_rng(seed)
        image = photograph(render_text(text, FONTS[font], size, rng), rng)
        cv2.imwrite(str(HERE / f"{name}.png"), image)
        (HERE / f"{name}.gt.txt").write_text(text + "\n")
        print(f"wrote samples/{name}.png ({image.shape[1]}x{image.shape[0]}, {font})", file=sys.stderr)
    for name, (font, text, size, seed) in PRINTED.items():
        rng = np.random.default_rng(seed)
        image = photograph(set_text(text, FONTS[font], size), rng)
        cv2.imwrite(str(HERE / f"{name}.png"), image)
        (HERE / f"{name}.gt.txt").write_text(text + "\n")
        print(f"wrote samples/{name}.png ({image.shape[1]}x{image.shape[0]}, {font})", file=sys.stderr)


if __name__ == "__main__":
    main()
