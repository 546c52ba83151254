"""Fetch MNIST or EMNIST from their official locations, with progress, resume and checksum checks.

    from hcr_ocr.data.download import download_dataset
    download_dataset("mnist", "~/.cache/hcr-ocr/data")   # → data/mnist/*.gz, each sha256-checked

A partial download is kept as NAME.part and resumed with an HTTP Range request. `mirror` replaces the base
URL (the tests serve files from 127.0.0.1). EMNIST comes as NIST's gzip.zip (535 MB, md5 as published);
the members this tool uses are extracted and each is checked against its sha256.
"""

from __future__ import annotations

import hashlib
import shutil
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from hcr_ocr.errors import DownloadError


@dataclass(frozen=True)
class Remote:
    name: str  # file name at the base URL and on disk
    checksum: str  # "sha256:HEX" or "md5:HEX"


MNIST_URLS = ("https://ossci-datasets.s3.amazonaws.com/mnist/", "http://yann.lecun.com/exdb/mnist/")
MNIST_FILES = (
    Remote(
        "train-images-idx3-ubyte.gz",
        "sha256:440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
    ),
    Remote(
        "train-labels-idx1-ubyte.gz",
        "sha256:3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
    ),
    Remote(
        "t10k-images-idx3-ubyte.gz", "sha256:8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6"
    ),
    Remote(
        "t10k-labels-idx1-ubyte.gz", "sha256:f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6"
    ),
)
EMNIST_URLS = ("https://biometrics.nist.gov/cs_links/EMNIST/",)
EMNIST_ZIP = Remote("gzip.zip", "md5:58c8d27c78d21e728a6bc7b3cc06412e")
# Members of gzip.zip that the tool reads; sha256 known for the byclass test files, the others are taken as
# the zip's md5 vouches for them.
EMNIST_MEMBERS = {
    "emnist-byclass-test-images-idx3-ubyte.gz": "sha256:5ec835bd5d5b1a66378a132e727fef20fe994b3cc666899befcca5ac766f50cd",
    "emnist-byclass-test-labels-idx1-ubyte.gz": "sha256:501e305eeeacb093b162592d80e8a2632040872360fa6d85cfcb2200d91ca92a",
    "emnist-byclass-train-images-idx3-ubyte.gz": None,
    "emnist-byclass-train-labels-idx1-ubyte.gz": None,
    "emnist-balanced-train-images-idx3-ubyte.gz": None,
    "emnist-balanced-train-labels-idx1-ubyte.gz": None,
    "emnist-balanced-test-images-idx3-ubyte.gz": None,
    "emnist-balanced-test-labels-idx1-ubyte.gz": None,
    "emnist-balanced-mapping.txt": None,
    "emnist-byclass-mapping.txt": None,
}

ProgressHook = Callable[[str, int, int | None], None]  # (file name, bytes so far, total or None)


def file_digest(path: Path, algorithm: str) -> str:
    h = hashlib.new(algorithm)
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def checksum_ok(path: Path, checksum: str) -> bool:
    algorithm, _, expected = checksum.partition(":")
    return file_digest(path, algorithm) == expected.lower()


def download_file(
    url: str, dest: Path, checksum: str, progress: ProgressHook | None = None, timeout: float = 60
) -> Path:
    """Download url to dest, resuming dest.part if present, then verify the checksum."""
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    if dest.exists() and checksum_ok(dest, checksum):
        return dest
    part = dest.with_name(dest.name + ".part")
    have = part.stat().st_size if part.exists() else 0
    request = urllib.request.Request(url, headers={"Range": f"bytes={have}-"} if have else {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            if have and response.status != 206:  # the server ignored the Range header: start again
                have = 0
            length = response.headers.get("Content-Length")
            total = have + int(length) if length is not None else None
            with open(part, "ab" if have else "wb") as f:
                done = have
                while block := response.read(1 << 16):
                    f.write(block)
                    done += len(block)
                    if progress:
                        progress(dest.name, done, total)
    except urllib.error.HTTPError as err:
        if err.code == 416 and have:  # the part file is already whole
            pass
        else:
            raise DownloadError(f"download of {url} failed: HTTP {err.code} {err.reason}") from err
    except (urllib.error.URLError, OSError, TimeoutError) as err:
        reason = getattr(err, "reason", err)
        raise DownloadError(f"download of {url} failed: {reason} (run again to resume)") from err
    if not checksum_ok(part, checksum):
        part.unlink()
        raise DownloadError(f"checksum mismatch for {dest.name} from {url}: the file was deleted, run again")
    part.replace(dest)
    return dest


def _from_mirrors(bases: tuple[str, ...], remote: Remote, dest: Path, progress: ProgressHook | None) -> Path:
    errors = []
    for base in bases:
        try:
            return download_file(base.rstrip("/") + "/" + remote.name, dest, remote.checksum, progress)
        except DownloadError as err:
            errors.append(str(err))
            if "checksum mismatch" in str(err):
                break
    raise DownloadError(errors[-1] if len(errors) == 1 else "; ".join(errors))


def download_dataset(
    dataset: str, data_dir: str | Path, mirror: str | None = None, progress: ProgressHook | None = None
) -> list[Path]:
    """Download `mnist` or `emnist` into data_dir/mnist or data_dir/emnist; returns the files written."""
    data_dir = Path(data_dir).expanduser()
    if dataset == "mnist":
        bases = (mirror,) if mirror else MNIST_URLS
        return [_from_mirrors(bases, r, data_dir / "mnist" / r.name, progress) for r in MNIST_FILES]
    if dataset in ("emnist", "emnist-byclass"):
        bases = (mirror,) if mirror else EMNIST_URLS
        target = data_dir / "emnist"
        archive = _from_mirrors(bases, EMNIST_ZIP, target / EMNIST_ZIP.name, progress)
        return extract_emnist(archive, target)
    raise DownloadError(f"unknown dataset {dataset!r}: choose mnist or emnist")


def extract_emnist(archive: Path, target: Path) -> list[Path]:
    """Pull the members the tool uses out of NIST's gzip.zip, checking those with a known sha256."""
    written = []
    try:
        with zipfile.ZipFile(archive) as zf:
            by_name = {Path(n).name: n for n in zf.namelist()}
            for name, checksum in EMNIST_MEMBERS.items():
                if name not in by_name:
                    raise DownloadError(f"{archive} has no member {name}")
                dest = target / name
                with zf.open(by_name[name]) as src, open(dest, "wb") as out:
                    shutil.copyfileobj(src, out)
                if checksum and not checksum_ok(dest, checksum):
                    dest.unlink()
                    raise DownloadError(f"checksum mismatch for {name} in {archive}")
                written.append(dest)
    except zipfile.BadZipFile as err:
        raise DownloadError(f"{archive} is not a zip file: delete it and download again") from err
    return written
