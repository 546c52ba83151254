"""Stage 1, load: any image file (or bytes, or array) → an 8-bit grayscale page, dark ink on light paper.

    from hcr_ocr.reading.loading import load_image
    gray = load_image("note.jpg")          # uint8 (H, W); EXIF orientation applied, alpha flattened on white

PNG, JPEG, TIFF, BMP and WebP at any bit depth, with or without alpha. The pixel count is checked against
`max_pixels` from the header, before anything is decoded (decompression bombs). A colour JPEG is decoded
straight to grey (its brightness channel), at full size: decoding a 4000x3000 photo at half or an eighth of
its size saved only 5 to 11 ms of its 40, too little to be worth guessing the letter size first.
"""

from __future__ import annotations

import io
import warnings
from pathlib import Path

import numpy as np

from hcr_ocr.errors import ImageError

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".webp")  # what a folder's images are
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PLAIN_METHODS = (b"\x00\x00\x00", b"\x00\x00\x01")  # deflate, adaptive filters, plain or Adam7 interlaced
_OPENCV_MAX_SIDE = 1 << 20  # px: OpenCV refuses a longer side, Pillow does not
_ORIENTATION_TEXT = (b"XML:com.adobe.xmp\x00", b"Raw profile type exif\x00")  # text chunks Pillow may turn by
MAX_PIXELS = 40_000_000  # 40 megapixels: a 300 dpi A3 scan fits, a decompression bomb does not


def read_source(source: str | Path | bytes) -> tuple[bytes, str]:
    """The bytes of an image file and a name for messages; `-` reads standard input."""
    if isinstance(source, bytes):
        return source, "<bytes>"
    if str(source) == "-":
        import sys

        return sys.stdin.buffer.read(), "<stdin>"
    path = Path(source)
    if not path.exists():
        raise ImageError(f"{path}: no such file")
    if path.is_dir():
        raise ImageError(f"{path}: is a directory, not an image")
    try:
        data = path.read_bytes()
    except OSError as err:
        raise ImageError(f"{path}: cannot be read ({err.strerror})") from err
    return data, str(path)


def load_image(source: str | Path | bytes | np.ndarray, max_pixels: int = MAX_PIXELS) -> np.ndarray:
    """Decode an image to uint8 grayscale (H, W)."""
    if isinstance(source, np.ndarray):
        return _array_to_gray(source, "<array>", max_pixels)
    data, name = read_source(source)
    if not data:
        raise ImageError(f"{name}: empty file")
    plain = _plain_png(data, name, max_pixels)
    if plain is not None:
        return plain
    from PIL import Image, ImageOps, UnidentifiedImageError
    from PIL.JpegImagePlugin import JpegImageFile

    try:
        with warnings.catch_warnings():  # Pillow warns of big or odd files; our own checks decide
            warnings.simplefilter("ignore")
            img = Image.open(io.BytesIO(data))
            width, height = img.size
            if width * height > max_pixels:
                raise too_large(name, width, height, max_pixels)
            if width == 0 or height == 0:
                raise ImageError(f"{name}: the image has no pixels")
            if isinstance(img, JpegImageFile):  # (and MPO) decode the brightness alone: less work and memory
                img.draft("L", img.size)
            img.load()
            ImageOps.exif_transpose(img, in_place=True)
    except UnidentifiedImageError as err:
        raise ImageError(f"{name}: not an image this tool can read (PNG, JPEG, TIFF, BMP, WebP)") from err
    except Image.DecompressionBombError as err:  # Pillow refuses over twice its own limit, from the header
        raise ImageError(
            f"{name}: over {2 * Image.MAX_IMAGE_PIXELS / 1e6:.0f} megapixels, over the limit of "
            f"{max_pixels / 1e6:.0f} (scale the image down)"
        ) from err
    except (OSError, ValueError, SyntaxError) as err:
        reason = str(err).split("\n")[0] or type(err).__name__
        if "truncated" in reason or "broken data stream" in reason:
            reason = "the image data is truncated"
        raise ImageError(f"{name}: cannot decode ({reason})") from err
    return pil_to_gray(img)


def _plain_png(data: bytes, name: str, max_pixels: int) -> np.ndarray | None:
    """An intact 8-bit grey or RGB PNG with no transparency or orientation, decoded by OpenCV: the commonest
    scan needs no Pillow (a tenth of a one-image start). The grey is Pillow's (ITU-R 601-2 luma, rounded the
    same way), so both decoders give the same page. None for any other file: Pillow decodes it, or says
    what is wrong with it (libpng would print its own complaint first)."""
    if data[:16] != _PNG_SIGNATURE + b"\x00\x00\x00\x0dIHDR" or not _plain_chunks(memoryview(data)):
        return None
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    bit_depth, colour_type, methods = data[24], data[25], data[26:29]
    if bit_depth != 8 or colour_type not in (0, 2) or methods not in _PLAIN_METHODS:
        return None
    if not (0 < width <= _OPENCV_MAX_SIDE and 0 < height <= _OPENCV_MAX_SIDE):
        return None
    if width * height > max_pixels:
        raise too_large(name, width, height, max_pixels)
    import cv2

    buffer = np.frombuffer(data, np.uint8)
    decoded = cv2.imdecode(buffer, cv2.IMREAD_UNCHANGED if colour_type == 0 else cv2.IMREAD_COLOR)
    if decoded is None or colour_type == 0:
        return decoded
    blue, green, red = (decoded[:, :, i] for i in range(3))
    luma = red * np.uint32(19595) + green * np.uint32(38470) + blue * np.uint32(7471)
    return ((luma + 0x8000) >> 16).astype(np.uint8)


def _plain_chunks(data: memoryview) -> bool:
    """Whether every chunk up to IEND is whole with a matching CRC, none of them transparency or orientation
    (EXIF, or XMP and raw EXIF in text chunks, which Pillow also reads)."""
    import zlib

    at = len(_PNG_SIGNATURE)
    while at + 12 <= len(data):
        end = at + 12 + int.from_bytes(data[at : at + 4], "big")
        if end > len(data) or zlib.crc32(data[at + 4 : end - 4]) != int.from_bytes(
            data[end - 4 : end], "big"
        ):
            return False
        kind = bytes(data[at + 4 : at + 8])
        if kind == b"IEND":
            return True
        if kind in (b"tRNS", b"eXIf"):
            return False
        if kind in (b"tEXt", b"zTXt", b"iTXt") and bytes(data[at + 8 : end - 4]).startswith(
            _ORIENTATION_TEXT
        ):
            return False
        at = end
    return False


def too_large(name: str, width: int, height: int, max_pixels: int) -> ImageError:
    """The one-line error for an image over the pixel limit (also used for the pages of a document)."""
    return ImageError(
        f"{name}: {width}x{height} is {width * height / 1e6:.0f} megapixels, over the limit of "
        f"{max_pixels / 1e6:.0f} (scale the image down)"
    )


def pil_to_gray(img) -> np.ndarray:
    """A decoded Pillow image (any mode, alpha flattened on white) as uint8 grayscale."""
    from PIL import Image

    if img.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        arr = np.asarray(img, dtype=np.float64)
        top = 65535.0 if img.mode.startswith("I;16") or arr.max() > 255 else 255.0
        return np.clip(arr / top * 255.0 + 0.5, 0, 255).astype(np.uint8)
    if img.mode == "1":
        return np.asarray(img.convert("L"))
    has_alpha = img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info)
    if has_alpha:
        rgba = img.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        img = Image.alpha_composite(white, rgba)
    return np.asarray(img if img.mode == "L" else img.convert("L"))


def _array_to_gray(arr: np.ndarray, name: str, max_pixels: int) -> np.ndarray:
    if arr.ndim not in (2, 3) or arr.size == 0:
        raise ImageError(f"{name}: expected an (H, W) or (H, W, C) image array, got shape {arr.shape}")
    if arr.shape[0] * arr.shape[1] > max_pixels:
        raise too_large(name, arr.shape[1], arr.shape[0], max_pixels)
    if arr.dtype != np.uint8:
        scale = 65535.0 if arr.dtype == np.uint16 else (1.0 if arr.max() <= 1.0 else 255.0)
        arr = np.clip(arr.astype(np.float64) / scale * 255.0 + 0.5, 0, 255).astype(np.uint8)
    if arr.ndim == 2:
        return arr
    import cv2

    channels = arr.shape[2]
    if channels == 4:  # RGBA: flatten on white
        alpha = arr[:, :, 3:4].astype(np.float32) / 255.0
        arr = (arr[:, :, :3] * alpha + 255.0 * (1 - alpha)).astype(np.uint8)
        channels = 3
    if channels == 3:
        return cv2.cvtColor(arr, cv2.COLOR_RGB2GRAY)
    return arr[:, :, 0].copy()
