"""A tiny real training run through the CLI: every output file, same numbers for the same seed, resume."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from hcr_ocr.reading.recognition import OnnxClassifier
from hcr_ocr.train.checkpoints import load_checkpoint
from tests.conftest import run_cli

OUTPUTS = ("best.pt", "last.pt", "best.onnx", "history.json", "accuracy.png", "loss.png")
HISTORY_KEYS = {"epoch", "train_loss", "train_acc", "val_loss", "val_acc", "lr", "seconds"}


@pytest.fixture(scope="module")
def tiny_run(data_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("tiny")
    args = ["train", "--dataset", "mnist", "--epochs", "1", "--limit", "2000", "--width", "8", "--seed", "1"]
    proc = run_cli(*args, "--out", str(out / "a"), "--data-dir", str(data_dir))
    assert proc.returncode == 0, proc.stderr
    return out, args, proc


def test_tiny_run_writes_every_output(tiny_run):
    out, _, proc = tiny_run
    for name in OUTPUTS:
        assert (out / "a" / name).stat().st_size > 0, name
    assert "epoch   1/1" in proc.stdout
    history = json.loads((out / "a" / "history.json").read_text())
    assert len(history) == 1 and history[0].keys() >= HISTORY_KEYS
    # PNGs are real pictures
    assert (out / "a" / "accuracy.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_checkpoint_metadata_and_onnx_copy(tiny_run):
    out, _, _ = tiny_run
    ckpt = load_checkpoint(out / "a" / "best.pt")
    meta = ckpt["meta"]
    assert meta["classes"] == "0123456789" and meta["dataset"] == "mnist"
    assert meta["arch"]["width"] == 8 and meta["torch_version"].startswith("2.13.0")
    assert 0.0 <= meta["test_accuracy"] <= 1.0 and meta["test_n"] == 10000
    assert "date" in meta and meta["normalisation"]["size"] == 28
    assert OnnxClassifier(out / "a" / "best.onnx").meta == meta
    assert "train_state" in load_checkpoint(out / "a" / "last.pt")


def test_same_seed_same_numbers(tiny_run, data_dir):
    out, args, _ = tiny_run
    proc = run_cli(*args, "--out", str(out / "b"), "--data-dir", str(data_dir))
    assert proc.returncode == 0, proc.stderr
    first = json.loads((out / "a" / "history.json").read_text())[0]
    second = json.loads((out / "b" / "history.json").read_text())[0]
    for key in ("train_loss", "train_acc", "val_loss", "val_acc", "lr"):
        assert first[key] == second[key], key
    a, b = load_checkpoint(out / "a" / "last.pt"), load_checkpoint(out / "b" / "last.pt")
    for name, tensor in a["state_dict"].items():
        assert np.array_equal(tensor.numpy(), b["state_dict"][name].numpy()), name


def test_resume_continues_the_run(tiny_run, data_dir):
    out, args, _ = tiny_run
    resumed = out / "c"
    shutil.copytree(out / "a", resumed)
    args = [a if a != "1" or i != args.index("--epochs") + 1 else "2" for i, a in enumerate(args)]
    proc = run_cli(
        *args, "--out", str(resumed), "--resume", str(resumed / "last.pt"), "--data-dir", str(data_dir)
    )
    assert proc.returncode == 0, proc.stderr
    history = json.loads((resumed / "history.json").read_text())
    assert [h["epoch"] for h in history] == [1, 2]
    assert "epoch   2/2" in proc.stdout and "epoch   1/2" not in proc.stdout


def test_resume_from_a_best_checkpoint_is_refused(tiny_run, data_dir, tmp_path):
    out, args, _ = tiny_run
    proc = run_cli(
        *args, "--out", str(tmp_path), "--resume", str(out / "a" / "best.pt"), "--data-dir", str(data_dir)
    )
    assert proc.returncode == 2
    assert "no training state" in proc.stderr and "Traceback" not in proc.stderr


def test_average_of_checkpoints(tiny_run, data_dir, tmp_path):
    out, _, _ = tiny_run
    proc = run_cli(
        "average",
        str(out / "a" / "best.pt"),
        str(out / "b" / "last.pt"),
        "--dataset",
        "mnist",
        "--out",
        str(tmp_path / "avg"),
        "--data-dir",
        str(data_dir),
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count("class-balanced validation accuracy") == 3
    written = (tmp_path / "avg" / "best.pt").exists()
    assert written == ("wrote" in proc.stdout)
    if written:
        assert load_checkpoint(tmp_path / "avg" / "best.pt")["meta"]["averaged_epochs"] == [1, 1]
