"""Stage 12, output: what a read page becomes (text, JSON, hOCR, an overlay picture).

render(page, "json")                     # text, json, hocr, alto or pagexml, as a string
page_hocr(page)                          # an hOCR document as a string
draw_overlay(page.image, page, "out.png")
overlay_png(page.image, page)            # the same picture as PNG bytes, made in memory
"""

from __future__ import annotations

import os
from pathlib import Path

from hcr_ocr.errors import HcrError

FORMATS = {  # output format → file suffix
    "text": ".txt",
    "json": ".json",
    "hocr": ".hocr",
    "alto": ".alto.xml",
    "pagexml": ".page.xml",
}


def output_paths(inputs: list[str], out_dir: Path, suffix: str) -> dict[str, Path]:
    """Where the result of each input goes in `out_dir`: its path below the inputs' common folder, with
    `suffix` for its own, so that x.png from two folders gives two results; where two inputs of one folder
    differ only in their suffix (x.png, x.jpg), the result keeps it (x.png.json). `-` is named stdin."""
    if out_dir.exists() and not out_dir.is_dir():
        raise HcrError(f"{out_dir}: exists and is not a folder (results go into a folder)")
    files = {src: Path(src).resolve() for src in inputs if src != "-"}
    common = Path(os.path.commonpath([p.parent for p in files.values()])) if files else Path.cwd()
    relative = {src: path.relative_to(common) for src, path in files.items()}
    if "-" in inputs:
        relative["-"] = Path("stdin")
    target = {src: rel.with_suffix(suffix) for src, rel in relative.items()}
    taken: dict[Path, int] = {}
    for path in target.values():
        taken[path] = taken.get(path, 0) + 1
    return {
        src: out_dir / (rel.parent / (rel.name + suffix) if taken[target[src]] > 1 else target[src])
        for src, rel in relative.items()
    }


def render(page, fmt: str) -> str:
    """One page as text, JSON, hOCR, ALTO or PAGE-XML (any other format: its text); the pages of a PDF:
    xml_formats.render_document."""
    from hcr_ocr.reading.xml_formats import render_document

    return render_document([page], fmt if fmt in FORMATS else "text")


def page_hocr(page) -> str:
    """The page as hOCR 1.2 (XHTML): ocr_page → ocr_carea → ocr_par → ocr_line → ocrx_word, with bbox and
    x_wconf (see hcr_ocr.reading.xml_formats)."""
    from hcr_ocr.reading.xml_formats import hocr_document

    return hocr_document([page])


def draw_overlay(gray, page, path) -> None:
    """Write the overlay picture (see overlay_image) to `path` as a PNG."""
    import cv2

    if not cv2.imwrite(str(path), overlay_image(gray, page)):
        raise HcrError(f"cannot write overlay {path}")


def overlay_png(gray, page) -> bytes:
    """The overlay picture (see overlay_image) as PNG bytes, made in memory."""
    import cv2

    ok, png = cv2.imencode(".png", overlay_image(gray, page))
    if not ok:
        raise HcrError("cannot encode the overlay as PNG")
    return png.tobytes()


def overlay_image(gray, page):
    """The page in BGR with line (blue), word (green) and character (red, orange when unsure) boxes and the
    characters read above them; small pages are enlarged, and a white band on top holds the first labels."""
    import cv2
    import numpy as np

    img = cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR)
    scale = max(1.0, min(4.0, 240.0 / max(1, min(img.shape[:2]))))
    if scale > 1.0:  # small crops are enlarged so that the labels stay readable
        img = cv2.resize(img, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
    top = 30  # a white band above the page, so that the labels of the first line are not cut off
    img = cv2.copyMakeBorder(img, top, 0, 0, 0, cv2.BORDER_CONSTANT, value=(255, 255, 255))

    def box(b, colour, thickness):
        x0, x1 = (int(round(v * scale)) for v in (b[0], b[2]))
        y0, y1 = (int(round(v * scale)) + top for v in (b[1], b[3]))
        cv2.rectangle(img, (x0, y0), (x1 - 1, y1 - 1), colour, thickness)
        return x0, y0, x1, y1

    for line in page.lines:
        box(line.bbox, (200, 120, 0), 2)
        for word in line.words:
            box(word.bbox, (0, 160, 0), 1)
            for ch in word.chars:
                x0, y0, x1, y1 = box(ch.bbox, (0, 0, 220), 1)
                size = max(0.4, min(1.2, (y1 - y0) / 40))
                colour = (0, 0, 220) if ch.confidence >= 0.5 else (0, 140, 255)
                org = (x0, max(12, y0 - 3))
                cv2.putText(
                    img, ch.text, org, cv2.FONT_HERSHEY_SIMPLEX, size, (255, 255, 255), 3, cv2.LINE_AA
                )
                cv2.putText(img, ch.text, org, cv2.FONT_HERSHEY_SIMPLEX, size, colour, 1, cv2.LINE_AA)
    if page.is_blank:
        cv2.putText(img, "blank page", (10, 30), cv2.FONT_HERSHEY_SIMPLEX, 0.8, (0, 0, 220), 2, cv2.LINE_AA)
    return np.ascontiguousarray(img)
