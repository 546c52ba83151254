"""The degradations of scans (`augmentation.degrade`), and `hcr-ocr train --degrade --extra-glyphs`."""

from __future__ import annotations

import os

import numpy as np
import pytest
import torch

from hcr_ocr.data import harvest
from hcr_ocr.data.datasets import BALANCED47
from hcr_ocr.errors import HcrError
from hcr_ocr.train import augmentation
from hcr_ocr.train.augmentation import DEGRADATIONS, degrade
from hcr_ocr.train.checkpoints import load_checkpoint
from hcr_ocr.train.config import TrainConfig
from hcr_ocr.train.start import load_starting_points, load_train_data, resolve_settings
from tests.conftest import assert_one_line_error, crops_folder, run_cli


def glyphs(n: int = 64) -> torch.Tensor:
    """Bars and boxes of ink (1) on black (0), of different sizes: something to degrade."""
    x = torch.zeros(n, 1, 28, 28)
    for i in range(n):
        top, left, size = 4 + i % 5, 5 + i % 7, 10 + i % 8
        x[i, 0, top : top + size, left : left + 3] = 1.0
        x[i, 0, top : top + 3, left : left + size] = 1.0
    return x


def test_degrade_keeps_shape_and_range_and_repeats_for_a_seed():
    x = glyphs()
    a = degrade(x, torch.Generator().manual_seed(3), share=0.7)
    b = degrade(x, torch.Generator().manual_seed(3), share=0.7)
    c = degrade(x, torch.Generator().manual_seed(4), share=0.7)
    assert a.shape == x.shape and a.dtype == x.dtype
    assert float(a.min()) >= 0.0 and float(a.max()) <= 1.0
    assert torch.equal(a, b)
    assert not torch.equal(a, c)
    assert torch.equal(x, glyphs())  # the input is left as it was


def test_share_zero_changes_nothing_and_share_one_changes_every_glyph():
    x = glyphs()
    assert torch.equal(degrade(x, torch.Generator().manual_seed(0), share=0.0), x)
    out = degrade(x, torch.Generator().manual_seed(0), share=1.0)
    changed = (out - x).abs().flatten(1).amax(dim=1) > 1e-4
    assert bool(changed.all())


def test_degrade_draws_one_kind_per_glyph_from_the_generator():
    # The same draws as degrade makes: which glyphs, then which degradation; the rest are untouched.
    x = glyphs(200)
    gen = torch.Generator().manual_seed(7)
    pick = torch.rand(200, generator=torch.Generator().manual_seed(7)) < 0.3
    out = degrade(x, gen, share=0.3)
    untouched = (out - x).abs().flatten(1).amax(dim=1) == 0
    assert torch.equal(untouched, ~pick)
    assert 40 < int(pick.sum()) < 80


def test_each_degradation_does_what_it_says():
    x = glyphs(32)
    ink = x > 0.5

    def run(name: str) -> torch.Tensor:
        return DEGRADATIONS[name](x, torch.Generator().manual_seed(0)).clamp(0, 1)

    noisy = run("noise")
    assert float(noisy[~ink].mean()) > 0.01  # the black paper is grainy now
    blurred = run("blur")
    assert float(blurred.amax()) == pytest.approx(1.0)  # stretched back to the full range, as the reader does
    assert int(((blurred > 0.05) & ~ink).sum()) > 0  # ink spread beyond the strokes
    weights = run("stroke_weight")
    sums = weights.flatten(1).sum(1) - x.flatten(1).sum(1)
    assert bool((sums != 0).all()) and bool((sums > 0).any()) and bool((sums < 0).any())  # bolder, finer
    bent = run("elastic")
    assert not torch.equal(bent, x)
    assert float((bent.sum() - x.sum()).abs() / x.sum()) < 0.15  # moved, not erased
    binary = run("binarised")
    assert float(binary.amax()) == pytest.approx(1.0)
    faint = run("low_contrast")
    top = faint.flatten(1).amax(1)
    low = faint.flatten(1).amin(1)
    assert bool((top <= augmentation.CONTRAST_INK[1] + 1e-6).all())
    assert bool((low <= augmentation.CONTRAST_BACKGROUND[1] + 1e-6).all())
    assert bool(
        (top - low >= augmentation.CONTRAST_INK[0] - augmentation.CONTRAST_BACKGROUND[1] - 1e-6).all()
    )


@pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device")
def test_degrade_on_a_gpu_draws_what_the_cpu_draws():
    x = glyphs()
    cpu = degrade(x, torch.Generator().manual_seed(5), share=0.8)
    gpu = degrade(x.cuda(), torch.Generator().manual_seed(5), share=0.8)
    assert gpu.device.type == "cuda"
    assert torch.allclose(cpu, gpu.cpu(), atol=1e-4)


# ---- training with --degrade and --extra-glyphs ---------------------------------------------------------

# VICTOR (6 letter glyphs) and BLANC-SOARES (11): both fit their labels (see tests/data/test_harvest.py).
CROPS = {"VALIDATION_0951.jpg": "VICTOR", "VALIDATION_1035.jpg": "BLANC-SOARES"}


@pytest.fixture
def two_crops(tmp_path, monkeypatch, data_dir):
    monkeypatch.setenv(harvest.CACHE_ENV, str(tmp_path / "cache"))
    return crops_folder(tmp_path, CROPS)


def test_extra_glyphs_join_training_oversampled_and_never_validation(two_crops, data_dir):
    plain = TrainConfig(dataset="emnist", limit=500, data_dir=str(data_dir), out="unused")
    extra = TrainConfig(**{**plain.__dict__, "extra_glyphs": [str(two_crops)]})
    settings = resolve_settings(plain, load_starting_points(plain))
    before, after = load_train_data(plain, settings), load_train_data(extra, settings)
    assert extra.extra_repeat == [4]
    assert len(after.y_train) == len(before.y_train) + 17 * 4
    assert np.array_equal(after.y_val, before.y_val) and np.array_equal(after.x_val, before.x_val)
    added = after.y_train[len(before.y_train) :]
    assert "".join(BALANCED47[i] for i in added[::4]) == "VICTORBLANCSOARES"
    assert after.x_train.dtype == np.float32 and float(after.x_train[len(before.y_train) :].max()) == 1.0
    more = load_train_data(TrainConfig(**{**extra.__dict__, "extra_repeat": [16]}), settings)
    assert len(more.y_train) == len(before.y_train) + 17 * 16
    two = TrainConfig(**{**extra.__dict__, "extra_glyphs": [str(two_crops)] * 2, "extra_repeat": [16, 1]})
    assert len(load_train_data(two, settings).y_train) == len(before.y_train) + 17 * 17
    with pytest.raises(HcrError, match="one per --extra-glyphs"):
        TrainConfig(**{**extra.__dict__, "extra_repeat": [2, 3]})
    with pytest.raises(HcrError, match="1 or more"):
        TrainConfig(**{**extra.__dict__, "extra_repeat": [0]})


def test_extra_repeat_without_extra_glyphs_is_one_line(tmp_path):
    proc = run_cli("train", "--extra-repeat", "8", "--out", str(tmp_path / "run"))
    assert_one_line_error(proc, "--extra-glyphs")


def test_extra_glyphs_need_the_47_classes(two_crops, data_dir):
    config = TrainConfig(dataset="mnist", limit=200, data_dir=str(data_dir), extra_glyphs=[str(two_crops)])
    settings = resolve_settings(config, load_starting_points(config))
    with pytest.raises(HcrError, match="--dataset emnist"):
        load_train_data(config, settings)


def test_train_accepts_degrade_and_extra_glyphs(two_crops, data_dir, tmp_path):
    out = tmp_path / "run"
    env = {**os.environ, harvest.CACHE_ENV: str(tmp_path / "cache")}
    proc = run_cli(
        "train", "--dataset", "emnist", "--epochs", "1", "--limit", "600", "--width", "8",
        "--degrade", "0.5", "--extra-glyphs", str(two_crops), "--extra-repeat", "2", "--out", str(out),
        "--data-dir", str(data_dir), env=env,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "harvested 17 glyphs from 2 of 2 crops" in proc.stdout
    meta = load_checkpoint(out / "best.pt")["meta"]
    assert meta["train_config"]["degrade"] == 0.5
    assert meta["train_config"]["extra_glyphs"] == [str(two_crops)]
    assert meta["train_config"]["extra_repeat"] == [2]
    assert (out / "best.onnx").is_file()


def test_degrade_outside_zero_to_one_is_refused(tmp_path):
    proc = run_cli("train", "--degrade", "1.5", "--out", str(tmp_path / "run"))
    assert proc.returncode != 0
    assert "1.5" in proc.stderr and "Traceback" not in proc.stderr


def test_extra_glyphs_from_a_folder_without_labels_is_one_line(data_dir, tmp_path):
    proc = run_cli(
        "train", "--dataset", "emnist", "--epochs", "1", "--limit", "200", "--extra-glyphs", str(tmp_path),
        "--out", str(tmp_path / "run"), "--data-dir", str(data_dir),
    )  # fmt: skip
    assert_one_line_error(proc, "labels.csv")


def test_extra_glyphs_from_an_npz_join_training_and_a_bad_one_is_one_line(data_dir, tmp_path):
    """Glyphs saved as .npz (how printed glyphs travel to a machine without fonts) join like harvested ones."""
    images = np.zeros((3, 28, 28), np.uint8)
    images[:, 4:24, 12:16] = 255
    np.savez_compressed(tmp_path / "ones.npz", images=images, labels=np.array([1, 1, 1]))
    plain = TrainConfig(dataset="emnist", limit=500, data_dir=str(data_dir), out="unused")
    extra = TrainConfig(**{**plain.__dict__, "extra_glyphs": [str(tmp_path / "ones.npz")]})
    settings = resolve_settings(plain, load_starting_points(plain))
    before, after = load_train_data(plain, settings), load_train_data(extra, settings)
    assert after.y_train[len(before.y_train) :].tolist() == [1] * 3 * 4
    (tmp_path / "bad.npz").write_bytes(b"not a zip")
    proc = run_cli(
        "train", "--dataset", "emnist", "--epochs", "1", "--limit", "200", "--extra-glyphs",
        str(tmp_path / "bad.npz"), "--out", str(tmp_path / "run"), "--data-dir", str(data_dir),
    )  # fmt: skip
    assert_one_line_error(proc, "bad.npz")
