"""The JSON API of `hcr-ocr serve` (in process, through FastAPI's TestClient), and the `serve` command's
own errors: POST /read answers what `hcr_ocr.read` gives, /health, 413 over the limits, 422 for what is not
an image, the models loaded once, a page with nothing from the internet."""

from __future__ import annotations

import base64
import json
import socket
import subprocess
import sys

import pytest

pytest.importorskip("fastapi", reason="the [serve] extra (fastapi) is not installed")
pytest.importorskip("httpx", reason="httpx (FastAPI's TestClient) is not installed")

import warnings  # noqa: E402

import cv2  # noqa: E402
import numpy as np  # noqa: E402

with warnings.catch_warnings():  # newer Starlette warns that its TestClient wants httpx2
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient  # noqa: E402

import hcr_ocr  # noqa: E402
from hcr_ocr.reading.output import render  # noqa: E402
from hcr_ocr.serve.app import STATIC, create_app  # noqa: E402
from tests.conftest import REPO, assert_one_line_error, run_cli  # noqa: E402

WORD = REPO / "samples" / "word-caps.png"


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app())


def _without_file(result: dict) -> dict:
    return {k: v for k, v in result.items() if k != "file"}


def test_health(client):
    answer = client.get("/health")
    assert answer.status_code == 200
    body = answer.json()
    assert body["status"] == "ok"
    assert body["model"].startswith("emnist47") and body["model"].endswith(".onnx")
    assert body["max_bytes"] > 0 and body["max_pixels"] > 0


def test_read_answers_what_the_library_reads(client):
    answer = client.post("/read", content=WORD.read_bytes(), headers={"Content-Type": "image/png"})
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("application/json")
    expected = json.loads(render(hcr_ocr.read(WORD), "json"))
    assert _without_file(answer.json()) == _without_file(expected)
    assert answer.json()["text"] == (REPO / "samples" / "word-caps.gt.txt").read_text().strip()
    assert answer.json()["file"] == "<upload>"


def test_read_takes_a_multipart_file_and_its_name(client):
    answer = client.post("/read", files={"file": ("word-caps.png", WORD.read_bytes(), "image/png")})
    assert answer.status_code == 200, answer.text
    assert answer.json()["file"] == "word-caps.png"
    assert answer.json()["text"] == hcr_ocr.read(WORD).text


def test_the_overlay_comes_as_a_png_data_url(client):
    answer = client.post("/read?overlay=1&name=w.png", content=WORD.read_bytes())
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["file"] == "w.png"
    prefix = "data:image/png;base64,"
    assert body["overlay"].startswith(prefix)
    png = base64.b64decode(body["overlay"][len(prefix) :])
    picture = cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_COLOR)
    assert picture is not None and picture.shape[1] >= body["width"]  # small crops are enlarged


@pytest.mark.parametrize(
    "data, fragment",
    [
        (b"", "empty"),
        (b"hello, not an image", "not an image"),
        (WORD.read_bytes()[:200], "cannot decode"),
    ],
    ids=["empty", "text", "truncated"],
)
def test_what_is_not_an_image_gets_422_in_one_line(client, data, fragment):
    answer = client.post("/read", content=data)
    assert answer.status_code == 422
    detail = answer.json()["detail"]
    assert isinstance(detail, str) and "\n" not in detail and fragment in detail, detail
    assert "Traceback" not in answer.text


def test_an_upload_over_the_byte_limit_gets_413():
    small = TestClient(create_app(max_bytes=1000))
    answer = small.post("/read", content=WORD.read_bytes())
    assert answer.status_code == 413
    detail = answer.json()["detail"]
    assert detail == f"the upload is {WORD.stat().st_size / 1e3:.1f} kB, over the limit of 1.0 kB", detail

    def chunks():  # no Content-Length: the body is counted as it comes
        data = WORD.read_bytes()
        for i in range(0, len(data), 256):
            yield data[i : i + 256]

    answer = small.post("/read", content=chunks())
    assert answer.status_code == 413
    assert answer.json()["detail"] == "the upload is over the limit of 1.0 kB"


def test_an_image_over_the_pixel_limit_gets_413():
    small = TestClient(create_app(max_pixels=10_000))
    answer = small.post("/read", content=WORD.read_bytes())
    assert answer.status_code == 413
    detail = answer.json()["detail"]
    assert "megapixels" in detail and "\n" not in detail


def test_the_models_and_word_list_are_loaded_once(client, monkeypatch):
    """Once the app is made, a read loads nothing: loading a model or the word list would fail here."""

    def no_loading(*args, **kwargs):
        raise AssertionError("loaded again")

    monkeypatch.setattr("hcr_ocr.reading.pipeline.OnnxClassifier", no_loading)
    monkeypatch.setattr("hcr_ocr.reading.lexicon.Lexicon.shipped", no_loading)
    monkeypatch.setattr("hcr_ocr.reading.lexicon.Lexicon.load", no_loading)
    for _ in range(2):
        answer = client.post("/read", content=WORD.read_bytes())
        assert answer.status_code == 200, answer.text


def test_an_unexpected_error_is_a_500_in_one_line(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("something broke\nsecond line")

    app = create_app(lexicon="none")
    monkeypatch.setattr("hcr_ocr.serve.app.read", broken)
    answer = TestClient(app).post("/read", content=WORD.read_bytes())
    assert answer.status_code == 500
    assert answer.json()["detail"] == "internal error: RuntimeError: something broke"


def test_the_page_and_its_files_need_nothing_from_the_internet(client):
    page = client.get("/")
    assert page.status_code == 200 and "<canvas" in page.text
    for name in ("app.js", "app.css"):
        answer = client.get(f"/static/{name}")
        assert answer.status_code == 200 and answer.text
    for path in STATIC.iterdir():
        text = path.read_text()
        assert "http://" not in text and "https://" not in text, path


def test_serve_without_fastapi_names_the_extra():
    code = (
        "import sys; sys.modules['fastapi'] = None; sys.argv = ['hcr-ocr', 'serve']; "
        "from hcr_ocr.cli import main; main()"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert_one_line_error(proc, "[serve]", "fastapi")


def test_serve_on_a_port_in_use_says_so_in_one_line():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        proc = run_cli("serve", "--port", str(port), "--lexicon", "none")
    assert_one_line_error(proc, "cannot listen", str(port))
