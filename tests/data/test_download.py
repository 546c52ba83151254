"""`download` against a local HTTP server on 127.0.0.1 (with Range support): real files, real checksums."""

from __future__ import annotations

import hashlib
import shutil
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest

from hcr_ocr.data.download import MNIST_FILES, download_file
from hcr_ocr.errors import DownloadError
from tests.conftest import assert_one_line_error, run_cli


class RangeHandler(SimpleHTTPRequestHandler):
    """Static files, honouring `Range: bytes=N-` as a real server does; records the ranges asked for."""

    ranges: list[str] = []

    def log_message(self, *args):  # keep test output quiet
        pass

    def do_GET(self):
        wanted = self.headers.get("Range")
        if not wanted:
            return super().do_GET()
        type(self).ranges.append(wanted)
        path = self.translate_path(self.path)
        with open(path, "rb") as f:
            body = f.read()
        start = int(wanted.removeprefix("bytes=").rstrip("-"))
        if start >= len(body):
            self.send_error(416)
            return
        self.send_response(206)
        self.send_header("Content-Range", f"bytes {start}-{len(body) - 1}/{len(body)}")
        self.send_header("Content-Length", str(len(body) - start))
        self.end_headers()
        self.wfile.write(body[start:])


@pytest.fixture
def server(tmp_path):
    root = tmp_path / "served"
    root.mkdir()
    RangeHandler.ranges = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(RangeHandler, directory=str(root)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield root, f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


def sha256(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def test_download_mnist_from_a_mirror_checks_real_checksums(server, data_dir, tmp_path):
    root, url = server
    for remote in MNIST_FILES:
        shutil.copy(data_dir / "mnist" / remote.name, root / remote.name)
    target = tmp_path / "data"
    proc = run_cli("download", "--dataset", "mnist", "--data-dir", str(target), "--mirror", url)
    assert proc.returncode == 0, proc.stderr
    assert "4 files verified" in proc.stdout
    for remote in MNIST_FILES:
        assert (target / "mnist" / remote.name).read_bytes() == (
            data_dir / "mnist" / remote.name
        ).read_bytes()
    # the downloaded folder is a working data dir
    proc = run_cli(
        "eval",
        "--dataset",
        "mnist",
        "--data-dir",
        str(target),
        "--limit",
        "10",
        "--json",
        "--model",
        str(tmp_path / "missing.pt"),
    )
    assert_one_line_error(proc, "model file not found")


def test_resume_asks_for_the_rest_only(server, tmp_path):
    root, url = server
    payload = bytes(range(256)) * 400
    (root / "blob.bin").write_bytes(payload)
    dest = tmp_path / "blob.bin"
    (tmp_path / "blob.bin.part").write_bytes(payload[:1000])
    download_file(url + "blob.bin", dest, sha256(payload))
    assert dest.read_bytes() == payload
    assert RangeHandler.ranges == ["bytes=1000-"]
    assert not (tmp_path / "blob.bin.part").exists()


def test_bad_checksum_is_refused_and_the_file_removed(server, tmp_path):
    root, url = server
    (root / "blob.bin").write_bytes(b"not what was promised")
    dest = tmp_path / "blob.bin"
    with pytest.raises(DownloadError, match="checksum mismatch"):
        download_file(url + "blob.bin", dest, sha256(b"the real thing"))
    assert not dest.exists() and not (tmp_path / "blob.bin.part").exists()


def test_bad_checksum_through_the_cli_is_one_line(server, tmp_path):
    root, url = server
    for remote in MNIST_FILES:
        (root / remote.name).write_bytes(b"corrupted " + remote.name.encode())
    proc = run_cli("download", "--dataset", "mnist", "--data-dir", str(tmp_path / "d"), "--mirror", url)
    assert_one_line_error(proc, "checksum mismatch", "train-images-idx3-ubyte.gz")


def test_missing_file_on_the_server(server, tmp_path):
    _, url = server
    with pytest.raises(DownloadError, match="HTTP 404"):
        download_file(url + "nothing.gz", tmp_path / "x", sha256(b""))


def test_emnist_archive_members_are_checked(tmp_path):
    """NIST's gzip.zip: every member the tool uses is pulled out, and those with a known sha256 are checked."""
    import zipfile

    from hcr_ocr.data.download import EMNIST_MEMBERS, extract_emnist

    archive = tmp_path / "gzip.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for name in EMNIST_MEMBERS:
            zf.writestr(f"gzip/{name}", b"not the real " + name.encode())
    target = tmp_path / "emnist"
    target.mkdir()
    with pytest.raises(DownloadError, match="checksum mismatch for emnist-byclass-test"):
        extract_emnist(archive, target)
    (tmp_path / "broken.zip").write_bytes(b"PK\x03\x04 truncated")
    with pytest.raises(DownloadError, match="not a zip file"):
        extract_emnist(tmp_path / "broken.zip", target)
