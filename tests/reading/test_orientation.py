"""Pages scanned upside down or photographed sideways: read turned, boxes on the page as given."""

from __future__ import annotations

import json

import cv2
import numpy as np
import pytest

import hcr_ocr
from hcr_ocr.reading.orientation import box_back, turned
from hcr_ocr.reading.settings import DEFAULT, replace
from tests.conftest import REPO, run_cli

SAMPLES = REPO / "samples"
NOTE = "Meet me at the park\nat 7 tonight"
PARAGRAPH = "DEAR TOM\nTHANK YOU FOR THE LOVELY GIFT\nSEE YOU NEXT WEEK\nLOVE ANNA"


@pytest.mark.parametrize("k", [1, 2, 3])
def test_a_box_on_the_turned_page_maps_back_onto_the_same_ink(k):
    page = np.zeros((40, 90), np.uint8)
    page[5:12, 30:71] = 255
    ys, xs = np.nonzero(turned(page, k))
    box = (int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1)
    assert box_back(box, k, page.shape) == (30, 5, 71, 12)


def word_boxes(page: dict) -> list[tuple[str, list[int]]]:
    return [(w["text"], w["bbox"]) for line in page["lines"] for w in line["words"]]


def read_json(path) -> dict:
    proc = run_cli("read", "--format", "json", str(path))
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


@pytest.mark.parametrize("k", [1, 2, 3])
def test_a_turned_page_reads_as_upright_with_its_boxes_on_the_image_as_given(k, tmp_path):
    upright = cv2.imread(str(SAMPLES / "note.png"), cv2.IMREAD_GRAYSCALE)
    given = turned(upright, k)
    cv2.imwrite(str(tmp_path / "turned.png"), given)
    page, plain = read_json(tmp_path / "turned.png"), read_json(SAMPLES / "note.png")
    assert page["text"] == plain["text"] == NOTE
    assert (page["turned_degrees"], plain["turned_degrees"]) == ((4 - k) % 4 * 90, 0)
    assert (page["width"], page["height"]) == (given.shape[1], given.shape[0])
    for (text, box), (_, upright_box) in zip(word_boxes(page), word_boxes(plain), strict=True):
        # the upright page is the given one turned (4 - k) quarter turns: its boxes map onto the given one
        expected = box_back(tuple(upright_box), (4 - k) % 4, given.shape)
        assert np.abs(np.subtract(box, expected)).max() <= 3, (text, box, expected)


def test_a_sure_upright_page_is_not_tried_turned(monkeypatch):
    import hcr_ocr.reading.pipeline as pipeline

    votes = []
    monkeypatch.setattr(pipeline, "glyph_votes", lambda *a: votes.append(a) or {k: 0.0 for k in range(4)})
    page = hcr_ocr.read(SAMPLES / "paragraph.png")
    assert (page.text, page.turned_degrees, votes) == (PARAGRAPH, 0, [])


def test_turns_are_not_tried_when_the_settings_say_so():
    upside_down = turned(cv2.imread(str(SAMPLES / "note.png"), cv2.IMREAD_GRAYSCALE), 2)
    settings = replace(DEFAULT, orientation=replace(DEFAULT.orientation, try_turns=False))
    page = hcr_ocr.read(upside_down, settings=settings)
    assert page.turned_degrees == 0 and page.text != NOTE
    assert hcr_ocr.read(upside_down).text == NOTE


def test_a_doubtful_page_is_read_at_most_twice(monkeypatch):
    """Noise, texture and a checkerboard read doubtfully, so their glyphs vote; whatever the vote, one turned
    reading at most follows, and none of them is kept."""
    import hcr_ocr.reading.pipeline as pipeline
    from hcr_ocr.evaluate.stress import stress_image

    readings, votes = [], []
    read_as_given, glyph_votes = pipeline._read_as_given, pipeline.glyph_votes
    monkeypatch.setattr(pipeline, "_read_as_given", lambda *a: readings.append(1) or read_as_given(*a))
    monkeypatch.setattr(pipeline, "glyph_votes", lambda *a: votes.append(1) or glyph_votes(*a))
    for kind in ("noise", "texture", "checkerboard"):
        readings.clear(), votes.clear()
        page = hcr_ocr.read(stress_image(kind, 0.5))
        assert votes == [1] and len(readings) <= 2 and page.turned_degrees == 0, kind


def test_a_turned_page_is_turned_back_onto_the_image_as_given():
    """Boxes and baselines of a page read turned, in the coordinates of the image as given: the sideways
    paragraph's lines run bottom to top, their letters resting on the right of each line's box."""
    given = turned(cv2.imread(str(SAMPLES / "paragraph.png"), cv2.IMREAD_GRAYSCALE), 1)
    page = hcr_ocr.read(given)
    assert (page.text, page.turned_degrees) == (PARAGRAPH, 270)
    assert page.image is not None and (page.height, page.width) == given.shape
    ink = given < 128
    for line in page.lines:
        x0, y0, x1, y1 = line.bbox
        (xa, ya), (xb, yb) = line.baseline
        assert ya > yb and y0 <= yb and ya <= y1  # read upwards
        for x in (xa, xb):
            assert x0 + 0.6 * (x1 - x0) <= x <= x1
        for word in line.words:
            for ch in word.chars:
                cx0, cy0, cx1, cy1 = ch.bbox
                assert ink[cy0:cy1, cx0:cx1].any(), ch.text


def test_read_upright_reads_every_page_as_given(tmp_path):
    """`read --upright` (and a Ray record with upright) never tries a page turned: an upside-down note
    stays upside down."""
    from hcr_ocr.distributed.records import read_record

    path = tmp_path / "upside-down.png"
    cv2.imwrite(str(path), turned(cv2.imread(str(SAMPLES / "note.png"), cv2.IMREAD_GRAYSCALE), 2))
    proc = run_cli("read", "--upright", "--format", "json", str(path))
    assert proc.returncode == 0, proc.stderr
    as_given = json.loads(proc.stdout)
    assert as_given["turned_degrees"] == 0 and as_given["text"] != NOTE
    assert read_json(path)["text"] == NOTE
    record = read_record(path.read_bytes(), str(path), upright=True)
    assert record["text"] == as_given["text"]
    assert read_record(path.read_bytes(), str(path))["text"] == NOTE
