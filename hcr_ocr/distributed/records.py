"""One input read into one output record: what each Ray worker does to each image (no Ray, no torch here).

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
from hcr_ocr.reading.lexicon import Lexicon, lexicon_from
from hcr_ocr.reading.output import render

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
) -> dict:
    """Read the image `data` that came from `path`: {"path", "text", "result", "error"} (and "hocr" with
    fmt hocr). `result` is the page as `read --format json` writes it (null with fmt text)."""
    from hcr_ocr.reading.pipeline import read

    try:
        page = read(data, model=model, name=path, lexicon=lexicon)
    except HcrError as err:
        message = str(err)  # the loader names bytes "<bytes>": name the file instead, as plain read does
        return error_record(path, message.replace("<bytes>", path, 1))
    except Exception as err:  # a reader failure on one image must not fail the job: record it
        return error_record(path, f"{path}: the reader failed ({type(err).__name__}: {err})")
    record = {
        "path": path,
        "text": page.text,
        "result": page.to_dict() if fmt != "text" else None,
        "error": None,
    }
    if fmt == "hocr":
        record["hocr"] = render(page, "hocr")
    return record


def json_line(record: dict) -> str:
    return json.dumps(record, ensure_ascii=False)


class PageReader:
    """The callable that Ray Data's `map_batches` runs in each worker: the models and the word list are
    loaded once, when the worker starts, and every batch of images is read with them."""

    def __init__(self, model: str | None = None, lexicon: str = "shipped", fmt: str = "json"):
        import cv2

        from hcr_ocr.reading.pipeline import get_classifier

        cv2.setNumThreads(1)  # Ray gives each worker one CPU: one OpenCV and one onnxruntime thread
        self.model, self.fmt = model, fmt
        get_classifier(model, threads=1)
        self.lexicon = lexicon_from(lexicon)

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        records = [
            read_record(bytes(data), str(path), self.model, self.lexicon, self.fmt)
            for data, path in zip(batch["bytes"], batch["path"], strict=True)
        ]
        return {
            "line": np.array([json_line(r) for r in records], dtype=object),
            "failed": np.array([r["error"] is not None for r in records], dtype=bool),
        }
