"""--resume continues the run its last.pt comes from: that run's width, dataset and folder, not the defaults."""

from __future__ import annotations

import json

import pytest

from hcr_ocr.train.checkpoints import load_checkpoint
from tests.conftest import assert_one_line_error, run_cli


@pytest.fixture(scope="module")
def narrow_run(data_dir, tmp_path_factory):
    """One epoch of a width-8 network on 500 MNIST images."""
    out = tmp_path_factory.mktemp("narrow") / "run"
    proc = run_cli(
        "train", "--dataset", "mnist", "--epochs", "1", "--limit", "500", "--width", "8", "--seed", "2",
        "--out", str(out), "--data-dir", str(data_dir),
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    return out


def test_resume_without_width_or_out_continues_in_the_runs_folder(narrow_run, data_dir, tmp_path):
    proc = run_cli(
        "train", "--epochs", "2", "--limit", "500", "--resume", str(narrow_run / "last.pt"),
        "--data-dir", str(data_dir),
        cwd=tmp_path,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "epoch   2/2" in proc.stdout and "epoch   1/2" not in proc.stdout
    assert not (tmp_path / "runs").exists()  # nothing went to the default runs/DATASET
    history = json.loads((narrow_run / "history.json").read_text())
    assert [h["epoch"] for h in history] == [1, 2]
    last, best = load_checkpoint(narrow_run / "last.pt"), load_checkpoint(narrow_run / "best.pt")
    assert last["meta"]["epoch"] == 2 and last["meta"]["arch"]["width"] == 8
    assert last["meta"]["dataset"] == "mnist" and last["meta"]["classes"] == "0123456789"
    assert best["meta"]["arch"]["width"] == 8 and best["meta"]["test_n"] == 10000
    assert (narrow_run / "best.onnx").stat().st_size > 0


def test_resume_with_another_dataset_is_one_line(narrow_run, data_dir):
    proc = run_cli(
        "train", "--dataset", "emnist", "--epochs", "3", "--resume", str(narrow_run / "last.pt"),
        "--data-dir", str(data_dir),
    )  # fmt: skip
    assert_one_line_error(proc, "is a run on mnist, not emnist")


def test_resume_with_another_width_is_one_line(narrow_run, data_dir):
    proc = run_cli(
        "train", "--width", "32", "--epochs", "3", "--resume", str(narrow_run / "last.pt"),
        "--data-dir", str(data_dir),
    )  # fmt: skip
    assert_one_line_error(proc, "was trained with width 8")


def test_resume_into_another_folder_starts_with_the_runs_best(narrow_run, data_dir, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    proc = run_cli(
        "train", "--epochs", "1", "--resume", str(narrow_run / "last.pt"), "--out", str(elsewhere),
        "--data-dir", str(data_dir),
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    carried, original = load_checkpoint(elsewhere / "best.pt"), load_checkpoint(narrow_run / "best.pt")
    assert carried["meta"]["epoch"] == original["meta"]["epoch"]
    assert (elsewhere / "best.onnx").stat().st_size > 0
