"""Reading on Ray: 200 real name crops (and three bad inputs) on a local Ray with 2 CPUs give the records
plain `hcr-ocr read` gives, one JSON Lines file per block; without Ray, a one-line error names the extra."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from hcr_ocr.errors import HcrError
from hcr_ocr.reading.loading import load_image
from tests.conftest import REPO, SHARED_DATA, run_cli
from tests.reading.test_documents import make_pdf

CROPS = SHARED_DATA / "real-dev" / "form-names-tune"
SAMPLE = REPO / "samples" / "word-hello.png"


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> Path:
    """A folder of the first 200 crops of form-names-tune, an empty file and a text file named .png."""
    crops = sorted(CROPS.glob("*.jpg"))[:200]
    if len(crops) < 200:
        pytest.skip(f"no 200 crops at {CROPS}")
    folder = tmp_path_factory.mktemp("ray-inputs") / "crops"
    folder.mkdir()
    for crop in crops:
        shutil.copy(crop, folder / crop.name)
    (folder / "empty.png").write_bytes(b"")
    (folder / "notes.png").write_text("not an image\n")
    return folder


@pytest.fixture(scope="module")
def ray_run(inputs, tmp_path_factory):
    """read_with_ray over the folder and a missing file, on a local Ray with 2 CPUs and 2 workers."""
    pytest.importorskip("ray.data", reason="Ray is the [distributed] extra")
    from hcr_ocr.distributed.ray_reading import read_with_ray

    out = tmp_path_factory.mktemp("ray-out") / "results"
    missing = str(inputs.parent / "missing.png")
    summary = read_with_ray([str(inputs), missing], out, address=None, workers=2)
    records = [json.loads(line) for path in summary.files for line in path.read_text().splitlines()]
    return summary, out, {r["path"]: r for r in records}, missing


def test_records_are_those_of_plain_read(inputs, ray_run):
    summary, _, records, _ = ray_run
    plain = run_cli("read", str(inputs), "--format", "json", "--jobs", "2")
    assert plain.returncode == 1, plain.stderr  # the two bad files fail, the others are read
    pages = {page["file"]: page for page in map(json.loads, plain.stdout.splitlines())}
    assert len(pages) == 200
    good = {p: r for p, r in records.items() if r["error"] is None}
    assert set(good) == set(pages)  # paths are absolute, as the folder given to both
    for path, page in pages.items():
        assert good[path]["text"] == page["text"], path
        assert good[path]["result"] == page, path  # every box, confidence and alternative
    assert sum(bool(r["text"]) for r in good.values()) >= 180  # real handwriting was read (measured 187)
    assert summary.rows == 203 and summary.failed == 3 and summary.read == 200
    assert summary.workers == 2


def test_bad_inputs_are_error_records_with_plain_reads_messages(inputs, ray_run):
    _, _, records, missing = ray_run
    plain = run_cli("read", str(inputs / "empty.png"), str(inputs / "notes.png"), missing)
    plain_errors = [line.removeprefix("error: ") for line in plain.stderr.splitlines() if "error:" in line]
    ray_errors = [
        records[p]["error"] for p in (str(inputs / "empty.png"), str(inputs / "notes.png"), missing)
    ]
    assert ray_errors == plain_errors
    assert ray_errors[0].endswith("empty file") and ray_errors[2].endswith("no such file")
    for path in (str(inputs / "empty.png"), missing):
        assert records[path]["text"] is None and records[path]["result"] is None


def test_one_json_lines_file_per_block(ray_run):
    summary, out, records, _ = ray_run
    assert summary.files == sorted(out.glob("*.jsonl")) and len(summary.files) >= 2
    assert sorted(p.name for p in out.iterdir()) == [p.name for p in summary.files]  # nothing else
    lines = [line for path in summary.files for line in path.read_text().splitlines()]
    assert len(lines) == len(records) == 203  # each input once
    assert all(set(json.loads(line)) == {"path", "text", "result", "error"} for line in lines)


def test_a_folder_with_results_is_refused_before_ray_starts(ray_run, inputs):
    from hcr_ocr.distributed.ray_reading import read_with_ray

    _, out, _, _ = ray_run
    with pytest.raises(HcrError, match="already holds results"):
        read_with_ray([str(inputs)], out)


def test_a_folder_that_cannot_be_made_is_one_line_before_ray_starts(tmp_path):
    from hcr_ocr.distributed.ray_reading import read_with_ray

    (tmp_path / "a-file").write_text("")
    with pytest.raises(HcrError, match=r"a-file/out: cannot write results there \(Not a directory\)$"):
        read_with_ray([str(SAMPLE)], tmp_path / "a-file" / "out")


def test_inputs_that_cannot_be_opened_are_recorded_without_starting_ray(tmp_path):
    pytest.importorskip("ray.data", reason="Ray is the [distributed] extra")
    import ray

    from hcr_ocr.distributed.ray_reading import read_with_ray

    summary = read_with_ray([str(tmp_path / "missing.png")], tmp_path / "out", address="ray://nowhere:1")
    assert not ray.is_initialized()  # no cluster was needed, not even the unreachable one named
    assert (summary.rows, summary.failed, summary.workers, len(summary.files)) == (1, 1, 0, 1)
    record = json.loads(summary.files[0].read_text())
    assert record["error"].endswith("missing.png: no such file") and record["text"] is None


def test_a_block_written_again_replaces_its_own_file(tmp_path):
    """A block that Ray reads a second time (after a lost worker) rewrites the same file, whole."""
    from hcr_ocr.distributed.records import error_record, write_part

    block = [error_record("/in/a.png", "a"), error_record("/in/b\udcff.png", "b")]  # a path of bad bytes
    first, again = write_part(tmp_path, block), write_part(tmp_path, block)
    assert first == again and sorted(tmp_path.iterdir()) == [first]
    assert [json.loads(line)["path"] for line in first.read_text().splitlines()] == [r["path"] for r in block]
    assert write_part(tmp_path, block[:1]) != first


def test_the_bytes_are_read_in_the_reading_workers(ray_run, inputs, tmp_path):
    """Ray Data fuses the read into the pool of readers: one stage, no other process to start or feed."""
    import ray

    from hcr_ocr.distributed.ray_reading import _read_blocks, start_ray

    assert start_ray(cpus=2)
    try:
        blocks = _read_blocks(ray, [str(p) for p in sorted(inputs.glob("*.jpg"))[:4]], tmp_path, 1, {})
        stats = blocks.materialize().stats()
    finally:
        ray.shutdown()
    assert "ReadBinary->MapBatches(PageReader)" in stats


def test_without_ray_a_one_line_error_names_the_extra(monkeypatch, tmp_path):
    from hcr_ocr.distributed.ray_reading import read_with_ray

    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` fails as where it is not installed
    with pytest.raises(HcrError, match=r"pip install 'hcr-ocr\[distributed\]'") as caught:
        read_with_ray([str(SAMPLE)], tmp_path / "out")
    assert "\n" not in str(caught.value)


def test_the_read_path_and_the_package_import_no_ray():
    """Plain `read` imports neither ray nor hcr_ocr.distributed; the package itself imports no ray."""
    cmd = [sys.executable, "-X", "importtime", "-m", "hcr_ocr", "read", str(SAMPLE)]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO, timeout=120)
    assert proc.returncode == 0, proc.stderr
    imported = [line.split("|")[-1].strip() for line in proc.stderr.splitlines() if "import time:" in line]
    assert "hcr_ocr.reading.pipeline" in imported
    assert not [m for m in imported if m.split(".")[0] == "ray" or m.startswith("hcr_ocr.distributed")]
    code = "import sys, hcr_ocr.distributed.ray_reading; print(sorted(m for m in sys.modules if m == 'ray'))"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert proc.stdout.strip() == "[]", proc.stderr


def test_read_ray_from_the_command_line(tmp_path):
    pytest.importorskip("ray.data", reason="Ray is the [distributed] extra")
    (tmp_path / "in").mkdir()
    for name in ("word-caps", "digits"):
        shutil.copy(REPO / "samples" / f"{name}.png", tmp_path / "in" / f"{name}.png")
    pdf_pages = [load_image(REPO / "samples" / f"{name}.png") for name in ("note", "list")]
    (tmp_path / "in" / "two.pdf").write_bytes(make_pdf(pdf_pages))
    out = tmp_path / "out"
    no_out = run_cli("read", str(tmp_path / "in"), "--ray", "local")
    assert (
        no_out.returncode == 2
        and no_out.stderr.strip() == "error: --ray writes its results into a folder: add --out DIR"
    )
    proc = run_cli(
        "read",
        str(tmp_path / "in"),
        "--ray",  # no address: a Ray started for the call, as `--ray local`
        "--ray-workers",
        "2",
        "--format",
        "json",
        "--out",
        str(out),
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.splitlines()[-1].startswith("3 read, 0 failed on 2 Ray workers, ")
    records = {
        Path(r["path"]).name: r
        for part in sorted(out.glob("*.jsonl"))
        for r in map(json.loads, part.read_text().splitlines())
    }
    pdf = records.pop("two.pdf")
    texts = {name: r["text"] for name, r in records.items()}
    assert texts == {"word-caps.png": "SHOPPING LIST", "digits.png": "31415 92653 58979"}
    assert all(r["result"]["text"] == r["text"] and r["error"] is None for r in records.values())
    # a PDF is read page by page, as plain `read --format json` reads it
    plain = run_cli("read", str(tmp_path / "in" / "two.pdf"), "--format", "json")
    assert pdf["result"] == json.loads(plain.stdout) and pdf["error"] is None
    note, shopping = ((REPO / "samples" / f"{n}.gt.txt").read_text().strip() for n in ("note", "list"))
    assert pdf["text"] == f"{note}\n\f{shopping}"
    assert [p["page"] for p in pdf["result"]["pages"]] == [1, 2]


def test_a_record_takes_reads_page_selection_and_confidence_floor():
    """What `read --ray --pages --min-confidence` hands each worker, here without Ray."""
    from hcr_ocr.distributed.records import read_record

    pdf = make_pdf([load_image(REPO / "samples" / f"{name}.png") for name in ("note", "list")])
    second = read_record(pdf, "/in/two.pdf", pages="2")
    assert [p["page"] for p in second["result"]["pages"]] == [2]
    assert second["text"] == (REPO / "samples" / "list.gt.txt").read_text().strip()
    words = [w for line in second["result"]["pages"][0]["lines"] for w in line["words"]]
    middle = sorted({w["confidence"] for w in words})[len(words) // 2 - 1 : len(words) // 2 + 1]
    floor = sum(middle) / 2  # between two words' (rounded) confidences
    sure = read_record(pdf, "/in/two.pdf", pages="2", min_confidence=floor)
    kept = [w["text"] for line in sure["result"]["pages"][0]["lines"] for w in line["words"]]
    assert kept == [w["text"] for w in words if w["confidence"] > floor] and 0 < len(kept) < len(words)
    assert read_record(pdf, "/in/two.pdf", pages="3")["error"] == (
        "/in/two.pdf: --pages 3 asks for page 3, it has 2 pages"
    )
