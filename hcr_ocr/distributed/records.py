"""One input read into one output record: what each Ray worker does to each file (no Ray, no torch here).

    from hcr_ocr.distributed.records import PageReader, read_record
    record = read_record(Path("note.png").read_bytes(), "/scans/note.png")
    record["path"], record["text"], record["result"], record["error"]   # result: the JSON of `read --format json`
    reader = PageReader(model=None, lexicon="shipped", fmt="json")        # loads the models and word list once
    reader({"bytes": array_of_bytes, "path": array_of_paths})             # {"line": JSON Lines, "failed": bools}

A bad input (empty, not an image, too large) becomes a record with an `error` (the one-line message plain
`read` gives) and `text` and `result` null; so does an unexpected failure of the reader on one image, so
that one image never fails a whole job.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from hcr_ocr.errors import HcrError
from hcr_ocr.reading.documents import DEFAULT_DPI, read_document
from hcr_ocr.reading.lexicon import Lexicon, lexicon_from
from hcr_ocr.reading.xml_formats import document_dict, document_text, render_document

RECORD_FORMATS = ("json", "text", "hocr")  # json: text and result; text: text only; hocr: both and hOCR


def error_record(path: str, message: str) -> dict:
    """The record of an input that could not be read."""
    return {"path": path, "text": None, "result": None, "error": message}


def read_record(
    data: bytes,
    path: str,
    model: str | Path | None = None,
    lexicon: Lexicon | str | None = "shipped",
    fmt: str = "json",
    pages: str | None = None,
    dpi: float = DEFAULT_DPI,
    min_confidence: float = 0.0,
) -> dict:
    """Read the image or document `data` that came from `path`: {"path", "text", "result", "error"} (and
    "hocr" with fmt hocr). `text` and `result` are what `read` and `read --format json` give for the file:
    a PDF's or multi-page TIFF's pages joined by form feeds, and `{"file", "pages": [...]}` (result null
    with fmt text). `pages`, `dpi` and `min_confidence` as `read` takes them."""
    pages_read = []
    try:
        for page in read_document(
            data, dpi, pages, name=path, min_confidence=min_confidence, model=model, lexicon=lexicon
        ):
            page.image = None  # a long PDF keeps only what was read
            pages_read.append(page)
    except HcrError as err:
        return error_record(path, str(err))
    except Exception as err:  # a reader failure on one image must not fail the job: record it
        return error_record(path, f"{path}: the reader failed ({type(err).__name__}: {err})")
    record = {
        "path": path,
        "text": document_text(pages_read),
        "result": document_dict(pages_read) if fmt != "text" else None,
        "error": None,
    }
    if fmt == "hocr":
        record["hocr"] = render_document(pages_read, "hocr")
    return record


def json_line(record: dict) -> str:
    return json.dumps(record, ensure_ascii=False)


class PageReader:
    """The callable that Ray Data's `map_batches` runs in each worker: the main model and the word list
    are loaded once, when the worker starts (the other models on first use), and every batch of files is
    read with them, with `read`'s `pages`, `dpi` and `min_confidence`."""

    def __init__(
        self,
        model: str | None = None,
        lexicon: str = "shipped",
        fmt: str = "json",
        pages: str | None = None,
        dpi: float = DEFAULT_DPI,
        min_confidence: float = 0.0,
    ):
        import cv2

        from hcr_ocr.reading.pipeline import get_classifier

        cv2.setNumThreads(1)  # Ray gives each worker one CPU: one OpenCV and one onnxruntime thread
        self.model, self.fmt = model, fmt
        self.options = {"pages": pages, "dpi": dpi, "min_confidence": min_confidence}
        get_classifier(model, threads=1)
        self.lexicon = lexicon_from(lexicon)

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        records = [
            read_record(bytes(data), str(path), self.model, self.lexicon, self.fmt, **self.options)
            for data, path in zip(batch["bytes"], batch["path"], strict=True)
        ]
        return {
            "line": np.array([json_line(r) for r in records], dtype=object),
            "failed": np.array([r["error"] is not None for r in records], dtype=bool),
        }
