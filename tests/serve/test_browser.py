"""The page of `hcr-ocr serve` in a real browser: Debian's Chromium driven by Playwright's Python API, against
`hcr-ocr serve` started on a free local port. A word written with the mouse on the pad is read back, a photo
opened with the file input is read, the alternatives show on hover; a screenshot is kept in
out/serve-screenshot.png.

Chromium comes from scripts/install-deps.sh chromium (`playwright install` cannot download browsers here);
without it, or without Playwright, these tests skip and say so.
"""

from __future__ import annotations

import difflib
import math
import shutil

import pytest

pytest.importorskip("fastapi", reason="the [serve] extra (fastapi) is not installed")
sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright (the [dev] extra) is not installed")

import hcr_ocr  # noqa: E402
from tests.conftest import REPO  # noqa: E402
from tests.serve.live import running_server  # noqa: E402

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="Chromium is not installed (scripts/install-deps.sh chromium installs it)"
)
SCREENSHOT = REPO / "out" / "serve-screenshot.png"
NOTE = REPO / "samples" / "note.png"
WAIT_MS = 120_000  # what the page may take to answer at most (the first read of a cold server included)

# Block capitals as strokes, in a box 0.6 wide and 1 high (y downwards).
LETTERS = {
    "H": [[(0, 0), (0, 1)], [(0.6, 0), (0.6, 1)], [(0, 0.5), (0.6, 0.5)]],
    "I": [[(0.1, 0), (0.5, 0)], [(0.3, 0), (0.3, 1)], [(0.1, 1), (0.5, 1)]],
}


@pytest.fixture(scope="module")
def server() -> str:
    with running_server() as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield browser
        browser.close()


@pytest.fixture
def page(browser, server):
    page = browser.new_page(viewport={"width": 1100, "height": 1150})
    page.set_default_timeout(WAIT_MS)
    page.goto(server)
    yield page
    page.close()


def write(page, word: str, size: float = 150, gap: float = 0.35) -> None:
    """Write `word` in block capitals on the pad with the mouse, `size` CSS pixels high."""
    box = page.locator("#canvas").bounding_box()
    x0, y0 = box["x"] + 80, box["y"] + (box["height"] - size) / 2
    for k, letter in enumerate(word):
        left = x0 + k * size * (0.6 + gap)
        for stroke in LETTERS[letter]:
            points = [(left + x * size, y0 + y * size) for x, y in stroke]
            page.mouse.move(*points[0])
            page.mouse.down()
            for a, b in zip(points, points[1:], strict=False):
                page.mouse.move(*b, steps=max(2, int(math.dist(a, b) / 8)))
            page.mouse.up()


def wait_for_answer(page) -> str:
    """The page's state once the read is over: done or error."""
    page.wait_for_selector("body[data-state=done], body[data-state=error]")
    return page.get_attribute("body", "data-state")


def test_a_word_written_with_the_mouse_is_read_back(page):
    write(page, "HI")
    page.click("#read")
    assert wait_for_answer(page) == "done", page.inner_text("#status")
    assert page.inner_text("#text") == "HI"
    page.wait_for_selector("#boxes div")
    assert page.locator("#boxes div").count() == 2  # one box per character on the overlay picture

    page.hover("#text .ch >> nth=0")  # the alternatives of the first character
    tip = page.locator("#tip")
    assert tip.is_visible()
    assert tip.locator(".head").inner_text().startswith("“H”")
    assert tip.locator(".row").count() >= 2 and "%" in tip.inner_text()
    page.mouse.move(0, 0)
    assert not tip.is_visible()

    page.hover("#boxes div >> nth=1")  # and on the picture, for the second
    assert tip.is_visible() and tip.locator(".head").inner_text().startswith("“I”")
    SCREENSHOT.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)

    page.click("#clear")
    page.click("#read")
    assert wait_for_answer(page) == "error"  # an empty pad is not sent
    assert "first" in page.inner_text("#status")


def test_a_photo_opened_with_the_file_input_is_read(page):
    page.set_input_files("#file", str(NOTE))  # the page reads it as soon as it is chosen
    assert wait_for_answer(page) == "done", page.inner_text("#status")
    shown = page.inner_text("#text")
    assert shown == hcr_ocr.read(NOTE).text  # what the page shows is what the reader reads
    truth = (REPO / "samples" / "note.gt.txt").read_text().strip()
    assert difflib.SequenceMatcher(None, shown, truth).ratio() >= 0.9, (shown, truth)
    assert shown.count("\n") == truth.count("\n")
    assert page.locator("#photo-label").inner_text() == "note.png"
    assert page.eval_on_selector("#overlay", "img => img.naturalWidth") > 0


def test_a_file_that_is_not_an_image_gets_a_one_line_message(page, tmp_path):
    fake = tmp_path / "fake.png"
    fake.write_text("not a picture")
    page.set_input_files("#file", str(fake))
    assert wait_for_answer(page) == "error"
    status = page.inner_text("#status")
    assert "422" in status and "not an image" in status and "\n" not in status
