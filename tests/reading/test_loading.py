"""Stage 1 on real files: formats, bit depths, alpha, EXIF orientation, and every kind of bad input."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from hcr_ocr.errors import ImageError
from hcr_ocr.reading.loading import load_image
from tests.conftest import REPO


def pattern() -> np.ndarray:
    """A 30x40 page: white, with a black block in the top-left corner."""
    img = np.full((30, 40), 255, np.uint8)
    img[2:10, 3:15] = 0
    return img


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "TIFF", "BMP", "WEBP"])
def test_formats(tmp_path, fmt):
    path = tmp_path / f"page.{fmt.lower()}"
    img = Image.fromarray(pattern())
    if fmt in ("JPEG", "WEBP"):
        img.convert("RGB").save(path, fmt, quality=95)
    else:
        img.save(path, fmt)
    gray = load_image(path)
    assert gray.shape == (30, 40) and gray.dtype == np.uint8
    assert gray[5, 8] < 40 and gray[20, 30] > 215


def test_sixteen_bit_png(tmp_path):
    img = pattern().astype(np.uint16) * 257
    path = tmp_path / "deep.png"
    Image.fromarray(img).save(path)
    gray = load_image(path)
    assert gray[5, 8] == 0 and gray[20, 30] == 255


def test_alpha_is_flattened_on_white(tmp_path):
    rgba = np.zeros((30, 40, 4), np.uint8)  # transparent black everywhere ...
    rgba[2:10, 3:15] = (0, 0, 0, 255)  # ... except an opaque black block
    path = tmp_path / "alpha.png"
    Image.fromarray(rgba, "RGBA").save(path)
    gray = load_image(path)
    assert gray[5, 8] == 0 and gray[20, 30] == 255


def test_exif_orientation_is_honoured(tmp_path):
    img = Image.fromarray(pattern()).convert("RGB")
    exif = img.getexif()
    exif[0x0112] = 6  # stored sideways: rotate 90° clockwise to view
    path = tmp_path / "phone.jpg"
    img.save(path, "JPEG", exif=exif, quality=95)
    gray = load_image(path)
    assert gray.shape == (40, 30)
    assert gray[8, 23] < 60  # the block is now top-right


def test_bytes_and_arrays():
    data = io.BytesIO()
    Image.fromarray(pattern()).save(data, "PNG")
    assert load_image(data.getvalue()).shape == (30, 40)
    rgb = np.stack([pattern()] * 3, axis=2)
    assert load_image(rgb)[5, 8] == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty file"),
        (b"hello, I am text\n", "not an image"),
        (bytes(np.random.default_rng(0).integers(0, 256, 5000, dtype=np.uint8)), "not an image"),
        (b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"></svg>', "not an image"),
    ],
)
def test_bad_files(tmp_path, content, message):
    path = tmp_path / "bad.png"
    path.write_bytes(content)
    with pytest.raises(ImageError, match=message):
        load_image(path)


def test_missing_and_directory(tmp_path):
    with pytest.raises(ImageError, match="no such file"):
        load_image(tmp_path / "nope.png")
    with pytest.raises(ImageError, match="directory"):
        load_image(tmp_path)


def test_pixel_limit_is_checked_before_decoding(tmp_path):
    path = tmp_path / "big.png"
    Image.new("L", (3000, 2000), 255).save(path)
    with pytest.raises(ImageError, match="over the limit"):
        load_image(path, max_pixels=5_000_000)


def test_decompression_bomb(tmp_path):
    """A tiny file that claims 30000x30000 pixels is refused from its header."""
    path = tmp_path / "bomb.png"
    Image.new("1", (30000, 30000), 1).save(path, optimize=True)
    assert path.stat().st_size < 2_000_000
    with pytest.raises(ImageError, match="megapixels"):
        load_image(path)


def test_reading_leaves_pillows_own_bomb_check_alone(tmp_path):
    """Importing and using hcr_ocr must not switch off Pillow's decompression-bomb check for the process."""
    default = Image.MAX_IMAGE_PIXELS
    load_image(REPO / "samples" / "word-hello.png")
    with pytest.raises(ImageError):
        load_image(tmp_path / "missing.png")
    assert Image.MAX_IMAGE_PIXELS == default == int(1024 * 1024 * 1024 // 4 // 3)


def test_truncated_image_is_refused(tmp_path):
    whole = (REPO / "samples" / "word-hello.png").read_bytes()
    path = tmp_path / "cut.png"
    path.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(ImageError, match="truncated|cannot decode"):
        load_image(path)


def png_bytes(array: np.ndarray, mode: str, **info) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(array, mode).save(buffer, "PNG", **info)
    return buffer.getvalue()


def with_chunk_data(data: bytes, kind: bytes, change) -> bytes:
    """The PNG with the data of its first `kind` chunk changed, and that chunk's CRC made to match."""
    import zlib

    at = data.index(kind) - 4
    length = int.from_bytes(data[at : at + 4], "big")
    body = change(data[at + 8 : at + 8 + length])
    chunk = len(body).to_bytes(4, "big") + kind + body
    crc = zlib.crc32(chunk[4:]).to_bytes(4, "big")
    return data[:at] + chunk + crc + data[at + 12 + length :]


def test_plain_pngs_decode_as_pillow_decodes_them():
    """Grey and RGB PNGs (decoded by OpenCV, without Pillow) give Pillow's grey to the last level; a PNG
    whose XMP turns it is turned; a PNG damaged under a matching CRC is a one-line error."""
    from hcr_ocr.reading.loading import pil_to_gray

    rng = np.random.default_rng(0)
    for array, mode in (
        (rng.integers(0, 256, (31, 47), np.uint8), "L"),
        (rng.integers(0, 256, (31, 47, 3), np.uint8), "RGB"),
    ):
        data = png_bytes(array, mode)
        assert np.array_equal(load_image(data), pil_to_gray(Image.open(io.BytesIO(data))))
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    xmp += b'<rdf:Description xmlns:tiff="http://ns.adobe.com/tiff/1.0/" tiff:Orientation="6"/></rdf:RDF></x:xmpmeta>'
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_itxt("XML:com.adobe.xmp", xmp.decode())
    assert load_image(png_bytes(pattern(), "L", pnginfo=info)).shape == (40, 30)
    damaged = with_chunk_data(
        png_bytes(rng.integers(0, 256, (31, 47, 3), np.uint8), "RGB"),
        b"IDAT",
        lambda b: b[:20] + bytes(len(b) - 20),
    )
    with pytest.raises(ImageError, match="cannot decode"):
        load_image(damaged)
