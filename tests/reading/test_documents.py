"""The pages of an input on real files: PDFs made here (from patterns and from the sample pages), multi-page
TIFFs, page selections, and every kind of bad PDF (encrypted, corrupt, empty, a huge media box)."""

from __future__ import annotations

import hashlib
import io
import json
import logging
import struct
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pytest
from PIL import Image

import hcr_ocr
from hcr_ocr.errors import HcrError, ImageError
from hcr_ocr.reading.documents import pages_of, parse_pages, read_document
from hcr_ocr.reading.loading import load_image
from tests.conftest import REPO, run_cli, shipped

SAMPLES = REPO / "samples"
PDF_SAMPLES = ["note", "paragraph", "list"]  # the 3-page PDF of sample pages


def pattern(seed: int, shape: tuple[int, int] = (200, 100)) -> np.ndarray:
    """A white page with a few dark blocks placed by `seed`, so that each page differs. At 300 dpi the
    default size is 24x48 pt, sizes a PDF holds exactly (PDFium keeps them as 32-bit floats)."""
    rng = np.random.default_rng(seed)
    img = np.full(shape, 255, np.uint8)
    for _ in range(4):
        y, x = rng.integers(0, shape[0] - 20), rng.integers(0, shape[1] - 20)
        img[y : y + 15, x : x + 12] = int(rng.integers(0, 80))
    return img


def make_pdf(images: list[np.ndarray], dpi: float = 300) -> bytes:
    """A PDF with one page per image, each image embedded losslessly at `dpi` and filling its page."""
    pdf = pdfium.PdfDocument.new()
    for gray in images:
        height, width = gray.shape
        w_pt, h_pt = width * 72 / dpi, height * 72 / dpi
        page = pdf.new_page(w_pt, h_pt)
        obj = pdfium.PdfImage.new(pdf)
        obj.set_bitmap(pdfium.PdfBitmap.from_pil(Image.fromarray(gray)))
        obj.set_matrix(pdfium.PdfMatrix().scale(w_pt, h_pt))
        page.insert_obj(obj)
        page.gen_content()
    buf = io.BytesIO()
    pdf.save(buf)
    return buf.getvalue()


def blank_pdf(width_pt: float, height_pt: float) -> bytes:
    pdf = pdfium.PdfDocument.new()
    pdf.new_page(width_pt, height_pt)
    buf = io.BytesIO()
    pdf.save(buf)
    return buf.getvalue()


# An encrypted PDF, made by hand: PDFium cannot write encryption. The standard security handler, revision 2
# (RC4, 40-bit key; PDF 1.7 section 7.6.3), with the user password "secret"; one empty page, so that there
# are no strings or streams to encrypt.
_PAD = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")


def _rc4(key: bytes, data: bytes) -> bytes:
    s, j = list(range(256)), 0
    for i in range(256):
        j = (j + s[i] + key[i % len(key)]) % 256
        s[i], s[j] = s[j], s[i]
    out, i, j = bytearray(), 0, 0
    for byte in data:
        i = (i + 1) % 256
        j = (j + s[i]) % 256
        s[i], s[j] = s[j], s[i]
        out.append(byte ^ s[(s[i] + s[j]) % 256])
    return bytes(out)


def encrypted_pdf(user: bytes = b"secret", owner: bytes = b"owner") -> bytes:
    def pad(password: bytes) -> bytes:
        return (password + _PAD)[:32]

    permissions, file_id = -44, bytes(range(16))
    o_entry = _rc4(hashlib.md5(pad(owner)).digest()[:5], pad(user))
    key = hashlib.md5(pad(user) + o_entry + struct.pack("<i", permissions) + file_id).digest()[:5]
    u_entry = _rc4(key, _PAD)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] >>",
        b"<< /Filter /Standard /V 1 /R 2 /O <%s> /U <%s> /P %d >>"
        % (o_entry.hex().encode(), u_entry.hex().encode(), permissions),
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Encrypt 4 0 R /ID [<%s> <%s>] >>\n" % (
        len(objects) + 1,
        file_id.hex().encode(),
        file_id.hex().encode(),
    )
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def one_line_error(kind: type[Exception], fn) -> str:
    with pytest.raises(kind) as err:
        fn()
    message = str(err.value)
    assert "\n" not in message and "Traceback" not in message
    return message


# ---- page selections ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "count", "expected"),
    [
        ("1-3,7", 10, [1, 2, 3, 7]),
        ("7,1-3", 10, [1, 2, 3, 7]),
        ("5-", 7, [5, 6, 7]),
        (" 2 , 2-3 ", 3, [2, 3]),
        ("4-4", 4, [4]),
        ("1", 1, [1]),
    ],
)
def test_parse_pages_selects_in_document_order(spec, count, expected):
    assert parse_pages(spec).select(count) == expected


@pytest.mark.parametrize(
    ("spec", "says"),
    [
        ("", "expected page numbers"),
        ("a", "expected page numbers"),
        ("1,,2", "expected page numbers"),
        ("-3", "expected page numbers"),
        ("1-2-3", "expected page numbers"),
        ("1.5", "expected page numbers"),
        ("0", "pages are numbered from 1"),
        ("3-1", "the range 3-1 runs backwards"),
    ],
)
def test_parse_pages_refuses_bad_specs(spec, says):
    message = one_line_error(HcrError, lambda: parse_pages(spec))
    assert message.startswith(f"--pages {spec!r}: ") and says in message


def test_selecting_past_the_end_names_the_file_and_the_page_count():
    message = one_line_error(ImageError, lambda: parse_pages("1-3,7").select(3, "scan.pdf"))
    assert message == "scan.pdf: --pages 1-3,7 asks for page 7, it has 3 pages"
    message = one_line_error(ImageError, lambda: parse_pages("2").select(1, "note.png"))
    assert message == "note.png: --pages 2 asks for page 2, it has 1 page"


# ---- PDF ------------------------------------------------------------------------------------------------------


def test_pdf_pages_render_pixel_for_pixel_at_their_dpi(tmp_path):
    images = [pattern(i) for i in range(3)]
    path = tmp_path / "scan.pdf"
    path.write_bytes(make_pdf(images))
    pages = list(pages_of(path))
    assert [(p.number, p.name, p.count, p.paged, p.dpi) for p in pages] == [
        (n, f"{path}#{n}", 3, True, 300.0) for n in (1, 2, 3)
    ]
    for page, image in zip(pages, images, strict=True):
        assert page.image.dtype == np.uint8 and page.image.shape == image.shape
        assert np.array_equal(page.image, image)


def test_pdf_dpi_and_page_selection(tmp_path):
    images = [pattern(i) for i in range(4)]
    path = tmp_path / "scan.pdf"
    path.write_bytes(make_pdf(images))
    half = list(pages_of(path, dpi=150, pages="4,2"))
    assert [p.number for p in half] == [2, 4]
    assert all(p.image.shape == (100, 50) and p.dpi == 150.0 for p in half)
    assert list(p.number for p in pages_of(path, pages="3-")) == [3, 4]
    message = one_line_error(ImageError, lambda: list(pages_of(path, pages="5")))
    assert message == f"{path}: --pages 5 asks for page 5, it has 4 pages"


def test_a_huge_media_box_is_rendered_within_the_pixel_limit(caplog):
    data = blank_pdf(
        14400, 14400
    )  # 200 inches square, the largest page PDF allows: 3.6 gigapixels at 300 dpi
    with caplog.at_level(logging.WARNING, logger="hcr_ocr.reading.documents"):
        (page,) = pages_of(data, name="huge.pdf")
    assert page.dpi == 31.0 and page.image.shape == (6200, 6200)  # 38 megapixels: the most under 40
    assert page.image.min() == 255  # blank, as drawn
    assert caplog.messages == [
        "huge.pdf#1: 14400x14400 pt at 300 dpi would be over the limit of 40 megapixels: rendered at 31 dpi"
    ]


def test_the_pixel_limit_is_a_parameter():
    (page,) = pages_of(blank_pdf(720, 360), max_pixels=200_000)  # 10x5 in: 600 dpi would be 18 Mpx
    assert page.dpi == 63.0 and page.image.shape == (315, 630)


def test_an_encrypted_pdf_is_refused(tmp_path):
    data = encrypted_pdf()
    assert (
        len(pdfium.PdfDocument(data, password="secret")) == 1
    )  # a real encrypted PDF: opens with its password
    path = tmp_path / "locked.pdf"
    path.write_bytes(data)
    message = one_line_error(ImageError, lambda: list(pages_of(path)))
    assert message == f"{path}: the PDF is encrypted with a password (decrypt it first)"


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.7\n" + bytes(range(256)) * 8,  # a header, then noise
        b"this is not a PDF at all\n",  # named .pdf, but text
    ],
    ids=["noise", "text"],
)
def test_a_corrupt_pdf_is_refused(tmp_path, data):
    path = tmp_path / "broken.pdf"
    path.write_bytes(data)
    message = one_line_error(ImageError, lambda: list(pages_of(path)))
    assert message == f"{path}: not a readable PDF (corrupt or truncated)"


def test_an_empty_pdf_is_refused(tmp_path):
    buf = io.BytesIO()
    pdfium.PdfDocument.new().save(buf)
    path = tmp_path / "none.pdf"
    path.write_bytes(buf.getvalue())
    assert one_line_error(ImageError, lambda: list(pages_of(path))) == f"{path}: the PDF has no pages"
    path.write_bytes(b"")
    assert one_line_error(ImageError, lambda: list(pages_of(path))) == f"{path}: empty file"


def test_a_pdf_from_bytes_is_known_by_its_header():
    (page,) = pages_of(make_pdf([pattern(5)]), name="stdin")
    assert page.name == "stdin#1" and np.array_equal(page.image, pattern(5))


# ---- TIFF and plain images ------------------------------------------------------------------------------------


def test_multi_page_tiff_gives_every_frame(tmp_path):
    images = [pattern(i, (80, 60 + 10 * i)) for i in range(3)]
    path = tmp_path / "scan.tif"
    frames = [Image.fromarray(a) for a in images]
    frames[0].save(path, save_all=True, append_images=frames[1:], compression="tiff_lzw")
    pages = list(pages_of(path))
    assert [(p.number, p.name, p.count, p.paged) for p in pages] == [
        (n, f"{path}#{n}", 3, True) for n in (1, 2, 3)
    ]
    for page, image in zip(pages, images, strict=True):
        assert np.array_equal(page.image, image)
    (second,) = pages_of(path, pages="2")
    assert second.number == 2 and np.array_equal(second.image, images[1])


def test_a_tiff_frame_over_the_pixel_limit_is_named(tmp_path):
    frames = [Image.fromarray(pattern(0, (50, 50))), Image.fromarray(pattern(1, (200, 200)))]
    path = tmp_path / "scan.tif"
    frames[0].save(path, save_all=True, append_images=frames[1:])
    pages = pages_of(path, max_pixels=10_000)
    assert next(pages).number == 1
    message = one_line_error(ImageError, lambda: next(pages))
    assert message == f"{path}#2: 200x200 is 0 megapixels, over the limit of 0 (scale the image down)"


def test_a_one_frame_tiff_and_a_png_are_one_plain_page(tmp_path):
    for suffix in (".tif", ".png"):
        path = tmp_path / f"page{suffix}"
        Image.fromarray(pattern(3)).save(path)
        (page,) = pages_of(path)
        assert (page.number, page.name, page.count, page.paged, page.dpi) == (1, str(path), 1, False, None)
        assert np.array_equal(page.image, load_image(path))
    message = one_line_error(ImageError, lambda: list(pages_of(path, pages="2")))
    assert message == f"{path}: --pages 2 asks for page 2, it has 1 page"


def test_bad_plain_inputs_keep_their_one_line_errors(tmp_path):
    missing = tmp_path / "missing.png"
    assert one_line_error(ImageError, lambda: list(pages_of(missing))) == f"{missing}: no such file"
    text = tmp_path / "notes.png"
    text.write_text("hello")
    message = one_line_error(ImageError, lambda: list(pages_of(text)))
    assert message == f"{text}: not an image this tool can read (PNG, JPEG, TIFF, BMP, WebP)"
    message = one_line_error(ImageError, lambda: list(pages_of(b"hello", name="stdin")))
    assert message == "stdin: not an image this tool can read (PNG, JPEG, TIFF, BMP, WebP)"


@pytest.mark.parametrize("dpi", [0, -72, 5000])
def test_a_bad_dpi_is_refused(dpi):
    message = one_line_error(HcrError, lambda: list(pages_of(make_pdf([pattern(0)]), dpi=dpi)))
    assert message == f"--dpi {dpi}: expected more than 0 and at most 1200"


# ---- reading the pages ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_pdf(tmp_path_factory) -> Path:
    """A 3-page 300-dpi PDF of sample pages, each image at its own size."""
    if not all((SAMPLES / f"{name}.png").is_file() for name in PDF_SAMPLES):
        pytest.skip(f"sample pages missing in {SAMPLES}")
    path = tmp_path_factory.mktemp("pdf") / "samples.pdf"
    path.write_bytes(make_pdf([load_image(SAMPLES / f"{name}.png") for name in PDF_SAMPLES]))
    return path


def test_a_pdf_of_the_samples_reads_as_the_pngs_do(sample_pdf):
    shipped("emnist47.onnx")
    rendered = [hcr_ocr.read(p.image).text for p in pages_of(sample_pdf, dpi=300)]
    as_png = [hcr_ocr.read(SAMPLES / f"{name}.png").text for name in PDF_SAMPLES]
    assert rendered == as_png
    assert all(text.strip() for text in as_png)
    pages = list(read_document(sample_pdf))
    assert [(p.number, p.file, p.text) for p in pages] == [
        (n, f"{sample_pdf}#{n}", text) for n, text in enumerate(as_png, 1)
    ]


def test_read_document_of_a_plain_image_is_the_image_read(tmp_path):
    shipped("emnist47.onnx")
    path = SAMPLES / "word-hello.png"
    if not path.is_file():
        pytest.skip(f"{path} is missing")
    (page,) = read_document(path)
    assert page.number is None and page.file == str(path)
    assert page.to_dict() == hcr_ocr.read(path).to_dict()


def test_read_a_pdf_from_the_command_line(tmp_path):
    """`hcr-ocr read scan.pdf`: each page read, text pages apart by a form feed, JSON with page numbers,
    --pages choosing, and the same text as the PNGs the pages were made of."""

    names = ("word-caps", "digits", "word-hello")
    images = [np.asarray(Image.open(REPO / "samples" / f"{n}.png").convert("L")) for n in names]
    pdf = tmp_path / "scan.pdf"
    pdf.write_bytes(make_pdf(images))
    texts = [(REPO / "samples" / f"{n}.gt.txt").read_text().strip() for n in names]
    proc = run_cli("read", str(pdf))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "\n\f".join(texts) + "\n"
    as_json = json.loads(run_cli("read", str(pdf), "--format", "json", "--pages", "2-3").stdout)
    assert [(p["page"], p["text"]) for p in as_json["pages"]] == [(2, texts[1]), (3, texts[2])]
    bad = run_cli("read", str(pdf), "--pages", "4")
    assert (
        bad.returncode == 2
        and bad.stderr.strip() == f"error: {pdf}: --pages 4 asks for page 4, it has 3 pages"
    )
