"""The IDX reader on hand-made files, EMNIST orientation on real glyphs, one-hot targets, splits, data lookup."""

from __future__ import annotations

import gzip
import struct

import numpy as np
import pytest

from hcr_ocr.data import datasets as data
from hcr_ocr.errors import DataError
from tests.conftest import assert_one_line_error, run_cli


def write_idx(path, array: np.ndarray, magic: int) -> None:
    header = struct.pack(">I", magic) + b"".join(struct.pack(">I", d) for d in array.shape)
    with gzip.open(path, "wb") as f:
        f.write(header + array.astype(np.uint8).tobytes())


def test_read_idx_images_and_labels(tmp_path):
    images = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    write_idx(tmp_path / "img.gz", images, data.IMAGE_MAGIC)
    write_idx(tmp_path / "lab.gz", np.array([7, 0, 255]), data.LABEL_MAGIC)
    got = data.read_idx(tmp_path / "img.gz")
    assert got.shape == (2, 3, 4)
    assert got[1, 2, 3] == 23
    assert data.read_idx(tmp_path / "lab.gz").tolist() == [7, 0, 255]


def test_read_idx_rejects_truncated_and_foreign_files(tmp_path):
    write_idx(tmp_path / "img.gz", np.zeros((3, 2, 2)), data.IMAGE_MAGIC)
    whole = gzip.decompress((tmp_path / "img.gz").read_bytes())
    (tmp_path / "short.gz").write_bytes(gzip.compress(whole[:-1]))
    with pytest.raises(DataError, match="truncated"):
        data.read_idx(tmp_path / "short.gz")
    (tmp_path / "foreign.gz").write_bytes(gzip.compress(b"\x00\x00\x99\x99" + bytes(8)))
    with pytest.raises(DataError, match="magic"):
        data.read_idx(tmp_path / "foreign.gz")
    (tmp_path / "notgzip.gz").write_bytes(b"plain text")
    with pytest.raises(DataError, match="cannot read"):
        data.read_idx(tmp_path / "notgzip.gz")


def test_to_tensor_layout_and_one_hot():
    x = data.to_tensor_layout(np.array([[[0, 255], [51, 102]]], dtype=np.uint8))
    assert x.shape == (1, 1, 2, 2) and x.dtype == np.float32
    assert x.ravel().tolist() == pytest.approx([0.0, 1.0, 0.2, 0.4])
    targets = data.one_hot(np.array([2, 0]), 4, smoothing=0.1)
    assert targets.shape == (2, 4)
    assert targets.sum(1) == pytest.approx([1.0, 1.0])
    assert targets[0].tolist() == pytest.approx([0.025, 0.025, 0.925, 0.025])


def test_stratified_split_keeps_class_shares_and_is_seeded():
    labels = np.array([0] * 100 + [1] * 20 + [2] * 10)
    train, val = data.stratified_split(labels, 0.1, seed=3)
    assert len(np.intersect1d(train, val)) == 0 and len(train) + len(val) == 130
    assert np.bincount(labels[val]).tolist() == [10, 2, 1]
    assert np.array_equal(val, data.stratified_split(labels, 0.1, seed=3)[1])
    assert not np.array_equal(val, data.stratified_split(labels, 0.1, seed=4)[1])


def test_emnist_is_upright(data_dir):
    """Mean glyphs of L and 7: an upright L has ink down the left and along the bottom, a 7 along the top."""
    test = data.load_split("emnist", "test", data_dir)
    assert test.images.shape == (18800, 1, 28, 28) and test.images.dtype == np.float32
    assert test.images.min() >= 0.0 and test.images.max() <= 1.0
    mean_l = test.images[test.labels == test.classes.index("L")].mean(0)[0]
    assert mean_l[:, :14].sum() > 1.1 * mean_l[:, 14:].sum()  # ink on the left
    assert mean_l[14:, :].sum() > 1.2 * mean_l[:14, :].sum()  # and at the bottom
    mean_7 = test.images[test.labels == test.classes.index("7")].mean(0)[0]
    assert mean_7[4:9, :].sum() > 2 * mean_7[19:24, :].sum()  # bar at the top
    assert mean_7[:, 14:].sum() > 1.3 * mean_7[:, :14].sum()  # stroke leaning right
    assert np.bincount(test.labels).tolist() == [400] * 47


def test_mnist_and_byclass_shapes(data_dir):
    mnist = data.load_split("mnist", "test", data_dir, limit=100)
    assert mnist.images.shape == (100, 1, 28, 28) and mnist.classes == "0123456789"
    byclass = data.load_split("emnist-byclass", "train", data_dir)
    derived_test = 18800
    # derived47-test images are kept out of the 62-class training set
    assert 116323 - derived_test <= len(byclass) < 116323
    assert len(byclass.classes) == 62 and byclass.labels.max() == 61


def test_data_dir_lookup_order(tmp_path, monkeypatch):
    monkeypatch.setenv(data.DATA_ENV, str(tmp_path / "env"))
    assert data.find_data_dir(tmp_path / "arg") == tmp_path / "arg"
    assert data.find_data_dir() == tmp_path / "env"


def test_missing_data_folder_is_one_line(tmp_path):
    proc = run_cli(
        "train", "--dataset", "mnist", "--data-dir", str(tmp_path / "nowhere"), "--out", str(tmp_path)
    )
    assert_one_line_error(proc, "no mnist train data", "hcr-ocr download")
    assert proc.returncode == 2
