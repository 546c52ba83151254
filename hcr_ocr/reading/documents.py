"""The pages of an input file: a PDF's pages rendered, a multi-page TIFF's frames, any other image as one page.

    from hcr_ocr.reading.documents import pages_of, parse_pages, read_document
    for doc_page in pages_of("scan.pdf", dpi=300, pages="1-3,7"):
        doc_page.number, doc_page.name, doc_page.image      # 2, "scan.pdf#2", uint8 (H, W)
    pages = list(read_document("scan.pdf", pages="2-"))     # hcr_ocr.page.Page each, with .number set
    parse_pages("1-3,7").select(10)                         # [1, 2, 3, 7]

PDFs are rendered with pypdfium2 (PDFium: no Poppler, no Ghostscript) in grayscale at `dpi`; a page that would
come out over `max_pixels` (a huge media box) is rendered at the highest dpi that fits, with a warning on the
`hcr_ocr.reading.documents` logger. An encrypted (password-protected), corrupt or empty PDF is refused with
a one-line ImageError. A PDF is known by its `%PDF-` header (or a .pdf name), a TIFF by Pillow; a TIFF of one
frame, and every other image, is one page read by `hcr_ocr.reading.loading.load_image`.
"""

from __future__ import annotations

import io
import logging
import math
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from hcr_ocr.errors import HcrError, ImageError
from hcr_ocr.page import Page
from hcr_ocr.reading.loading import MAX_PIXELS, load_image, pil_to_gray, read_source, too_large

log = logging.getLogger(__name__)

DOCUMENT_SUFFIXES = (".pdf",)  # inputs with pages of their own, beside loading.IMAGE_SUFFIXES
DEFAULT_DPI = 300
MAX_DPI = 1200  # beyond this a page is huge and handwriting gains nothing


@dataclass(frozen=True)
class PageSelection:
    """Pages asked for: ranges of 1-based page numbers, each (first, last) with last None for "to the end"."""

    ranges: tuple[tuple[int, int | None], ...]
    spec: str

    def select(self, count: int, name: str = "<input>") -> list[int]:
        """The selected page numbers of a document of `count` pages, in document order, each once; asking
        for a page past the end is an ImageError."""
        chosen: set[int] = set()
        for first, last in self.ranges:
            end = count if last is None else last
            if first > count or end > count:
                pages = "1 page" if count == 1 else f"{count} pages"
                raise ImageError(
                    f"{name}: --pages {self.spec} asks for page {max(first, end)}, it has {pages}"
                )
            chosen.update(range(first, end + 1))
        return sorted(chosen)


_RANGE = re.compile(r"^(\d+)(?:\s*(-)\s*(\d*))?$")


def parse_pages(spec: str) -> PageSelection:
    """Parse a page list such as "1-3,7" or "5-" (page 5 to the end); a bad one is a one-line HcrError."""
    ranges: list[tuple[int, int | None]] = []
    for part in spec.split(","):
        match = _RANGE.match(part.strip())
        if not match:
            raise HcrError(f"--pages {spec!r}: expected page numbers and ranges such as 1-3,7 or 5-")
        first = int(match.group(1))
        last = first if not match.group(2) else (int(match.group(3)) if match.group(3) else None)
        if first < 1:
            raise HcrError(f"--pages {spec!r}: pages are numbered from 1")
        if last is not None and last < first:
            raise HcrError(f"--pages {spec!r}: the range {first}-{last} runs backwards")
        ranges.append((first, last))
    return PageSelection(tuple(ranges), spec)


@dataclass(frozen=True)
class DocumentPage:
    """One page of an input: its 1-based number, the grayscale image, and a name for messages and output."""

    number: int
    image: np.ndarray
    name: str  # "scan.pdf#2" for a page of a PDF or multi-page TIFF; the input's own name for an image
    count: int  # pages in the document
    paged: bool  # from a PDF or a multi-page TIFF (its outputs list pages), not a plain image
    dpi: float | None = None  # the dpi a PDF page was rendered at


def is_pdf(data: bytes, name: str = "") -> bool:
    """Whether the bytes are a PDF: its header within the first 1 KiB (as PDF readers allow), or a .pdf name."""
    return b"%PDF-" in data[:1024] or name.lower().endswith(".pdf")


def pages_of(
    source: str | Path | bytes,
    dpi: float = DEFAULT_DPI,
    pages: str | PageSelection | None = None,
    max_pixels: int = MAX_PIXELS,
    name: str | None = None,
) -> Iterator[DocumentPage]:
    """The pages of a file (or bytes, or `-` for stdin), selected by `pages`, one at a time: a PDF's pages
    rendered at `dpi`, a multi-page TIFF's frames, any other image as page 1. Errors are one-line
    ImageErrors, raised as the pages are taken: one of the whole file at the first."""
    check_dpi(dpi)
    selection = parse_pages(pages) if isinstance(pages, str) else pages
    data, label = read_source(source)
    label = name or label
    if not data:
        raise ImageError(f"{label}: empty file")
    if is_pdf(data, label):
        yield from _pdf_pages(data, label, dpi, selection, max_pixels)
        return
    frames = _tiff_frames(data)
    if frames > 1:
        yield from _tiff_pages(data, label, frames, selection, max_pixels)
        return
    if selection is not None:
        selection.select(1, label)
    try:
        gray = load_image(data, max_pixels)
    except ImageError as err:  # load_image names bytes "<bytes>": name the input instead
        message = str(err)
        raise ImageError(
            label + message[len("<bytes>") :] if message.startswith("<bytes>") else message
        ) from err
    yield DocumentPage(1, gray, label, 1, paged=False)


def read_document(
    source: str | Path | bytes,
    dpi: float = DEFAULT_DPI,
    pages: str | PageSelection | None = None,
    max_pixels: int = MAX_PIXELS,
    name: str | None = None,
    min_confidence: float = 0.0,
    upright: bool = False,
    **read_options,
) -> Iterator[Page]:
    """Read each selected page of a file (see pages_of) with hcr_ocr.reading.pipeline.read(**read_options):
    one Page at a time, named like its DocumentPage, with `number` set for pages of a PDF or multi-page TIFF.
    Each keeps its image (for an overlay): drop it (`page.image = None`) once done, for long documents.
    Words read less surely than `min_confidence` are left out (`read --min-confidence`); `upright`: every
    page is read as given, never tried turned (`read --upright`)."""
    from hcr_ocr.reading.pipeline import read
    from hcr_ocr.reading.settings import DEFAULT, replace

    if upright:
        settings = read_options.get("settings", DEFAULT)
        read_options["settings"] = replace(
            settings, orientation=replace(settings.orientation, try_turns=False)
        )

    for doc_page in pages_of(source, dpi, pages, max_pixels, name):
        page = read(doc_page.image, max_pixels=max_pixels, name=doc_page.name, **read_options)
        page.number = doc_page.number if doc_page.paged else None
        if min_confidence > 0:
            page.drop_unsure(min_confidence)
        yield page


def check_dpi(dpi: float) -> None:
    """A one-line error for a rendering resolution out of range."""
    if not 0 < dpi <= MAX_DPI:
        raise HcrError(f"--dpi {dpi:g}: expected more than 0 and at most {MAX_DPI}")


# ---- PDF ------------------------------------------------------------------------------------------------------


def _open_pdf(data: bytes, name: str):
    """The PDF as a pypdfium2 document (the caller keeps `data` alive while it is open), or a one-line
    ImageError. Loaded through PDFium's own call: pypdfium2 refuses a PDF without pages as unreadable, with
    whatever error PDFium last reported."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    raw = pdfium_c.FPDF_LoadMemDocument64(data, len(data), None)
    if not raw:
        code = pdfium_c.FPDF_GetLastError()
        if code == pdfium_c.FPDF_ERR_PASSWORD:
            raise ImageError(f"{name}: the PDF is encrypted with a password (decrypt it first)")
        if code == pdfium_c.FPDF_ERR_SECURITY:
            raise ImageError(f"{name}: the PDF uses an unsupported security handler")
        raise ImageError(f"{name}: not a readable PDF (corrupt or truncated)")
    if pdfium_c.FPDF_GetPageCount(raw) < 1:
        pdfium_c.FPDF_CloseDocument(raw)
        raise ImageError(f"{name}: the PDF has no pages")
    return pdfium.PdfDocument(raw)


def _pdf_pages(
    data: bytes, name: str, dpi: float, selection: PageSelection | None, max_pixels: int
) -> Iterator[DocumentPage]:
    pdf = _open_pdf(data, name)
    try:
        count = len(pdf)
        numbers = selection.select(count, name) if selection else list(range(1, count + 1))
        for number in numbers:
            page_name = f"{name}#{number}"
            image, used = _render(pdf, number, page_name, dpi, max_pixels)
            yield DocumentPage(number, image, page_name, count, paged=True, dpi=used)
    finally:
        pdf.close()


def _render(pdf, number: int, name: str, dpi: float, max_pixels: int) -> tuple[np.ndarray, float]:
    """One page in grayscale at `dpi`, or at the highest dpi that keeps it within `max_pixels`."""
    import pypdfium2 as pdfium

    try:
        page = pdf[number - 1]
    except (pdfium.PdfiumError, IndexError) as err:
        raise ImageError(f"{name}: the page cannot be loaded (corrupt PDF)") from err
    try:
        width_pt, height_pt = page.get_size()
        if not (width_pt >= 1 and height_pt >= 1 and math.isfinite(width_pt * height_pt)):
            raise ImageError(f"{name}: the page has no area ({width_pt:g}x{height_pt:g} pt)")
        used = min(dpi, _fitting_dpi(width_pt, height_pt, max_pixels, name))
        if used < dpi:
            log.warning(
                "%s: %.0fx%.0f pt at %g dpi would be over the limit of %.0f megapixels: rendered at %.0f dpi",
                name,
                width_pt,
                height_pt,
                dpi,
                max_pixels / 1e6,
                used,
            )
        # PDFium sizes the bitmap as ceil(points * scale): a hair less scale keeps a page made at `dpi`
        # from gaining a pixel to rounding noise in its size
        scale = used / 72 - 1e-4 / max(width_pt, height_pt)
        try:
            bitmap = page.render(scale=scale, grayscale=True)
        except (pdfium.PdfiumError, ValueError, MemoryError) as err:
            raise ImageError(f"{name}: the page cannot be rendered ({err})") from err
        image = np.array(bitmap.to_numpy(), dtype=np.uint8).reshape(bitmap.height, bitmap.width)
        bitmap.close()
        return image, used
    finally:
        page.close()


def _fitting_dpi(width_pt: float, height_pt: float, max_pixels: int, name: str) -> float:
    """The highest whole dpi at which a page of this size in points stays within `max_pixels`."""
    dpi = math.floor(72 * math.sqrt(max_pixels / (width_pt * height_pt)))
    while dpi > 1 and math.ceil(width_pt * dpi / 72) * math.ceil(height_pt * dpi / 72) > max_pixels:
        dpi -= 1
    if dpi < 1:
        raise ImageError(f"{name}: {width_pt:.0f}x{height_pt:.0f} pt is too large to render even at 1 dpi")
    return float(dpi)


# ---- TIFF -----------------------------------------------------------------------------------------------------


def _tiff_frames(data: bytes) -> int:
    """The number of frames of a TIFF (1 for anything else, or a file Pillow cannot open: load_image says why)."""
    if data[:4] not in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"):
        return 1
    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with Image.open(io.BytesIO(data)) as img:
                return int(getattr(img, "n_frames", 1))
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        return 1


def _tiff_pages(
    data: bytes, name: str, count: int, selection: PageSelection | None, max_pixels: int
) -> Iterator[DocumentPage]:
    from PIL import Image, ImageOps

    numbers = selection.select(count, name) if selection else list(range(1, count + 1))
    with warnings.catch_warnings():  # Pillow warns of big or odd files; our own checks decide
        warnings.simplefilter("ignore")
        with Image.open(io.BytesIO(data)) as img:
            for number in numbers:
                page_name = f"{name}#{number}"
                try:
                    img.seek(number - 1)
                    width, height = img.size
                    if width * height > max_pixels:
                        raise too_large(page_name, width, height, max_pixels)
                    if width == 0 or height == 0:
                        raise ImageError(f"{page_name}: the image has no pixels")
                    frame = ImageOps.exif_transpose(img.copy())
                    gray = pil_to_gray(frame)
                except (OSError, ValueError, SyntaxError, EOFError, Image.DecompressionBombError) as err:
                    reason = str(err).split("\n")[0] or type(err).__name__
                    raise ImageError(f"{page_name}: cannot decode ({reason})") from err
                yield DocumentPage(number, gray, page_name, count, paged=True)
