"""One input read into one output record: what each Ray worker does to each file (no Ray, no torch here).

    from hcr_ocr.distributed.records import PageReader, read_record
    record = read_record(Path("note.png").read_bytes(), "/scans/note.png")
    record["path"], record["text"], record["result"], record["error"]   # result: the JSON of `read --format json`
    reader = PageReader(Path("results"), model=None, lexicon="shipped")  # loads the models and word list once
    reader({"bytes": array_of_bytes, "path": array_of_paths})  # writes results/part-ID.jsonl: {"file", "rows", "failed"}

A bad input (empty, not an image, too large) becomes a record with an `error` (the one-line message plain
`read` gives) and `text` and `result` null; so does an unexpected failure of the reader on one image, so
that one image never fails a whole job.
"""

from __future__ import annotations

import hashlib
import json
import os
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
    upright: bool = False,
) -> dict:
    """Read the image or document `data` that came from `path`: {"path", "text", "result", "error"} (and
    "hocr" with fmt hocr). `text` and `result` are what `read` and `read --format json` give for the file:
    a PDF's or multi-page TIFF's pages joined by form feeds, and `{"file", "pages": [...]}` (result null
    with fmt text). `pages`, `dpi`, `min_confidence` and `upright` as `read` takes them."""
    pages_read = []
    try:
        for page in read_document(
            data,
            dpi,
            pages,
            name=path,
            min_confidence=min_confidence,
            upright=upright,
            model=model,
            lexicon=lexicon,
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
    """One record as one line of JSON, UTF-8 where it can be (a path of undecodable bytes is escaped)."""
    line = json.dumps(record, ensure_ascii=False)
    try:
        line.encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(record)
    return line


def write_part(out_dir: Path, records: list[dict]) -> Path:
    """One JSON Lines file of records in `out_dir`, named after the inputs it holds (a block read again, as
    Ray may after a lost worker, rewrites its own file), and written whole or not at all."""
    digest = hashlib.blake2b(
        "\n".join(r["path"] for r in records).encode("utf-8", "surrogateescape"), digest_size=8
    )
    path = Path(out_dir) / f"part-{digest.hexdigest()}.jsonl"
    partial = path.with_name(path.name + ".partial")
    partial.write_text("".join(json_line(r) + "\n" for r in records), encoding="utf-8")
    os.replace(partial, path)
    return path


class PageReader:
    """The callable that Ray Data's `map_batches` runs in each worker: the main model and the word list
    are loaded once, when the worker starts (the other models on first use); each call reads one block of
    files with them (with `read`'s `pages`, `dpi` and `min_confidence`), writes the block's records into
    one JSON Lines file in `out_dir` and returns one row: the file, its records and how many failed."""

    def __init__(
        self,
        out_dir: Path,
        model: str | None = None,
        lexicon: str = "shipped",
        fmt: str = "json",
        pages: str | None = None,
        dpi: float = DEFAULT_DPI,
        min_confidence: float = 0.0,
        upright: bool = False,
    ):
        import cv2

        from hcr_ocr.reading.pipeline import get_classifier

        cv2.setNumThreads(1)  # Ray gives each worker one CPU: one OpenCV and one onnxruntime thread
        self.out_dir, self.model, self.fmt = Path(out_dir), model, fmt
        self.options = {"pages": pages, "dpi": dpi, "min_confidence": min_confidence, "upright": upright}
        get_classifier(model, threads=1)
        self.lexicon = lexicon_from(lexicon)

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        records = [
            read_record(bytes(data), str(path), self.model, self.lexicon, self.fmt, **self.options)
            for data, path in zip(batch["bytes"], batch["path"], strict=True)
        ]
        if not records:
            return {
                "file": np.array([], dtype=object),
                "rows": np.array([], dtype=np.int64),
                "failed": np.array([], dtype=np.int64),
            }
        return {
            "file": np.array([str(write_part(self.out_dir, records))], dtype=object),
            "rows": np.array([len(records)], dtype=np.int64),
            "failed": np.array([sum(r["error"] is not None for r in records)], dtype=np.int64),
        }
