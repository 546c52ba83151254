"""A short run of `hcr-ocr train-words` writes a word reader the read path loads, and its records."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from hcr_ocr.reading.word_reader import WordReader, word_input
from hcr_ocr.train.checkpoints import load_checkpoint, save_checkpoint
from tests.conftest import run_cli, shipped


def test_a_short_run_writes_a_word_reader_the_read_path_loads(data_dir, tmp_path):
    out = tmp_path / "words"
    proc = run_cli(
        "train-words", "--words", "300", "--print-words", "0", "--minutes", "0.2", "--out", str(out),
        "--data-dir", str(data_dir),
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "best validation CER" in proc.stdout
    history = json.loads((out / "history.json").read_text())
    assert history and all(h["val_cer"] >= 0.0 for h in history)
    assert (out / "cer.png").stat().st_size > 1000 and (out / "words-300-1-written-cap14.npz").exists()
    meta = load_checkpoint(out / "best.pt")["meta"]
    assert meta["arch"]["name"] == "wordcrnn"
    assert meta["val_cer"] == pytest.approx(min(h["val_cer"] for h in history), abs=5e-5)
    image = word_input(np.ones((30, 90), np.uint8))
    logp = WordReader(out / "words.onnx").log_probs(image)
    assert logp.shape == (image.shape[1] // 4, 37) and np.allclose(np.exp(logp).sum(axis=1), 1.0, atol=1e-4)

    # `hcr-ocr average` of word readers: the mean of the weights and batch-norm statistics, exported
    ckpt = load_checkpoint(out / "best.pt")
    shifted = {k: v + 1.0 if v.is_floating_point() else v for k, v in ckpt["state_dict"].items()}
    save_checkpoint(tmp_path / "shifted.pt", shifted, ckpt["meta"])
    proc = run_cli(
        "average", str(out / "best.pt"), str(tmp_path / "shifted.pt"), "--out", str(tmp_path / "avg")
    )
    assert proc.returncode == 0, proc.stderr
    averaged = load_checkpoint(tmp_path / "avg" / "best.pt")
    assert averaged["meta"]["averaged_from"] == [str(out / "best.pt"), str(tmp_path / "shifted.pt")]
    for name, value in ckpt["state_dict"].items():
        if value.is_floating_point():
            assert torch.allclose(averaged["state_dict"][name], value + 0.5, atol=1e-6), name
    assert WordReader(tmp_path / "avg" / "best.onnx").log_probs(image).shape == logp.shape

    # a word reader averages only with word readers, in either order: one line, no traceback
    for pair in ((out / "best.pt", shipped("emnist47.pt")), (shipped("emnist47.pt"), out / "best.pt")):
        proc = run_cli("average", *map(str, pair), "--out", str(tmp_path / "mixed"))
        assert proc.returncode != 0 and "averages only with word readers" in proc.stderr
        assert "Traceback" not in proc.stderr and not (tmp_path / "mixed").exists()
