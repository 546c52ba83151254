"""The web application of `hcr-ocr serve`: one page, `POST /read` and `GET /health`.

    from hcr_ocr.serve.app import create_app
    app = create_app(lexicon="shipped")          # the models and the word list are loaded here, once
    uvicorn.run(app, host="127.0.0.1", port=8000)

    POST /read            image bytes in (the raw body, or one file of a multipart form), out the JSON of
                          `hcr-ocr read --format json`; `?overlay=1` adds "overlay", the overlay picture as a
                          PNG data URL; `?name=x.png` sets "file"
    GET  /health          {"status": "ok", ...}, with the limits
    GET  /                the page (static/index.html, app.js, app.css: no resource from the internet)

An upload over `max_bytes` or an image over `max_pixels` gets 413, an unreadable one 422, each with a one-line
{"detail": ...}. Nothing is written to disk: the body is read into memory (up to the limit) and decoded there.
"""

from __future__ import annotations

import base64
import io
import json
import logging
import threading
import warnings
from email.parser import BytesParser
from email.policy import HTTP
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool

from hcr_ocr.errors import HcrError, ImageError
from hcr_ocr.reading.lexicon import Lexicon, lexicon_from
from hcr_ocr.reading.output import overlay_png, render
from hcr_ocr.reading.pipeline import get_classifier, read

log = logging.getLogger(__name__)
STATIC = Path(__file__).resolve().parent / "static"
MAX_BYTES = 20_000_000  # 20 MB: a phone photo fits
MAX_PIXELS = 25_000_000  # 25 megapixels: a 300 dpi A4 scan fits


class TooLarge(Exception):
    """The upload is over a limit of the server (413)."""


def create_app(
    model: str | Path | None = None,
    lexicon: Lexicon | str | Path | None = "shipped",
    max_bytes: int = MAX_BYTES,
    max_pixels: int = MAX_PIXELS,
) -> FastAPI:
    """The application, with the classifier (`model`: an .onnx file, or the shipped models) and the word
    list (`lexicon`: as `read --lexicon` takes it) loaded now. A bad model or word list raises HcrError."""
    classifier = get_classifier(model)
    words = lexicon_from(lexicon)
    lock = threading.Lock()  # one read at a time: onnxruntime already uses every core for one

    app = FastAPI(title="hcr-ocr", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.limits = {"max_bytes": max_bytes, "max_pixels": max_pixels}

    def read_image(data: bytes, name: str, overlay: bool) -> str:
        """The JSON of the image's reading (with the overlay when asked for)."""
        _check_pixels(data, max_pixels)
        with lock:
            page = read(data, model=model, max_pixels=max_pixels, name=name, lexicon=words)
            if not overlay:
                return render(page, "json")
            out = page.to_dict()
            png = overlay_png(page.image, page)
        out["overlay"] = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
        return json.dumps(out, ensure_ascii=False)

    @app.post("/read")
    async def read_endpoint(request: Request, overlay: bool = False, name: str = "<upload>") -> Response:
        """Image bytes in, the JSON of `hcr-ocr read --format json` out."""
        try:
            body = await _body(request, max_bytes)
            data, filename = _image_part(body, request.headers.get("content-type", ""))
            text = await run_in_threadpool(read_image, data, filename or name, overlay)
        except TooLarge as err:
            return _error(413, str(err))
        except ImageError as err:
            return _error(422, _message(err))
        except HcrError as err:
            return _error(500, _message(err))
        except Exception as err:  # a bug: one line to the client and to the log, the server goes on
            first = str(err).strip().splitlines()[0] if str(err).strip() else ""
            log.error("POST /read: internal error: %s: %s", type(err).__name__, first)
            return _error(500, f"internal error: {type(err).__name__}: {first}")
        return Response(text, media_type="application/json")

    @app.get("/health")
    def health() -> dict:
        """The server is up; which model it reads with, and its limits."""
        return {"status": "ok", "model": _model_name(classifier), **app.state.limits}

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        """The page."""
        return FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-cache"})

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"detail": message}, status_code=status)


def _message(err: HcrError) -> str:
    """The error's one line, without the placeholder name of an image given as bytes."""
    return str(err).strip().splitlines()[0].removeprefix("<bytes>: ")


def _size(n: int) -> str:
    """A byte count for people: 950 bytes, 12.3 kB, 20.0 MB."""
    if n < 1000:
        return f"{n} bytes"
    return f"{n / 1e3:.1f} kB" if n < 1_000_000 else f"{n / 1e6:.1f} MB"


async def _body(request: Request, max_bytes: int) -> bytes:
    """The request body, read into memory; TooLarge as soon as it passes `max_bytes`."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise TooLarge(f"the upload is {_size(int(declared))}, over the limit of {_size(max_bytes)}")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > max_bytes:
            raise TooLarge(f"the upload is over the limit of {_size(max_bytes)}")
    return bytes(body)


def _image_part(body: bytes, content_type: str) -> tuple[bytes, str | None]:
    """The image of a request: the body itself, or the first file of a multipart form (parsed in memory),
    and its file name where the form gives one."""
    if not content_type.lower().startswith("multipart/form-data"):
        return body, None
    message = BytesParser(policy=HTTP).parsebytes(
        b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + body
    )
    if not message.is_multipart():
        raise ImageError("a multipart form that cannot be parsed")
    parts = list(message.iter_parts())
    files = [p for p in parts if p.get_filename()] or parts
    if not files:
        raise ImageError("a multipart form without a file")
    return files[0].get_payload(decode=True) or b"", files[0].get_filename()


def _check_pixels(data: bytes, max_pixels: int) -> None:
    """TooLarge when the image's header says it is over `max_pixels` (nothing is decoded here; what cannot
    be opened is left to the reader, which says why)."""
    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            width, height = Image.open(io.BytesIO(data)).size
    except Image.DecompressionBombError as err:  # Pillow's own limit, far over ours
        raise TooLarge(f"the image is over the limit of {max_pixels / 1e6:.0f} megapixels") from err
    except Exception:  # the reader says why it cannot be opened, in one line
        return
    if width * height > max_pixels:
        raise TooLarge(
            f"the image is {width}x{height}, {width * height / 1e6:.1f} megapixels, over the limit of "
            f"{max_pixels / 1e6:.0f} (scale it down)"
        )


def _model_name(classifier) -> str:
    """The file name of the classifier's main model."""
    path = getattr(getattr(classifier, "main", None), "path", None)
    return Path(path).name if path else type(classifier).__name__
