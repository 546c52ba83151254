"""The benchmark's metrics on hand-made cases, its set loaders, and a real run on the committed samples."""

from __future__ import annotations

import json

import pytest

from hcr_ocr.bench import load_bench_set, normalise_text, score_texts
from hcr_ocr.errors import HcrError
from tests.conftest import REPO, SHARED_DATA, run_cli, shipped


def test_scores_on_known_strings():
    s = score_texts(["Hello world", "abc"], ["hello world", "abd"])
    assert s["cer"] == pytest.approx(2 / 14)  # one case error, one substitution over 11 + 3 characters
    assert s["cer_caseless"] == pytest.approx(1 / 14)
    assert s["wer"] == pytest.approx(2 / 3)
    assert s["exact_match"] == 0.0
    assert score_texts(["  a  b\n\n c "], ["a b\nc"])["exact_match"] == 1.0


def test_normalise_text():
    assert normalise_text(" one   two \n\n\nthree\n") == "one two\nthree"


def test_sets_from_gt_files_and_labels_csv(tmp_path):
    (tmp_path / "a.png").write_bytes(b"x")
    (tmp_path / "a.gt.txt").write_text("hi\n")
    (tmp_path / "b.gt.txt").write_text("no image for this one")
    assert load_bench_set(tmp_path) == [(tmp_path / "a.png", "hi\n")]
    (tmp_path / "labels.csv").write_text("FILENAME,IDENTITY\nx.jpg,PAUL\n")
    assert load_bench_set(tmp_path) == [(tmp_path / "x.jpg", "PAUL")]
    with pytest.raises(HcrError, match="no such"):
        load_bench_set(tmp_path / "missing")


def test_bench_on_samples_reports_every_figure():
    shipped("emnist47.onnx")
    proc = run_cli("bench", str(REPO / "samples"), "--json")
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)[str(REPO / "samples")]["hcr"]
    assert result["images"] == len(list((REPO / "samples").glob("*.gt.txt")))
    assert set(result) >= {"cer", "cer_caseless", "wer", "exact_match", "seconds_per_image"}
    assert result["cer"] <= 0.10  # regression floor; measured figures are in the README of models/


def test_bench_on_form_names():
    shipped("emnist47.onnx")
    names = SHARED_DATA / "real-dev" / "form-names"
    if not names.is_dir():
        pytest.skip("no real-dev data")
    proc = run_cli("bench", str(names), "--json")
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)[str(names)]["hcr"]
    assert result["images"] == 64
    assert result["cer_caseless"] <= 0.35  # regression floor
