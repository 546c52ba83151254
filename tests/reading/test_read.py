"""`hcr-ocr read` end to end, as a user runs it: real sample images, the shipped model, real output files."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET

import cv2
import numpy as np
import pytest

import hcr_ocr
from tests.conftest import REPO, SHARED_DATA, assert_one_line_error, leaning, run_cli, shipped, synthetic_page

SAMPLES = REPO / "samples"


@pytest.fixture(scope="module", autouse=True)
def model():
    return shipped("emnist47.onnx")


def read_json(*args: str) -> dict:
    proc = run_cli("read", "--format", "json", *args)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("word-caps", "SHOPPING LIST"),
        ("word-hello", "Hello"),
        ("keys", "Bring the keys"),
        ("letters", "Zebra quilt hedge"),
        ("sentence", "The quick brown fox jumps"),
        ("phone", "Call Sam at 555 0142"),
        ("note", "Meet me at the park\nat 7 tonight"),
        ("mixed-case", "Anna met Bob in Paris"),
        ("list", "milk 2\neggs 12\nbread 1\napples 6"),
        ("digits", "31415 92653 58979"),
        ("paragraph", "DEAR TOM\nTHANK YOU FOR THE LOVELY GIFT\nSEE YOU NEXT WEEK\nLOVE ANNA"),
        ("print-sans-caps", "PAGE ONE\nMEET AT SIX BY THE OLD MILL\nROOM 42 ON THE THIRD FLOOR"),
        ("print-sans-mixed", "Hello there\nBuy milk and eggs\nSee you on page 42"),
        ("print-serif-caps", "NOTICE TO ALL STAFF\nTHE OFFICE CLOSES AT 5 TODAY"),
        ("print-serif-mixed", "The meeting moved to Friday\nPlease bring your notes"),
    ],
)
def test_reads_samples_exactly(name, expected):
    proc = run_cli("read", str(SAMPLES / f"{name}.png"))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == expected + "\n"


def with_broken_letter(name: str, letter: str, tmp_path) -> tuple[str, tuple[int, int, int, int]]:
    """A sample with one letter broken in two: a 2-px column of paper cut where the middle of the letter
    has the least ink (through an H's bar, an h's arch). Returns the image's path and the letter's box."""
    clean = read_json(str(SAMPLES / f"{name}.png"))
    chars = [c for ln in clean["lines"] for w in ln["words"] for c in w["chars"]]
    x0, y0, x1, y1 = next(c["bbox"] for c in chars if c["text"] == letter)
    gray = cv2.imread(str(SAMPLES / f"{name}.png"), cv2.IMREAD_GRAYSCALE)
    columns = (gray[y0:y1, x0:x1] < 128).sum(axis=0)
    lo, hi = int(0.3 * len(columns)), int(0.7 * len(columns))
    cut = x0 + lo + int(np.argmin(columns[lo:hi]))
    gray[y0:y1, cut : cut + 2] = 255
    path = tmp_path / f"{name}-broken.png"
    cv2.imwrite(str(path), gray)
    return str(path), (x0, y0, x1, y1)


@pytest.mark.parametrize(
    ("name", "letter", "text"), [("word-caps", "H", "SHOPPING LIST"), ("keys", "h", "Bring the keys")]
)
def test_a_letter_broken_in_two_is_read_whole(name, letter, text, tmp_path):
    path, box = with_broken_letter(name, letter, tmp_path)
    assert read_json(path)["text"] == text
    # glyph by glyph too: one character, the letter, over the whole of it
    page = read_json(path, "--lexicon", "none")
    chars = [c for ln in page["lines"] for w in ln["words"] for c in w["chars"]]
    inside = [c for c in chars if c["bbox"][0] >= box[0] - 2 and c["bbox"][2] <= box[2] + 2]
    assert [c["text"] for c in inside] == [letter]
    assert abs(inside[0]["bbox"][0] - box[0]) <= 2 and abs(inside[0]["bbox"][2] - box[2]) <= 2


def printed_paper(page: np.ndarray, grid: bool) -> np.ndarray:
    """`page` on ruled (a rule every 41 px and a margin) or squared paper (a 26 px grid): lines lighter
    than the writing, crossing it, under it and along its strokes, as printed paper is."""
    paper = page.copy()
    pitch = 26 if grid else 41
    for y in range(7, paper.shape[0], pitch):
        paper[y : y + 2, :] = np.minimum(paper[y : y + 2, :], 175)
    for x in range(11, paper.shape[1], pitch) if grid else [60]:
        paper[:, x : x + 2] = np.minimum(paper[:, x : x + 2], 175)
    return paper


@pytest.mark.parametrize(
    "name, grid",
    [("note", False), ("paragraph", False), ("list", False), ("sentence", False)]
    + [("paragraph", True), ("list", True), ("sentence", True)]
    + [("digits", True), ("letters", True)],  # one line: the page is under four letters tall
)
def test_writing_on_ruled_and_squared_paper_reads_as_on_plain_paper(name, grid):
    page = cv2.imread(str(SAMPLES / f"{name}.png"), cv2.IMREAD_GRAYSCALE)
    text = hcr_ocr.read(printed_paper(page, grid)).text
    assert text == (SAMPLES / f"{name}.gt.txt").read_text().strip()


def test_json_structure():
    page = read_json(str(SAMPLES / "list.png"))
    assert page["file"].endswith("list.png")
    height, width = cv2.imread(str(SAMPLES / "list.png"), cv2.IMREAD_GRAYSCALE).shape
    assert (page["width"], page["height"]) == (width, height)
    assert len(page["lines"]) == 4 and page["text"].count("\n") == 3
    for line in page["lines"]:
        for word in line["words"]:
            assert word["text"] == "".join(c["text"] for c in word["chars"])
            for ch in word["chars"]:
                x0, y0, x1, y1 = ch["bbox"]
                assert 0 <= x0 < x1 <= page["width"] and 0 <= y0 < y1 <= page["height"]
                lx0, ly0, lx1, ly1 = line["bbox"]
                assert lx0 <= x0 and x1 <= lx1 and ly0 <= y0 and y1 <= ly1
                assert 0.0 <= ch["confidence"] <= 1.0
                assert len(ch["alternatives"]) == 3


def test_hocr_is_well_formed():
    proc = run_cli("read", "--format", "hocr", str(SAMPLES / "paragraph.png"))
    assert proc.returncode == 0, proc.stderr
    root = ET.fromstring(proc.stdout.split("\n", 2)[2])  # after the XML declaration and doctype
    ns = {"x": "http://www.w3.org/1999/xhtml"}
    classes = [el.get("class") for el in root.iter() if el.get("class")]
    assert classes.count("ocr_page") == 1 and classes.count("ocr_line") == 4
    words = root.findall(".//x:span[@class='ocrx_word']", ns)
    assert [w.text for w in words][:2] == ["DEAR", "TOM"]
    assert all("bbox " in w.get("title") and "x_wconf " in w.get("title") for w in words)


def test_overlay_and_out_dir(tmp_path):
    overlay = tmp_path / "o.png"
    proc = run_cli(
        "read", str(SAMPLES / "word-hello.png"), "--overlay", str(overlay), "--out", str(tmp_path / "out")
    )
    assert proc.returncode == 0, proc.stderr
    img = cv2.imread(str(overlay))
    assert img is not None and img.shape[2] == 3
    assert (tmp_path / "out" / "word-hello.txt").read_text() == "Hello\n"
    # red character boxes were drawn
    assert ((img[:, :, 2] > 180) & (img[:, :, 0] < 60) & (img[:, :, 1] < 60)).sum() > 100


def test_several_files_with_one_bad(tmp_path):
    bad = tmp_path / "notes.png"
    bad.write_text("this is text, not a picture")
    proc = run_cli("read", str(SAMPLES / "word-caps.png"), str(bad), str(SAMPLES / "digits.png"))
    assert proc.returncode == 1
    assert proc.stdout.splitlines() == [
        f"==> {SAMPLES / 'word-caps.png'} <==",
        "SHOPPING LIST",
        f"==> {SAMPLES / 'digits.png'} <==",
        "31415 92653 58979",
    ]
    error, summary = proc.stderr.splitlines()
    assert error.startswith("error: ") and "notes.png" in error and "not an image" in error
    assert summary.startswith("2 read, 1 failed, ") and summary.endswith(" s")


def test_blank_page_is_not_an_error(tmp_path):
    blank = tmp_path / "blank.png"
    noise = np.random.default_rng(0).normal(230, 4, (400, 300)).clip(0, 255).astype(np.uint8)
    cv2.imwrite(str(blank), noise)
    proc = run_cli("read", str(blank))
    assert proc.returncode == 0
    assert proc.stdout.strip() == ""
    assert "blank page" in proc.stderr and "Traceback" not in proc.stderr


def test_stdin():
    proc = run_cli("read", "-", stdin=(SAMPLES / "word-caps.png").read_bytes())
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "SHOPPING LIST\n"


def test_deskews_a_tilted_page(tmp_path):
    img = cv2.imread(str(SAMPLES / "word-caps.png"), cv2.IMREAD_GRAYSCALE)
    img = cv2.copyMakeBorder(img, 120, 120, 40, 40, cv2.BORDER_REPLICATE)
    h, w = img.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), 9, 1.0)
    tilted = cv2.warpAffine(img, m, (w, h), borderMode=cv2.BORDER_REPLICATE)
    cv2.imwrite(str(tmp_path / "tilted.png"), tilted)
    page = read_json(str(tmp_path / "tilted.png"))
    assert page["text"] == "SHOPPING LIST"
    assert 7 <= page["skew_degrees"] <= 11


@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        ("missing.png", None, "no such file"),
        ("", None, "directory"),
        ("empty.png", b"", "empty file"),
        ("text.png", b"hello, this is text", "not an image"),
        ("random.jpg", np.random.default_rng(1).bytes(3000), "not an image"),
        ("vector.svg", b'<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9"/>', "not an image"),
    ],
)
def test_bad_inputs_are_one_line(tmp_path, name, content, fragment):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    assert_one_line_error(run_cli("read", str(path)), fragment)


def test_huge_image_is_refused(tmp_path):
    big = tmp_path / "huge.png"
    cv2.imwrite(str(big), np.full((7000, 6000), 255, np.uint8))
    assert_one_line_error(run_cli("read", str(big)), "over the limit")


def test_bad_format_and_models(tmp_path):
    sample = str(SAMPLES / "word-hello.png")
    assert_one_line_error(run_cli("read", sample, "--format", "pdf"), "unknown --format")
    assert_one_line_error(run_cli("read", sample, "--model", str(tmp_path / "none.onnx")), "not found")
    corrupt = tmp_path / "corrupt.onnx"
    corrupt.write_bytes(b"\x08\x07garbage" * 50)
    assert_one_line_error(run_cli("read", sample, "--model", str(corrupt)), "corrupt.onnx")


def test_read_path_never_imports_torch_nor_what_a_plain_read_does_not_use():
    """A one-image read to text loads no torch, no XML writer, no worker pool, no plots, no Typer (no option
    given); a plain PNG needs no Pillow, and no numpy.ma (numpy's median, percentile and unique import it)."""
    cmd = [sys.executable, "-X", "importtime", "-m", "hcr_ocr", "read", str(SAMPLES / "word-hello.png")]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO, timeout=120)
    assert proc.returncode == 0, proc.stderr
    imported = [
        line.split("|")[-1].strip() for line in proc.stderr.splitlines() if line.startswith("import time:")
    ]
    assert "cv2" in imported and "hcr_ocr.reading.pipeline" in imported
    unused = ("torch", "lxml", "multiprocessing", "concurrent", "matplotlib", "rich", "PIL", "typer")
    assert not [
        m for m in imported if m.split(".")[0] in unused or m.startswith(("hcr_ocr.train", "numpy.ma."))
    ]
    assert "numpy.ma" not in imported


def test_settings_reach_the_stages():
    """A number changed in the settings changes what is read: with word gaps required to be five letter
    heights wide (also where a line's gaps fall in two groups), the two words of word-caps.png are one."""
    import hcr_ocr
    from hcr_ocr.reading.settings import Settings, replace

    base = Settings()
    image = str(SAMPLES / "word-caps.png")
    assert hcr_ocr.read(image, lexicon=None).text == "SHOPPING LIST"
    wide_gaps = replace(base, words=replace(base.words, min_word_gap=5.0, break_min_gap=5.0))
    assert hcr_ocr.read(image, lexicon=None, settings=wide_gaps).text == "SHOPPINGLIST"
    assert hcr_ocr.read(image, lexicon=None).text == "SHOPPING LIST"  # the defaults are untouched


def test_settings_are_frozen_values():
    """Settings compare and hash by value, refuse assignment and unknown names, and copy with replace."""
    from hcr_ocr.reading.settings import DEFAULT, GlyphSettings, Settings, replace

    assert Settings() == DEFAULT and hash(Settings()) == hash(DEFAULT)
    changed = replace(DEFAULT.glyphs, dot_max_width=0.5)
    assert changed.dot_max_width == 0.5 and DEFAULT.glyphs.dot_max_width != 0.5
    assert changed != DEFAULT.glyphs and changed == GlyphSettings(dot_max_width=0.5)
    assert replace(changed, dot_max_width=DEFAULT.glyphs.dot_max_width) == DEFAULT.glyphs
    assert "dot_max_width=0.5" in repr(changed)
    with pytest.raises(AttributeError, match="frozen"):
        changed.dot_max_width = 1.0
    with pytest.raises(TypeError, match="no setting dot_max"):
        GlyphSettings(dot_max=1.0)


def test_a_big_page_of_big_writing_is_read_at_a_working_size_with_boxes_on_the_page():
    """word-caps.png enlarged 7 times (3822x672, letters ~270 px tall, like marker in a phone photo) reads the
    same, with every box where the small page's box is, times 7."""
    small = cv2.imread(str(SAMPLES / "word-caps.png"), cv2.IMREAD_GRAYSCALE)
    big = cv2.resize(small, None, fx=7, fy=7, interpolation=cv2.INTER_CUBIC)
    expected = hcr_ocr.read(small).lines[0].words
    page = hcr_ocr.read(big)
    assert (page.width, page.height) == (big.shape[1], big.shape[0])
    assert page.text == "SHOPPING LIST"
    for word, reference in zip(page.lines[0].words, expected, strict=True):
        for ch, ref in zip(word.chars, reference.chars, strict=True):
            assert np.abs(np.array(ch.bbox) - 7 * np.array(ref.bbox)).max() <= 7 * 3, (ch, ref)


def test_printed_labels_and_the_form_left_of_them_are_left_out():
    """Real form crops read as the handwritten name alone: with the field's printed label (NOM, in small
    type whose N and O touch: two glyphs) on a line of its own above the name; and with the remains of the
    next field (digits set sideways) left of the label PRENOM: a short line just below-left of it, or a
    blot touching the label, so tall that the label's letters looked like marks beside it."""
    crops = SHARED_DATA / "real-dev" / "form-names-tune"
    if not crops.is_dir():
        pytest.skip("no real-dev data")
    expected = {"0684": "BOUVET", "0926": "FRANCO", "0839": "LISA", "0468": "ALICIA"}
    for number, text in expected.items():
        assert hcr_ocr.read(str(crops / f"VALIDATION_{number}.jpg")).text == text, number


def test_a_label_in_one_piece_above_the_name_is_left_out():
    """Real form crops whose label NOM, in type so small that all three letters touch, is one bold glyph
    alone on its line above the (taller) handwritten name: left out, the name read alone."""
    crops = SHARED_DATA / "real-dev" / "form-names-tune"
    if not crops.is_dir():
        pytest.skip("no real-dev data")
    for number, text in {"0511": "ARAB", "0757": "SIETTE"}.items():
        assert hcr_ocr.read(str(crops / f"VALIDATION_{number}.jpg")).text == text, number


def test_a_name_whose_letters_touch_the_crops_edge_is_read():
    """Real form crops cut so tight that the name's letters touch the top or bottom edge: the name is the
    only line, so it is read rather than left out as a neighbouring field's. (Classified from the glyphs'
    own masks: from the page enlarged, one E of ALEXANDRE reads T.)"""
    from hcr_ocr.reading.settings import DEFAULT, replace

    crops = SHARED_DATA / "real-dev" / "form-names-tune"
    if not crops.is_dir():
        pytest.skip("no real-dev data")
    own_masks = replace(DEFAULT, scale=replace(DEFAULT.scale, min_letter=0.0))
    for number, text in {"0463": "ALEXANDRE", "0861": "BASTIEN"}.items():
        assert hcr_ocr.read(str(crops / f"VALIDATION_{number}.jpg"), settings=own_masks).text == text, number


def test_a_name_that_grazes_the_edge_under_a_cut_off_field_is_read():
    """Real form crops where every line touches the top or bottom edge: the field above, cut through its
    letters, is left out; the name below, only a few of whose letters touch the bottom edge, is read."""
    crops = SHARED_DATA / "real-dev" / "form-names-tune"
    if not crops.is_dir():
        pytest.skip("no real-dev data")
    expected = {"0465": "KIJUN", "0532": "BOURG", "0563": "BARRIERE"}
    for number, text in expected.items():
        assert hcr_ocr.read(str(crops / f"VALIDATION_{number}.jpg")).text == text, number


def test_the_feet_of_the_field_above_and_a_line_under_the_label_are_left_out():
    """Real form crops: the bottoms of the letters of the field above, cut by the top edge, are no hyphen
    or letters of the name; the bit of the next field under the label PRENOM is no line of its own."""
    crops = SHARED_DATA / "real-dev" / "form-names-tune"
    if not crops.is_dir():
        pytest.skip("no real-dev data")
    expected = {"0673": "MORIN", "0718": "ABASSA", "0408": "DO VALE", "0518": "CLEMENT", "0824": "SOLENE"}
    for number, text in expected.items():
        assert hcr_ocr.read(str(crops / f"VALIDATION_{number}.jpg")).text == text, number


def test_a_short_list_whose_rules_join_every_letter_is_read():
    """A four-line list on ruled paper with a margin line (the benchmark's ruled condition, seed 1): the
    rules cross the letters and the margin joins the rules, so the page is one blob, taken for a letter
    as tall as the page, and no run is four such letters long. Runs across nearly the whole page are its
    rules: every line is read."""
    from hcr_ocr.data.degradations import degrade

    gray = cv2.imread(str(SAMPLES / "list.png"), cv2.IMREAD_GRAYSCALE)
    lines = hcr_ocr.read(degrade(gray, "ruled", 1, 3, "hand")).text.split("\n")
    assert [line.split()[0] for line in lines] == ["milk", "eggs", "bread", "apples"]


def test_thinned_print_keeps_its_word_spaces():
    """Print written over with a hairline pen: every letter narrower, so letter gaps widen towards the word
    spaces and single gaps stray; the line's two tight groups of gaps still split it into its words. (The
    first line, PAGE ONE, has too few gaps to judge their spread; it reads P.AGE ONE, a thinned speck.)"""
    from hcr_ocr.data.degradations import degrade

    gray = cv2.imread(str(SAMPLES / "print-sans-caps.png"), cv2.IMREAD_GRAYSCALE)
    page = hcr_ocr.read(degrade(gray, "hairline", 0, 0, "print"))
    assert [line.text for line in page.lines[1:]] == [
        "MEET AT SIX BY THE OLD MILL",
        "ROOM 42 ON THE THIRD FLOOR",
    ]


@pytest.mark.parametrize(
    ("condition", "run_together"), [("hairline", "Hellothete"), ("blur-2.5", "Hellolhere")]
)
def test_a_two_word_line_of_print_keeps_the_space_the_page_shows(condition, run_together):
    """samples/print-sans-mixed.png in a fine pen, and out of focus (`hcr-ocr bench --conditions`): 'Hello
    there' has one space, too few gaps for a break of its own, and it fell short of a lone space. The two
    lines below show the page's spacing; with it the space is found. Without (a page break needing more
    lines than the page has), the words run together (where the word list does not split them, respelling
    'thete' as 'there': that is turned off too)."""
    from hcr_ocr.data.degradations import degrade
    from hcr_ocr.reading.settings import DEFAULT, replace

    page = degrade(
        cv2.imread(str(SAMPLES / "print-sans-mixed.png"), cv2.IMREAD_GRAYSCALE),
        condition,
        seed=0,
        index=9,
        source="samples",
    )
    assert hcr_ocr.read(page).text.split("\n")[0] == "Hello there"
    alone = replace(
        DEFAULT,
        words=replace(DEFAULT.words, page_break_min_lines=4),
        transcription=replace(DEFAULT.transcription, listed_split_min_respelled=99),
    )
    assert hcr_ocr.read(page, settings=alone).text.split("\n")[0] == run_together


def test_bold_print_under_a_marker_keeps_its_word_spaces():
    """A printed sample page with every stroke thickened (the benchmark's marker condition): the letters
    touch and the spaces are narrow, yet each line has as many words as the truth."""
    from hcr_ocr.data.degradations import degrade

    name = "print-serif-mixed"
    page = degrade(
        cv2.imread(str(REPO / "samples" / f"{name}.png"), cv2.IMREAD_GRAYSCALE), "marker", 0, 0, name
    )
    truth = (REPO / "samples" / f"{name}.gt.txt").read_text().strip().split("\n")
    lines = hcr_ocr.read(page).text.split("\n")
    assert [len(line.split()) for line in lines] == [len(t.split()) for t in truth]


def test_words_in_marker_are_no_printed_labels():
    """A page written with a marker (a synthetic page under the benchmark's marker condition): its bold,
    tight words at the start of a line look like a form's printed labels, but the whole page is written as
    boldly, so no word is left out: 'License 2' reads whole, not '2'."""
    from hcr_ocr.data.degradations import degrade
    from hcr_ocr.data.synthetic import synthetic_pages

    if not (SHARED_DATA / "emnist").is_dir():
        pytest.skip("no EMNIST data")
    gray, truth = next(synthetic_pages(1, 0, SHARED_DATA))
    assert truth.split("\n")[-1] == "License 2"
    assert hcr_ocr.read(degrade(gray, "marker", 0, 0, "synthetic")).text.split("\n")[-1] == "License 2"


def test_a_bold_word_of_small_letters_on_a_page_written_as_boldly_is_no_label():
    """Synthetic page 35 of seed 0 under heavy grain (the benchmark's gauss-45): its first word, 'career',
    all small letters, comes out bold for its height and tight, as a form's label does. The page's taller
    letters are no bolder for their height, but their strokes are as wide: the page is written with one
    bold pen, and the word is read, not left out. Where only strokes bold for their own height counted, it
    was left out."""
    from hcr_ocr.reading.settings import DEFAULT, replace

    page, truth = synthetic_page(35, "gauss-45")
    assert truth[0].split()[0] == "career"
    assert hcr_ocr.read(page).text.split("\n")[0].split()[0] == "career"
    by_height_only = replace(DEFAULT, forms=replace(DEFAULT.forms, marker_label_min_stroke=99.0))
    assert "career" not in hcr_ocr.read(page, settings=by_height_only).text


def test_a_listed_word_with_a_wide_glyph_is_still_looked_up():
    """Serif capitals under heavy noise: T and H of THE touch and read as one sure M, so the line starts
    with the listed word ME. A word with a glyph wide enough to hide two letters is looked up all the same,
    and the word list reads THE."""
    from hcr_ocr.data.degradations import degrade

    gray = cv2.imread(str(SAMPLES / "print-serif-caps.png"), cv2.IMREAD_GRAYSCALE)
    page = hcr_ocr.read(degrade(gray, "gauss-45", 0, 2, "print"))
    assert page.text == "NOTICE TO ALL STAFF\nTHE OFFICE CLOSES AT 5 TODAY"


def test_a_word_with_a_letter_read_as_a_digit_is_still_looked_up():
    """A synthetic page (EMNIST ink) whose 'ff' reads '7c': a word of letters and one digit is no number,
    so it is looked up and the word list reads it. Numbers (mostly digits) are left as read."""
    import itertools

    from hcr_ocr.data.synthetic import synthetic_pages

    if not (SHARED_DATA / "emnist").is_dir():
        pytest.skip("no EMNIST data")
    gray, truth = next(itertools.islice(synthetic_pages(24, 0, SHARED_DATA), 23, None))
    assert truth == "advisor lesbian Surface hip\nSteps offer slightly"
    assert hcr_ocr.read(gray).text == truth


def test_a_digit_standing_alone_is_read_as_one(monkeypatch):
    """A synthetic page (EMNIST ink) whose first line ends in a lone 5 that the classifier reads S: an S
    alone is hardly a word, a number often is, so it reads 5."""
    import itertools

    from hcr_ocr.data.synthetic import synthetic_pages
    from hcr_ocr.reading import decoding

    if not (SHARED_DATA / "emnist").is_dir():
        pytest.skip("no EMNIST data")
    gray, truth = next(itertools.islice(synthetic_pages(58, 2, SHARED_DATA), 57, None))
    assert truth.split("\n")[0] == "if 802 5"
    assert hcr_ocr.read(gray).text.split("\n")[0] == "if 802 5"
    monkeypatch.setattr(decoding, "DIGITS_WHEN_ALONE", set())
    from hcr_ocr.reading.settings import DEFAULT, replace

    glyphs_only = replace(DEFAULT, word_reader=replace(DEFAULT.word_reader, enabled=False))
    assert hcr_ocr.read(gray, settings=glyphs_only).text.split("\n")[0] == "if 802 S"
    assert hcr_ocr.read(gray).text.split("\n")[0] == "if 802 5"  # the word reader reads the 5 as well


@pytest.mark.parametrize(
    ("name", "as_found"),
    [
        ("list", "milk 2\neggs 72\nbread 7\napples 6"),
        ("paragraph", "DEAR TOM\nTHANA YOU FOR THE LOVELY GIFT\nSEE YOU NEXT WEEK\nLOVE ANNA"),
    ],
)
def test_tiny_writing_is_classified_from_the_page_enlarged(name, as_found):
    """Shrunk to 0.35 (letters ~10 px), the page reads as written: its glyphs are classified from its ink
    found again on the page enlarged. Classified from their own blocky masks, 1s and 7s, K and A mix (the
    list's 1 read 7 is narrow enough to be taken for print's flagged 1 all the same: that rule is off
    here). Read without the word reader (stage 12), which reads this font's tiny M as RI: TOM is TORI."""
    from hcr_ocr.reading.settings import DEFAULT, replace

    glyphs_only = replace(DEFAULT, word_reader=replace(DEFAULT.word_reader, enabled=False))
    page = cv2.imread(str(REPO / "samples" / f"{name}.png"), cv2.IMREAD_GRAYSCALE)
    tiny = cv2.resize(page, None, fx=0.35, fy=0.35, interpolation=cv2.INTER_AREA)
    truth = (REPO / "samples" / f"{name}.gt.txt").read_text().strip()
    assert hcr_ocr.read(tiny, settings=glyphs_only).text == truth
    as_they_are = replace(
        glyphs_only,
        scale=replace(DEFAULT.scale, min_letter=0.0),
        decoding=replace(DEFAULT.decoding, narrow_seven_max_width=0.0),
    )
    assert hcr_ocr.read(tiny, settings=as_they_are).text == as_found


def test_a_page_of_leaning_print_reads_once_stood_upright():
    """samples/print-serif-caps.png leaning right by 0.35 px per px of height (19 degrees): stood upright, its
    letters no longer overlap and it reads as the page does, each word's box where that word's box on the
    upright page lands when it is sheared; read as it leans, letters run together."""
    from hcr_ocr.reading.settings import DEFAULT, replace

    upright = cv2.imread(str(SAMPLES / "print-serif-caps.png"), cv2.IMREAD_GRAYSCALE)
    leant = leaning(upright, 0.35)
    page = hcr_ocr.read(leant)
    assert page.text == "NOTICE TO ALL STAFF\nTHE OFFICE CLOSES AT 5 TODAY"
    h = upright.shape[0]
    words = [w for line in hcr_ocr.read(upright).lines for w in line.words]
    leant_words = [w for line in page.lines for w in line.words]
    assert [w.text for w in leant_words] == [w.text for w in words]
    for word, leant_word in zip(words, leant_words, strict=True):
        x0, y0, x1, y1 = word.bbox  # sheared: x moves by 0.35 * (h - y)
        expected = (x0 + 0.35 * (h - y1), y0, x1 + 0.35 * (h - y0), y1)
        assert np.allclose(leant_word.bbox, expected, atol=6), (word.text, leant_word.bbox, expected)
    as_it_leans = replace(DEFAULT, deskew=replace(DEFAULT.deskew, max_slant=0.0))
    assert hcr_ocr.read(leant, settings=as_it_leans).text != page.text


def test_glyphs_that_lean_each_apart_from_the_next_are_left_as_written():
    """The first and sixth synthetic pages of seed 0: their EMNIST letters lean right by a third or more, but
    each in its own place, none over its neighbour: standing them upright would only push them into each
    other, and they are read as written, exactly."""
    from hcr_ocr.data.synthetic import synthetic_pages
    from hcr_ocr.reading.binarization import binarize
    from hcr_ocr.reading.deskew import estimate_slant
    from hcr_ocr.reading.lines import find_blobs, find_lines, x_overlap
    from hcr_ocr.reading.pipeline import segment_page

    if not (SHARED_DATA / "emnist").is_dir():
        pytest.skip("no EMNIST data")
    pages = list(synthetic_pages(6, 0, SHARED_DATA))
    for gray, truth in (pages[0], pages[5]):
        ink = binarize(gray)
        lines = find_lines(find_blobs(ink)[0], ink.shape)
        assert estimate_slant(ink, [(tl.top, tl.bottom) for tl in lines]) > 0.3  # they lean
        assert x_overlap(lines) == 0  # but apart
        assert segment_page(gray).levelling.slant == 0.0
        assert hcr_ocr.read(gray).text == truth


def bench_synthetic_page(index: int, condition: str) -> tuple[np.ndarray, str]:
    """Synthetic page `index` (from 0) of the conditions bench at seed 0, degraded as `hcr-ocr bench
    --conditions` degrades it, and its text; skips the test where there is no EMNIST data."""
    import itertools

    from hcr_ocr.data.degradations import degrade
    from hcr_ocr.data.synthetic import synthetic_pages

    if not (SHARED_DATA / "emnist").is_dir():
        pytest.skip("no EMNIST data")
    gray, truth = next(itertools.islice(synthetic_pages(index + 1, 0, SHARED_DATA), index, None))
    return degrade(gray, condition, 0, index, "synthetic 50"), truth


def test_letters_a_marker_ran_together_are_read_apart():
    """Under the benchmark's marker condition (seed 0, as `hcr-ocr bench --conditions marker` degrades
    them), letters touch: 'OFFICE' in bold serif capitals and 'Ontario' in handwriting are blobs of two to
    four letters. Parted at their necks they read as written; left whole they read 'OMS' and 'OMAN'."""
    from hcr_ocr.data.degradations import degrade
    from hcr_ocr.reading.loading import load_image
    from hcr_ocr.reading.settings import DEFAULT, replace

    glyphs_only = replace(DEFAULT, word_reader=replace(DEFAULT.word_reader, enabled=False))
    unparted = replace(glyphs_only, lines=replace(DEFAULT.lines, neck_min_stroke=1e9))
    name = "print-serif-caps"
    index = sorted(p.stem for p in (REPO / "samples").glob("*.png")).index(name)
    page = degrade(load_image(REPO / "samples" / f"{name}.png"), "marker", 0, index, "samples")
    assert hcr_ocr.read(page).text.split("\n")[1].split()[1] == "OFFICE"
    assert hcr_ocr.read(page, settings=unparted).text.split("\n")[1].split()[1] == "OMS"
    # the word reader, which needs no cut, reads it whole even so
    words_too = replace(DEFAULT, lines=replace(DEFAULT.lines, neck_min_stroke=1e9))
    assert hcr_ocr.read(page, settings=words_too).text.split("\n")[1].split()[1] == "OFFICE"
    page, truth = bench_synthetic_page(11, "marker")
    assert truth.split("\n")[3] == "Ontario faculty Acc"
    assert hcr_ocr.read(page).text.split("\n")[3] == "Ontario faculty Acc"
    assert hcr_ocr.read(page, settings=unparted).text.split("\n")[3].split()[0] == "OMAN"


def test_a_misread_word_becomes_the_commonest_listed_word_it_may_be():
    """Synthetic page 23 (seed 0) under JPEG at quality 25, as `hcr-ocr bench --conditions jpeg-25` degrades
    it: 'medical' is read 'medlcu', and by its glyphs alone is nearer the rare listed word 'medici'. On a
    page of text word frequency counts more in the choice between listed words (text_choice_prior_weight):
    it reads 'medical'."""
    from hcr_ocr.reading.settings import DEFAULT, replace

    page, truth = bench_synthetic_page(22, "jpeg-25")
    assert truth.split("\n")[0] == "weekly 2 very medical"
    assert hcr_ocr.read(page).text.split("\n")[0] == "weekly 2 very medical"
    weight = DEFAULT.lexicon.prior_weight
    glyphs_only = replace(DEFAULT, word_reader=replace(DEFAULT.word_reader, enabled=False))
    alike = replace(glyphs_only, lexicon=replace(DEFAULT.lexicon, text_choice_prior_weight=weight))
    assert hcr_ocr.read(page, settings=alike).text.split("\n")[0] == "weekly 2 very medici"
