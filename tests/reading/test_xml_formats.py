"""ALTO 4, PAGE-XML and hOCR output, and the pages of one document in every format: exact values on a page
built here, and the sample pages and a 3-page PDF of them validated against the official schemas (lxml)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import cv2
import numpy as np
import pytest
from lxml import etree

import hcr_ocr
from hcr_ocr.errors import HcrError
from hcr_ocr.page import Char, Line, Page, Word
from hcr_ocr.reading.documents import read_document
from hcr_ocr.reading.output import FORMATS, page_hocr, render
from hcr_ocr.reading.xml_formats import (
    ALTO_NS,
    PAGE_NS,
    XHTML_NS,
    blocks_of,
    page_file,
    render_document,
    write_document,
)
from tests.conftest import REPO, shipped
from tests.reading.test_documents import PDF_SAMPLES, SAMPLES, make_pdf

SCHEMAS = REPO.parent / "shared" / "schemas"
A = {"a": ALTO_NS}
P = {"p": PAGE_NS}
H = {"h": XHTML_NS}
WHEN = datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)


@pytest.fixture(scope="module")
def alto_schema() -> etree.XMLSchema:
    path = SCHEMAS / "alto-4-4.xsd"
    if not path.is_file() or not (SCHEMAS / "xlink.xsd").is_file():
        pytest.skip(f"no ALTO schema at {SCHEMAS}")
    # the schema imports XLink from the web: point the import at the copy beside it (see its README)
    text = path.read_bytes().replace(
        b"http://www.loc.gov/standards/xlink/xlink.xsd", (SCHEMAS / "xlink.xsd").as_uri().encode()
    )
    return etree.XMLSchema(etree.fromstring(text, base_url=path.as_uri()))


@pytest.fixture(scope="module")
def page_schema() -> etree.XMLSchema:
    path = SCHEMAS / "pagecontent-2019-07-15.xsd"
    if not path.is_file():
        pytest.skip(f"no PAGE-XML schema at {SCHEMAS}")
    return etree.XMLSchema(etree.parse(str(path)))


def valid(schema: etree.XMLSchema, xml: str) -> etree._Element:
    """The document parsed, after asserting that it validates (the schema's errors shown when not)."""
    assert xml.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    root = etree.fromstring(xml.encode("utf-8"))
    assert schema.validate(root), schema.error_log
    return root


def made_page(number: int | None = None, file: str = "note.png") -> Page:
    """A page of two lines, "Hi yo" and "7", with boxes and confidences chosen here."""
    h = Char("H", (10, 20, 30, 60), 0.9, [("H", 0.9), ("N", 0.06), ("A", 0.01)])
    i = Char("i", (32, 22, 40, 60), 0.55, [("I", 0.55), ("1", 0.3), ("L", 0.1)])
    y = Char("y", (60, 30, 80, 75), 1.0, [("Y", 1.0)])
    o = Char("o", (82, 35, 99, 60), 0.04, [("O", 0.5), ("0", 0.46)])
    seven = Char("7", (12, 100, 30, 140), 0.7, [("7", 0.7), ("T", 0.2)])
    first = Line(
        [Word([h, i], (10, 20, 40, 60), True, "Hl"), Word([y, o], (60, 30, 99, 75))],
        (10, 20, 99, 75),
        baseline=[(10, 60), (98, 62)],
    )
    second = Line([Word([seven], (12, 100, 30, 140))], (12, 100, 30, 140))
    name = file if number is None else f"{file}#{number}"
    return Page(name, 160, 200, [first, second], number=number)


# ---- one page built here: exact values ------------------------------------------------------------------------


def test_formats_and_their_suffixes():
    assert FORMATS["alto"] == ".alto.xml" and FORMATS["pagexml"] == ".page.xml"
    page = made_page()
    for fmt in ("text", "json", "hocr", "alto"):
        assert render(page, fmt) == render_document([page], fmt)
    assert "<PcGts " in render(page, "pagexml")  # the same but for its timestamp, which is now
    assert render(page, "text") == "Hi yo\n7"
    assert json.loads(render_document([page], "json")) == page.to_dict()


def test_lines_of_one_block_make_one_block():
    page = made_page()
    (block,) = blocks_of(page)
    assert block.lines == page.lines and block.bbox == (10, 20, 99, 140)
    assert blocks_of(Page("blank.png", 10, 10)) == []


def two_columns() -> np.ndarray:
    """samples/paragraph.png and samples/list.png side by side, 120 px of paper between them."""
    left = cv2.imread(str(SAMPLES / "paragraph.png"), cv2.IMREAD_GRAYSCALE)
    right = cv2.imread(str(SAMPLES / "list.png"), cv2.IMREAD_GRAYSCALE)
    page = np.full(
        (max(left.shape[0], right.shape[0]) + 40, left.shape[1] + right.shape[1] + 120), 235, np.uint8
    )
    page[20 : 20 + left.shape[0], : left.shape[1]] = left
    page[20 : 20 + right.shape[0], left.shape[1] + 120 :] = right
    return page


def test_two_columns_are_read_one_after_the_other_as_two_blocks(alto_schema, page_schema):
    shipped("emnist47.onnx")
    page = hcr_ocr.read(two_columns(), name="columns.png")
    paragraph = "DEAR TOM\nTHANK YOU FOR THE LOVELY GIFT\nSEE YOU NEXT WEEK\nLOVE ANNA"
    assert page.text == paragraph + "\nmilk 2\neggs 12\nbread 1\napples 6"
    assert [line.block for line in page.lines] == [0] * 4 + [1] * 4
    assert [len(b.lines) for b in blocks_of(page)] == [4, 4]
    alto = valid(alto_schema, render(page, "alto"))
    blocks = alto.findall(".//a:TextBlock", A)
    assert [len(b.findall("a:TextLine", A)) for b in blocks] == [4, 4]
    pagexml = valid(page_schema, render(page, "pagexml"))
    assert len(pagexml.findall(".//p:TextRegion", P)) == 2
    hocr = etree.fromstring(render(page, "hocr").encode())
    assert len(hocr.findall(".//h:div[@class='ocr_carea']", H)) == 2
    assert [line["block"] for line in page.to_dict()["lines"]] == [0] * 4 + [1] * 4


def test_alto_values(alto_schema):
    root = valid(alto_schema, render_document([made_page()], "alto"))
    assert root.findtext("a:Description/a:MeasurementUnit", namespaces=A) == "pixel"
    assert root.findtext("a:Description/a:sourceImageInformation/a:fileName", namespaces=A) == "note.png"
    (page,) = root.findall("a:Layout/a:Page", A)
    assert dict(page.attrib) == {"ID": "p1", "PHYSICAL_IMG_NR": "1", "WIDTH": "160", "HEIGHT": "200"}
    (block,) = page.findall("a:PrintSpace/a:TextBlock", A)
    assert dict(block.attrib) == {"ID": "p1_b1", "HPOS": "10", "VPOS": "20", "WIDTH": "89", "HEIGHT": "120"}
    first, second = block.findall("a:TextLine", A)
    assert first.get("BASELINE") == "10,60 98,62" and second.get("BASELINE") is None
    assert [el.tag.split("}")[1] for el in first] == ["String", "SP", "String"]
    hi, space, yo = first
    assert dict(hi.attrib) == {
        "ID": "p1_l1_w1",
        "CONTENT": "Hi",
        "HPOS": "10",
        "VPOS": "20",
        "WIDTH": "30",
        "HEIGHT": "40",
        "WC": "0.55",
        "CC": "1 4",
    }
    assert dict(space.attrib) == {"HPOS": "40", "VPOS": "20", "WIDTH": "20"}
    assert hi.find("a:ALTERNATIVE", A).text == "Hl" and hi.find("a:ALTERNATIVE", A).get("PURPOSE") == "glyphs"
    assert yo.find("a:ALTERNATIVE", A) is None and yo.get("CC") == "0 9"
    h, i = hi.findall("a:Glyph", A)
    assert dict(h.attrib) == {
        "ID": "p1_l1_w1_g1",
        "CONTENT": "H",
        "HPOS": "10",
        "VPOS": "20",
        "WIDTH": "20",
        "HEIGHT": "40",
        "GC": "0.9",
    }
    assert [(v.get("CONTENT"), v.get("VC")) for v in h] == [("N", "0.06"), ("A", "0.01")]
    assert [(v.get("CONTENT"), v.get("VC")) for v in i] == [("1", "0.3"), ("L", "0.1")]  # not "I": it is "i"
    assert [s.get("CONTENT") for s in second.findall("a:String", A)] == ["7"]


def test_page_xml_values(page_schema):
    root = valid(page_schema, render_document([made_page()], "pagexml", created=WHEN))
    assert root.findtext("p:Metadata/p:Creator", namespaces=P) == f"hcr-ocr {hcr_ocr.__version__}"
    assert root.findtext("p:Metadata/p:Created", namespaces=P) == "2024-05-06T07:08:09+00:00"
    assert root.findtext("p:Metadata/p:LastChange", namespaces=P) == "2024-05-06T07:08:09+00:00"
    page = root.find("p:Page", P)
    assert dict(page.attrib) == {"imageFilename": "note.png", "imageWidth": "160", "imageHeight": "200"}
    (ref,) = page.findall("p:ReadingOrder/p:OrderedGroup/p:RegionRefIndexed", P)
    assert (ref.get("index"), ref.get("regionRef")) == ("0", "r1")
    (region,) = page.findall("p:TextRegion", P)
    assert region.get("id") == "r1" and region.get("type") == "paragraph"
    assert region.find("p:Coords", P).get("points") == "10,20 98,20 98,139 10,139"
    assert region.findtext("p:TextEquiv/p:Unicode", namespaces=P) == "Hi yo\n7"
    first, second = region.findall("p:TextLine", P)
    assert [el.tag.split("}")[1] for el in first] == ["Coords", "Baseline", "Word", "Word", "TextEquiv"]
    assert first.find("p:Baseline", P).get("points") == "10,60 98,62" and second.find("p:Baseline", P) is None
    line_equiv = first.find("p:TextEquiv", P)
    assert line_equiv.get("conf") == "0.04" and line_equiv.findtext("p:Unicode", namespaces=P) == "Hi yo"
    hi = first.find("p:Word", P)
    assert hi.get("id") == "r1_l1_w1" and hi.find("p:Coords", P).get("points") == "10,20 39,20 39,59 10,59"
    assert (hi.find("p:TextEquiv", P).get("conf"), hi.findtext("p:TextEquiv/p:Unicode", namespaces=P)) == (
        "0.55",
        "Hi",
    )
    h = hi.find("p:Glyph", P)
    assert h.get("id") == "r1_l1_w1_g1"
    assert [
        (e.get("index"), e.get("conf"), e.findtext("p:Unicode", namespaces=P))
        for e in h.findall("p:TextEquiv", P)
    ] == [
        ("0", "0.9", "H"),
        ("1", "0.06", "N"),
        ("2", "0.01", "A"),
    ]
    y = first.findall("p:Word", P)[1].find("p:Glyph", P)  # no other readings: one TextEquiv, no index
    assert [(e.get("index"), e.get("conf")) for e in y.findall("p:TextEquiv", P)] == [(None, "1")]


def test_hocr_nests_page_area_paragraph_line_word():
    xml = page_hocr(made_page())
    assert xml.split("\n")[1].startswith("<!DOCTYPE html PUBLIC")
    root = etree.fromstring(xml.encode("utf-8"))
    (page,) = root.findall(".//h:div[@class='ocr_page']", H)
    assert page.get("title") == 'bbox 0 0 160 200; image "note.png"; ppageno 0'
    area = page.find("h:div", H)
    assert area.get("class") == "ocr_carea" and area.get("title") == "bbox 10 20 99 140"
    par = area.find("h:p", H)
    assert par.get("class") == "ocr_par"
    lines = par.findall("h:span", H)
    assert [ln.get("class") for ln in lines] == ["ocr_line", "ocr_line"]
    assert lines[0].get("title") == "bbox 10 20 99 75; baseline 0.02273 -15"
    words = root.findall(".//h:span[@class='ocrx_word']", H)
    assert [(w.get("id"), w.text) for w in words] == [
        ("word_1_1_1", "Hi"),
        ("word_1_1_2", "yo"),
        ("word_1_2_1", "7"),
    ]
    assert (
        words[0].get("title")
        == "bbox 10 20 40 60; x_wconf 55; x_bboxes 10 20 30 60, 32 22 40 60; x_confs 90 55"
    )


def test_a_blank_page_is_valid_in_every_xml_format(alto_schema, page_schema):
    blank = Page("blank.png", 300, 200)
    alto = valid(alto_schema, render_document([blank], "alto"))
    assert alto.find(".//a:TextBlock", A) is None and alto.find(".//a:PrintSpace", A) is not None
    page = valid(page_schema, render_document([blank], "pagexml"))
    assert page.find(".//p:TextRegion", P) is None and page.find(".//p:ReadingOrder", P) is None
    hocr = etree.fromstring(render_document([blank], "hocr").encode("utf-8"))
    assert len(hocr.findall(".//h:div[@class='ocr_page']", H)) == 1


# ---- the pages of one document --------------------------------------------------------------------------------


def test_several_pages_in_text_and_json():
    pages = [made_page(2, "scan.pdf"), made_page(5, "scan.pdf")]
    pages[1].lines = pages[1].lines[1:]
    assert render_document(pages, "text") == "Hi yo\n7\n\f7"
    data = json.loads(render_document(pages, "json"))
    assert data["file"] == "scan.pdf"
    assert data["pages"] == [{"page": 2, **pages[0].to_dict()}, {"page": 5, **pages[1].to_dict()}]
    assert data["pages"][0]["file"] == "scan.pdf#2"


def test_one_page_of_a_document_is_listed_as_a_page():
    data = json.loads(render_document([made_page(1, "scan.pdf")], "json"))
    assert data["file"] == "scan.pdf" and [p["page"] for p in data["pages"]] == [1]


def test_several_pages_in_alto_and_hocr(alto_schema):
    pages = [made_page(2, "scan.pdf"), made_page(5, "scan.pdf")]
    root = valid(alto_schema, render_document(pages, "alto"))
    assert root.findtext(".//a:sourceImageInformation/a:fileName", namespaces=A) == "scan.pdf"
    assert [(p.get("ID"), p.get("PHYSICAL_IMG_NR")) for p in root.findall("a:Layout/a:Page", A)] == [
        ("p2", "2"),
        ("p5", "5"),
    ]
    hocr = etree.fromstring(render_document(pages, "hocr").encode("utf-8"))
    assert hocr.findtext("h:head/h:title", namespaces=H) == "scan.pdf"
    divs = hocr.findall(".//h:div[@class='ocr_page']", H)
    assert [(d.get("id"), d.get("title")) for d in divs] == [
        ("page_2", 'bbox 0 0 160 200; image "scan.pdf#2"; ppageno 1'),
        ("page_5", 'bbox 0 0 160 200; image "scan.pdf#5"; ppageno 4'),
    ]
    assert len({el.get("id") for el in hocr.iter() if el.get("id")}) == len(
        [el for el in hocr.iter() if el.get("id")]
    )


def test_page_xml_of_several_pages_goes_to_a_file_each(tmp_path, page_schema):
    pages = [made_page(2, "scan.pdf"), made_page(5, "scan.pdf")]
    with pytest.raises(HcrError) as err:
        render_document(pages, "pagexml")
    assert str(err.value) == (
        "scan.pdf: PAGE-XML holds one page a file: write the 2 pages to a folder (--out), or choose one (--pages)"
    )
    out = tmp_path / "out" / "scan.page.xml"
    written = write_document(pages, "pagexml", out, created=WHEN)
    assert written == [tmp_path / "out" / "scan-p0002.page.xml", tmp_path / "out" / "scan-p0005.page.xml"]
    assert not out.exists()
    for path, page in zip(written, pages, strict=True):
        text = path.read_text(encoding="utf-8")
        assert text.endswith("</PcGts>\n")
        root = valid(page_schema, text.rstrip("\n"))
        assert root.find("p:Page", P).get("imageFilename") == page.file
    assert write_document(pages, "alto", tmp_path / "scan.alto.xml") == [tmp_path / "scan.alto.xml"]
    assert write_document(pages[:1], "pagexml", tmp_path / "one.page.xml") == [tmp_path / "one.page.xml"]


@pytest.mark.parametrize(
    ("out", "expected"),
    [
        ("a/scan.page.xml", "a/scan-p0007.page.xml"),
        ("scan.xml", "scan-p0007.xml"),
        ("x.y.page.xml", "x.y-p0007.page.xml"),
    ],
)
def test_page_file_names(out, expected):
    assert page_file(Path(out), 7) == Path(expected)


def test_an_unknown_format_is_one_line():
    with pytest.raises(HcrError) as err:
        render_document([made_page()], "docx")
    assert str(err.value) == "unknown format 'docx': choose text, json, hocr, alto or pagexml"


# ---- real pages against the schemas ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_pages() -> list[Page]:
    shipped("emnist47.onnx")
    paths = sorted(SAMPLES.glob("*.png"))
    if not paths:
        pytest.skip(f"no sample pages in {SAMPLES}")
    return [hcr_ocr.read(path) for path in paths]


def test_every_sample_page_validates_as_alto_and_page_xml(sample_pages, alto_schema, page_schema):
    for page in sample_pages:
        alto = valid(alto_schema, render(page, "alto"))
        strings = [s.get("CONTENT") for s in alto.iterfind(".//a:String", A)]
        assert strings == [w.text for line in page.lines for w in line.words], page.file
        assert len(alto.findall(".//a:TextLine", A)) == len(page.lines)
        assert len(alto.findall(".//a:Glyph", A)) == sum(len(w.chars) for ln in page.lines for w in ln.words)
        xml = valid(page_schema, render(page, "pagexml"))
        lines = [
            ln.findtext("p:TextEquiv/p:Unicode", namespaces=P) for ln in xml.iterfind(".//p:TextLine", P)
        ]
        assert lines == [line.text for line in page.lines], page.file
        assert xml.find("p:Page", P).get("imageFilename") == page.file


def test_a_three_page_pdf_validates(tmp_path, alto_schema, page_schema):
    shipped("emnist47.onnx")
    if not all((SAMPLES / f"{name}.png").is_file() for name in PDF_SAMPLES):
        pytest.skip(f"sample pages missing in {SAMPLES}")
    from hcr_ocr.reading.loading import load_image

    pdf = tmp_path / "samples.pdf"
    pdf.write_bytes(make_pdf([load_image(SAMPLES / f"{name}.png") for name in PDF_SAMPLES]))
    pages = list(read_document(pdf))
    assert [p.number for p in pages] == [1, 2, 3]
    alto = valid(alto_schema, render_document(pages, "alto"))
    assert [int(p.get("PHYSICAL_IMG_NR")) for p in alto.findall("a:Layout/a:Page", A)] == [1, 2, 3]
    assert [int(p.get("WIDTH")) for p in alto.findall("a:Layout/a:Page", A)] == [p.width for p in pages]
    written = write_document(pages, "pagexml", tmp_path / "out" / "samples.page.xml")
    assert [p.name for p in written] == [f"samples-p000{n}.page.xml" for n in (1, 2, 3)]
    for path, page in zip(written, pages, strict=True):
        root = valid(page_schema, path.read_text(encoding="utf-8").rstrip("\n"))
        assert root.find("p:Page", P).get("imageFilename") == f"{pdf}#{page.number}"
    texts = render_document(pages, "text").split("\n\f")
    assert texts == [p.text for p in pages]


def test_the_reader_gives_each_line_its_baseline(alto_schema, page_schema):
    """The baseline of every line read: two points at the ends of its writing, low in its box (the letters
    rest on it), written into ALTO (BASELINE) and PAGE (Baseline) that validate."""
    shipped("emnist47.onnx")
    page = hcr_ocr.read(SAMPLES / "paragraph.png")
    for line in page.lines:
        (xa, ya), (xb, yb) = line.baseline
        x0, y0, x1, y1 = line.bbox
        assert x0 <= xa < xb <= x1
        for y in (ya, yb):
            assert y0 + 0.6 * (y1 - y0) <= y <= y1
    alto = valid(alto_schema, render(page, "alto"))
    assert all(line.get("BASELINE") for line in alto.findall(".//a:TextLine", A))
    pagexml = valid(page_schema, render(page, "pagexml"))
    assert len(pagexml.findall(".//p:Baseline", P)) == len(page.lines)


def test_a_page_read_turned_says_how_its_text_stands(alto_schema, page_schema):
    """A sideways page (its text turned 90 degrees anticlockwise) keeps its boxes on the image as given and
    says so: ALTO Page@ROTATION 90, PAGE Page@orientation 90 (clockwise to put it upright), hOCR textangle
    90 on each line; ALTO's spaces lie between the words' boxes."""
    shipped("emnist47.onnx")
    given = np.ascontiguousarray(np.rot90(cv2.imread(str(SAMPLES / "paragraph.png"), cv2.IMREAD_GRAYSCALE)))
    page = hcr_ocr.read(given, name="sideways.png")
    assert page.turned_degrees == 270
    alto = valid(alto_schema, render(page, "alto"))
    assert alto.find(".//a:Page", A).get("ROTATION") == "90"
    for sp in alto.findall(".//a:SP", A):
        x, y, w, h = (int(sp.get(k)) for k in ("HPOS", "VPOS", "WIDTH", "HEIGHT"))
        assert w >= 0 and h > 0 and 0 <= x <= x + w <= page.width and 0 <= y <= y + h <= page.height
    pagexml = valid(page_schema, render(page, "pagexml"))
    assert pagexml.find(".//p:Page", P).get("orientation") == "90"
    lines = etree.fromstring(page_hocr(page).encode()).findall(".//h:span[@class='ocr_line']", H)
    assert len(lines) == 4 and all(line.get("title").endswith("; textangle 90") for line in lines)
