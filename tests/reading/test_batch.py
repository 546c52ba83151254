"""Many files in one `read`: folders and globs, JSON Lines, worker processes, up-to-date results skipped."""

from __future__ import annotations

import json
import os
import shutil

from hcr_ocr.reading.batch import BatchJob, expand_inputs, read_all
from tests.conftest import REPO, run_cli

SAMPLES = REPO / "samples"
TEXTS = {"word-caps": "SHOPPING LIST", "word-hello": "Hello", "digits": "31415 92653 58979"}


def tree_of_samples(root, copies: int = 1):
    """root/a/NAME.png and root/b/c/NAME.png for each sample of TEXTS, `copies` times under suffixed names."""
    made = {}
    for folder in ("a", "b/c"):
        (root / folder).mkdir(parents=True)
        for name, text in TEXTS.items():
            for k in range(copies):
                target = root / folder / f"{name}{k or ''}.png"
                shutil.copy(SAMPLES / f"{name}.png", target)
                made[str(target)] = text
    return made


def test_folders_and_globs_expand_to_their_images(tmp_path):
    made = tree_of_samples(tmp_path)
    (tmp_path / "a" / "notes.txt").write_text("not an image")
    assert expand_inputs([str(tmp_path)]) == sorted(made)
    assert expand_inputs([str(tmp_path / "*" / "digits.png")]) == [str(tmp_path / "a" / "digits.png")]
    assert expand_inputs([str(tmp_path / "**" / "digits.png")]) == [
        str(tmp_path / "a" / "digits.png"),
        str(tmp_path / "b" / "c" / "digits.png"),
    ]
    # a file named twice is read once
    one = str(tmp_path / "a" / "digits.png")
    assert expand_inputs([one, one]) == [one]


def test_json_lines_for_several_inputs_one_object_for_one(tmp_path):
    made = tree_of_samples(tmp_path)
    proc = run_cli("read", str(tmp_path), "--format", "json")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert len(lines) == len(made)
    pages = [json.loads(line) for line in lines]
    assert {p["file"]: p["text"] for p in pages} == made
    single = run_cli("read", str(SAMPLES / "digits.png"), "--format", "json")
    assert json.loads(single.stdout)["text"] == "31415 92653 58979"


def test_workers_read_the_same_as_one_process(tmp_path):
    made = tree_of_samples(tmp_path, copies=3)  # 18 files: enough for two workers
    job = BatchJob(fmt="text")
    one = list(read_all(sorted(made), job, jobs=1))
    two = list(read_all(sorted(made), job, jobs=2))
    assert [r.source for r in two] == sorted(made)
    assert [r.rendered for r in two] == [r.rendered for r in one] == [made[s] for s in sorted(made)]


def test_results_newer_than_their_input_are_skipped_until_forced(tmp_path):
    made = tree_of_samples(tmp_path / "in")
    out = tmp_path / "out"
    first = run_cli("read", str(tmp_path / "in"), "--out", str(out))
    assert first.returncode == 0, first.stderr
    written = {p.relative_to(out).as_posix(): p.read_text() for p in out.rglob("*.txt")}
    assert written["a/digits.txt"] == "31415 92653 58979\n" and len(written) == len(made)
    assert first.stderr.splitlines()[-1].startswith("6 read, 0 failed, ")
    # touch one input: only it is read again
    later = (out / "a" / "digits.txt").stat().st_mtime + 10
    os.utime(tmp_path / "in" / "a" / "digits.png", (later, later))
    second = run_cli("read", str(tmp_path / "in"), "--out", str(out))
    assert second.stderr.splitlines()[-1].startswith("1 read, 0 failed, 5 up to date, ")
    forced = run_cli("read", str(tmp_path / "in"), "--out", str(out), "--force")
    assert forced.stderr.splitlines()[-1].startswith("6 read, 0 failed, ")


def test_an_input_that_names_nothing_is_a_one_line_error(tmp_path):
    proc = run_cli("read", str(tmp_path / "*.png"))
    assert proc.returncode == 2
    assert proc.stderr.strip() == f"error: {tmp_path / '*.png'}: no files match"
