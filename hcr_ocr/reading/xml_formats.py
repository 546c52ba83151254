"""Pages as layout documents: hOCR, ALTO 4 and PAGE-XML, and any format for the pages of one document.

    from hcr_ocr.reading.xml_formats import render_document, write_document
    render_document([page], "alto")                 # an ALTO 4.4 document of one or more pages
    render_document(pages, "json")                  # {"file": "scan.pdf", "pages": [{"page": 1, ...}, ...]}
    render_document(pages, "text")                  # the pages' text, a form feed starting each next page
    write_document(pages, "pagexml", Path("out/scan.page.xml"))   # one PAGE file per page: scan-p0001.page.xml

Every format nests page → block → line → word → glyph, with boxes in the page's pixels and confidences
(0..1): hOCR `ocr_page`/`ocr_carea`/`ocr_par`/`ocr_line`/`ocrx_word` (`x_wconf`, and each glyph's box and
confidence in `x_bboxes`/`x_confs`); ALTO `Page`/`TextBlock`/`TextLine`/`String` (`WC`, and `CC` one digit a
character, 0 sure to 9 unsure)/`Glyph` (`GC`, the classifier's other readings as `Variant`s); PAGE
`TextRegion`/`TextLine`/`Word`/`Glyph`, each with `Coords` and `TextEquiv@conf` (a glyph's other readings
as further `TextEquiv`s, by index). Each line's baseline (`Line.baseline`: two points, the median bottom of
its letters at the ends of its writing) is written as hOCR `baseline`, ALTO `BASELINE` and PAGE `Baseline`.
A page read turned (scanned upside down, photographed sideways) keeps its boxes on the image as given and
says how its text stands: hOCR `textangle` on each line (in place of `baseline`), ALTO `Page@ROTATION`
(degrees anticlockwise), PAGE `Page@orientation` (degrees clockwise that put the text upright).

`blocks_of` groups a page's lines by the text block (column, paragraph) the reader found them in; the
writers take their blocks from it alone. A PDF or multi-page TIFF gives one ALTO file with a `Page` per page; PAGE-XML
holds one page image per file (`PcGts` has exactly one `Page`), so its pages go to a file each. lxml is
imported by the functions that write XML: a read to text or JSON does not load it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from hcr_ocr.errors import HcrError
from hcr_ocr.page import BBox, Char, Line, Page, Word, union_bbox

ALTO_NS = "http://www.loc.gov/standards/alto/ns-v4#"
ALTO_SCHEMA = "http://www.loc.gov/standards/alto/v4/alto-4-4.xsd"
PAGE_NS = "http://schema.primaresearch.org/PAGE/gts/pagecontent/2019-07-15"
PAGE_SCHEMA = "http://schema.primaresearch.org/PAGE/gts/pagecontent/2019-07-15/pagecontent.xsd"
XHTML_NS = "http://www.w3.org/1999/xhtml"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
XLINK_NS = "http://www.w3.org/1999/xlink"
HOCR_DOCTYPE = (
    '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
    '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">'
)
ONE_PAGE_A_FILE = ("pagexml",)  # formats whose files hold one page each


@dataclass
class Block:
    """A text block: lines read one after another, and the box around them."""

    lines: list[Line]
    bbox: BBox


def blocks_of(page: Page) -> list[Block]:
    """The page's text blocks (columns, paragraphs) in reading order, each with its lines."""
    blocks: dict[int, list[Line]] = {}
    for line in page.lines:
        blocks.setdefault(line.block, []).append(line)
    return [Block(lines, union_bbox([line.bbox for line in lines])) for lines in blocks.values()]


def document_name(pages: list[Page]) -> str:
    """The name of the input the pages came from: a page's name without its `#N` page suffix."""
    first = pages[0]
    suffix = f"#{first.number}"
    if first.number is not None and first.file.endswith(suffix):
        return first.file[: -len(suffix)]
    return first.file


def _numbers(pages: list[Page]) -> list[int]:
    return [page.number if page.number is not None else i for i, page in enumerate(pages, 1)]


# ---- any format -----------------------------------------------------------------------------------------------


def document_text(pages: list[Page]) -> str:
    """The text of one input's pages, a form feed between pages."""
    return "\n\f".join(page.text for page in pages)


def document_dict(pages: list[Page]) -> dict:
    """The JSON of one input (at least one page): a plain image's page as it is; the pages of a document
    as `{"file", "pages": [{"page": N, ...}]}`."""
    if len(pages) == 1 and pages[0].number is None:
        return pages[0].to_dict()
    listed = [{"page": n, **page.to_dict()} for n, page in zip(_numbers(pages), pages, strict=True)]
    return {"file": document_name(pages), "pages": listed}


def render_document(pages: list[Page], fmt: str, created: datetime | None = None) -> str:
    """The pages of one input in `fmt` (text, json, hocr, alto, pagexml). One plain image (`number` None)
    renders as it always has; the pages of a document get their numbers: text pages joined by "\\n\\f", JSON
    `{"file", "pages": [{"page": N, ...}]}`, one hOCR `ocr_page` or ALTO `Page` each. PAGE-XML takes one
    page (see write_document). `created`: the PAGE-XML timestamp (default now)."""
    if not pages:
        raise HcrError("no pages to write")
    if fmt == "text":
        return document_text(pages)
    if fmt == "json":
        return json.dumps(document_dict(pages), ensure_ascii=False)
    if fmt == "hocr":
        return hocr_document(pages)
    if fmt == "alto":
        return alto_document(pages)
    if fmt == "pagexml":
        if len(pages) > 1:
            raise HcrError(
                f"{document_name(pages)}: PAGE-XML holds one page a file: write the {len(pages)} pages to a "
                "folder (--out), or choose one (--pages)"
            )
        return pagexml_document(pages[0], created)
    raise HcrError(f"unknown format {fmt!r}: choose text, json, hocr, alto or pagexml")


def write_document(pages: list[Page], fmt: str, out: Path, created: datetime | None = None) -> list[Path]:
    """Write the pages of one input to `out` (its folder made), or for PAGE-XML of several pages, one file
    each beside it, numbered by page: scan.page.xml → scan-p0001.page.xml, ... Returns the files written."""
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt in ONE_PAGE_A_FILE and len(pages) > 1:
        written = []
        for number, page in zip(_numbers(pages), pages, strict=True):
            path = page_file(out, number)
            path.write_text(pagexml_document(page, created) + "\n", encoding="utf-8")
            written.append(path)
        return written
    out.write_text(render_document(pages, fmt, created) + "\n", encoding="utf-8")
    return [out]


def page_file(out: Path, number: int) -> Path:
    """The file of one page beside `out`: scan.page.xml → scan-p0007.page.xml (scan.xml → scan-p0007.xml)."""
    name = out.name
    suffix = ".page.xml" if name.endswith(".page.xml") else out.suffix
    return out.with_name(f"{name[: len(name) - len(suffix)]}-p{number:04d}{suffix}")


def _serialise(root, doctype: str | None = None) -> str:
    from lxml import etree

    body = etree.tostring(root, encoding="unicode", pretty_print=True, doctype=doctype)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body.rstrip("\n")


def _conf(value: float) -> str:
    return f"{min(1.0, max(0.0, value)):.4f}".rstrip("0").rstrip(".") or "0"


def _other_readings(ch: Char) -> list[tuple[str, float]]:
    """The classifier's other readings of a glyph: its alternatives less the text chosen (in either case:
    the classes of letters alike in both cases hold both)."""
    return [(text, p) for text, p in ch.alternatives if text.casefold() != ch.text.casefold()]


# ---- hOCR -----------------------------------------------------------------------------------------------------


def _title(bbox: BBox, *extra: str) -> str:
    return "; ".join(["bbox {} {} {} {}".format(*bbox), *extra])


def _x(parent, tag: str, attrs: dict[str, str] | None = None):
    from lxml import etree

    return etree.SubElement(parent, f"{{{XHTML_NS}}}{tag}", attrs or {})


def text_rotation(page: Page) -> int:
    """Degrees anticlockwise the text stands turned on the image as given (0 unless the page was read
    turned, see Page.turned_degrees)."""
    return (360 - page.turned_degrees) % 360


def _hocr_baseline(line: Line, rotation: int = 0) -> list[str]:
    """hOCR's `baseline slope offset`: the baseline's slope and its height over the box's bottom at the left;
    on a page whose text stands turned, its `textangle` instead (the baseline is the text's own)."""
    if rotation:
        return [f"textangle {rotation}"]
    if not line.baseline or len(line.baseline) < 2:
        return []
    (xa, ya), (xb, yb) = line.baseline[0], line.baseline[-1]
    slope = (yb - ya) / (xb - xa) if xb != xa else 0.0
    offset = ya + slope * (line.bbox[0] - xa) - line.bbox[3]
    return [f"baseline {slope:.4g} {offset:.4g}"]


def hocr_document(pages: list[Page]) -> str:
    """The pages as hOCR 1.2 (XHTML): ocr_page → ocr_carea → ocr_par → ocr_line → ocrx_word."""
    from lxml import etree

    html = etree.Element(f"{{{XHTML_NS}}}html", nsmap={None: XHTML_NS})
    html.set("{http://www.w3.org/XML/1998/namespace}lang", "en")
    html.set("lang", "en")
    head = _x(html, "head")
    _x(head, "title").text = document_name(pages)
    for key, value in (
        ("http-equiv", "Content-Type"),
        ("ocr-system", "hcr-ocr"),
        ("ocr-capabilities", "ocr_page ocr_carea ocr_par ocr_line ocrx_word"),
    ):
        meta = _x(head, "meta")
        if key == "http-equiv":
            meta.set("http-equiv", value)
            meta.set("content", "text/html;charset=utf-8")
        else:
            meta.set("name", key)
            meta.set("content", value)
    body = _x(html, "body")
    for n, page in zip(_numbers(pages), pages, strict=True):
        rotation = text_rotation(page)
        title = _title((0, 0, page.width, page.height), f'image "{page.file}"', f"ppageno {n - 1}")
        div = _x(body, "div", {"class": "ocr_page", "id": f"page_{n}", "title": title})
        li = 0
        for bi, block in enumerate(blocks_of(page), 1):
            area = _x(
                div, "div", {"class": "ocr_carea", "id": f"block_{n}_{bi}", "title": _title(block.bbox)}
            )
            par = _x(area, "p", {"class": "ocr_par", "id": f"par_{n}_{bi}", "title": _title(block.bbox)})
            for line in block.lines:
                li += 1
                span = _x(
                    par,
                    "span",
                    {
                        "class": "ocr_line",
                        "id": f"line_{n}_{li}",
                        "title": _title(line.bbox, *_hocr_baseline(line, rotation)),
                    },
                )
                for wi, word in enumerate(line.words, 1):
                    _hocr_word(span, word, f"word_{n}_{li}_{wi}")
    return _serialise(html, HOCR_DOCTYPE)


def _hocr_word(parent, word: Word, ident: str) -> None:
    boxes = ", ".join("{} {} {} {}".format(*c.bbox) for c in word.chars)
    confs = " ".join(f"{c.confidence * 100:.0f}" for c in word.chars)
    title = _title(
        word.bbox, f"x_wconf {round(word.confidence * 100)}", f"x_bboxes {boxes}", f"x_confs {confs}"
    )
    _x(parent, "span", {"class": "ocrx_word", "id": ident, "title": title}).text = word.text


# ---- ALTO 4 ---------------------------------------------------------------------------------------------------


def _alto(parent, tag: str, attrs: dict[str, str] | None = None):
    from lxml import etree

    return etree.SubElement(parent, f"{{{ALTO_NS}}}{tag}", attrs or {})


def _box(bbox: BBox) -> dict[str, str]:
    x0, y0, x1, y1 = bbox
    return {"HPOS": str(x0), "VPOS": str(y0), "WIDTH": str(x1 - x0), "HEIGHT": str(y1 - y0)}


def _points(points: list[tuple[int, int]]) -> str:
    return " ".join(f"{x},{y}" for x, y in points)


def alto_document(pages: list[Page]) -> str:
    """The pages as one ALTO 4.4 document: Page → PrintSpace → TextBlock → TextLine → String → Glyph."""
    from lxml import etree

    from hcr_ocr import __version__

    root = etree.Element(f"{{{ALTO_NS}}}alto", nsmap={None: ALTO_NS, "xsi": XSI_NS, "xlink": XLINK_NS})
    root.set(f"{{{XSI_NS}}}schemaLocation", f"{ALTO_NS} {ALTO_SCHEMA}")
    description = _alto(root, "Description")
    _alto(description, "MeasurementUnit").text = "pixel"
    _alto(_alto(description, "sourceImageInformation"), "fileName").text = document_name(pages)
    software = _alto(_alto(description, "Processing", {"ID": "processing_1"}), "processingSoftware")
    _alto(software, "softwareName").text = "hcr-ocr"
    _alto(software, "softwareVersion").text = __version__
    layout = _alto(root, "Layout")
    for n, page in zip(_numbers(pages), pages, strict=True):
        page_attrs = {
            "ID": f"p{n}",
            "PHYSICAL_IMG_NR": str(n),
            "WIDTH": str(page.width),
            "HEIGHT": str(page.height),
        }
        rotation = text_rotation(page)
        if rotation:
            page_attrs["ROTATION"] = str(rotation)
        page_el = _alto(layout, "Page", page_attrs)
        space = _alto(page_el, "PrintSpace", _box((0, 0, page.width, page.height)))
        li = 0
        for bi, block in enumerate(blocks_of(page), 1):
            block_el = _alto(space, "TextBlock", {"ID": f"p{n}_b{bi}", **_box(block.bbox)})
            for line in block.lines:
                li += 1
                attrs = {"ID": f"p{n}_l{li}", **_box(line.bbox)}
                if line.baseline:
                    attrs["BASELINE"] = _points(line.baseline)
                line_el = _alto(block_el, "TextLine", attrs)
                for wi, word in enumerate(line.words, 1):
                    if wi > 1:  # the space between this word and the one before
                        _alto(line_el, "SP", _space(line.words[wi - 2].bbox, word.bbox, line.bbox, rotation))
                    _alto_string(line_el, word, f"p{n}_l{li}_w{wi}")
    return _serialise(root)


def _space(before: BBox, after: BBox, line: BBox, rotation: int) -> dict[str, str]:
    """ALTO's SP between two words of a line: from the end of one to the start of the next, along the
    line; on a page whose text stands turned (`rotation`), the box between the two words' boxes."""
    if not rotation:
        return {"HPOS": str(before[2]), "VPOS": str(line[1]), "WIDTH": str(max(0, after[0] - before[2]))}

    def between(a0: int, a1: int, b0: int, b1: int) -> tuple[int, int]:
        return (a1, b0) if a1 <= b0 else (b1, a0) if b1 <= a0 else (max(a0, b0), min(a1, b1))

    x0, x1 = between(before[0], before[2], after[0], after[2])
    y0, y1 = between(before[1], before[3], after[1], after[3])
    return _box((x0, y0, max(x0, x1), max(y0, y1)))


def _cc(confidence: float) -> str:
    """ALTO's per-character confidence digit: 0 sure to 9 unsure."""
    return str(min(9, max(0, round((1.0 - confidence) * 9))))


def _alto_string(parent, word: Word, ident: str) -> None:
    attrs = {
        "ID": ident,
        "CONTENT": word.text,
        **_box(word.bbox),
        "WC": _conf(word.confidence),
        "CC": " ".join(_cc(c.confidence) for c in word.chars),
    }
    string = _alto(parent, "String", attrs)
    if word.raw and word.raw != word.text:  # the glyph-by-glyph reading, before the word list replaced it
        _alto(string, "ALTERNATIVE", {"PURPOSE": "glyphs"}).text = word.raw
    for gi, ch in enumerate(word.chars, 1):
        glyph = _alto(string, "Glyph", {"ID": f"{ident}_g{gi}", "CONTENT": ch.text, **_box(ch.bbox)})
        glyph.set("GC", _conf(ch.confidence))
        for text, p in _other_readings(ch):
            _alto(glyph, "Variant", {"CONTENT": text, "VC": _conf(p)})


# ---- PAGE-XML -------------------------------------------------------------------------------------------------


def _page(parent, tag: str, attrs: dict[str, str] | None = None):
    from lxml import etree

    return etree.SubElement(parent, f"{{{PAGE_NS}}}{tag}", attrs or {})


def _coords(parent, bbox: BBox) -> None:
    """A box as PAGE's polygon, through the corner pixels (x1, y1 are exclusive in our boxes)."""
    x0, y0, x1, y1 = bbox
    x1, y1 = max(x0, x1 - 1), max(y0, y1 - 1)
    _page(parent, "Coords", {"points": _points([(x0, y0), (x1, y0), (x1, y1), (x0, y1)])})


def _text_equiv(parent, text: str, conf: float | None = None, index: int | None = None) -> None:
    attrs = {}
    if index is not None:
        attrs["index"] = str(index)
    if conf is not None:
        attrs["conf"] = _conf(conf)
    _page(_page(parent, "TextEquiv", attrs), "Unicode").text = text


def pagexml_document(page: Page, created: datetime | None = None) -> str:
    """One page as PAGE-XML 2019-07-15: Page → TextRegion → TextLine → Word → Glyph, with the reading order
    of the regions. `created`: Metadata's Created and LastChange (default now, UTC)."""
    from lxml import etree

    from hcr_ocr import __version__

    stamp = (created or datetime.now(UTC)).replace(microsecond=0).isoformat()
    root = etree.Element(f"{{{PAGE_NS}}}PcGts", nsmap={None: PAGE_NS, "xsi": XSI_NS})
    root.set(f"{{{XSI_NS}}}schemaLocation", f"{PAGE_NS} {PAGE_SCHEMA}")
    metadata = _page(root, "Metadata")
    _page(metadata, "Creator").text = f"hcr-ocr {__version__}"
    _page(metadata, "Created").text = stamp
    _page(metadata, "LastChange").text = stamp
    page_attrs = {"imageFilename": page.file, "imageWidth": str(page.width), "imageHeight": str(page.height)}
    rotation = text_rotation(page)
    if rotation:  # PAGE's orientation: degrees clockwise that put the text upright, in (-180, 180]
        page_attrs["orientation"] = str(rotation if rotation <= 180 else rotation - 360)
    page_el = _page(root, "Page", page_attrs)
    blocks = blocks_of(page)
    if blocks:
        group = _page(_page(page_el, "ReadingOrder"), "OrderedGroup", {"id": "ro_1"})
        for bi in range(1, len(blocks) + 1):
            _page(group, "RegionRefIndexed", {"index": str(bi - 1), "regionRef": f"r{bi}"})
    li = 0
    for bi, block in enumerate(blocks, 1):
        region = _page(page_el, "TextRegion", {"id": f"r{bi}", "type": "paragraph"})
        _coords(region, block.bbox)
        for line in block.lines:
            li += 1
            _pagexml_line(region, line, f"r{bi}_l{li}")
        _text_equiv(region, "\n".join(line.text for line in block.lines))
    return _serialise(root)


def _pagexml_line(parent, line: Line, ident: str) -> None:
    line_el = _page(parent, "TextLine", {"id": ident})
    _coords(line_el, line.bbox)
    if line.baseline and len(line.baseline) >= 2:
        _page(line_el, "Baseline", {"points": _points(line.baseline)})
    for wi, word in enumerate(line.words, 1):
        word_el = _page(line_el, "Word", {"id": f"{ident}_w{wi}"})
        _coords(word_el, word.bbox)
        for gi, ch in enumerate(word.chars, 1):
            glyph = _page(word_el, "Glyph", {"id": f"{ident}_w{wi}_g{gi}"})
            _coords(glyph, ch.bbox)
            others = _other_readings(ch)
            _text_equiv(glyph, ch.text, ch.confidence, 0 if others else None)
            for index, (text, p) in enumerate(others, 1):
                _text_equiv(glyph, text, p, index)
        _text_equiv(word_el, word.text, word.confidence)
    _text_equiv(line_el, line.text, line.confidence)
