"""Glyphs harvested from real crops: labels mapped to the 47 classes, crops kept only where the reader's
segmentation gives as many letters as the label, the reader's normalisation, and the cache."""

from __future__ import annotations

import numpy as np
import pytest

from hcr_ocr.data import harvest
from hcr_ocr.data.datasets import BALANCED47
from hcr_ocr.errors import DataError
from hcr_ocr.reading.loading import load_image
from hcr_ocr.reading.normalization import to_emnist
from hcr_ocr.reading.pipeline import segment_page
from tests.conftest import crops_folder

# Three crops of form-names-train, with the labels written into the temporary folder. Measured with the
# reader's segmentation: VALIDATION_0951 (VICTOR) gives 6 letter glyphs, VALIDATION_1035 (BLANC-SOARES)
# 11 and a hyphen, VALIDATION_0960 (YOU) 2 (its Y and O touch): the last is left out. VICTOR is labelled
# with an accent here, to show that accented letters count as their base letter.
CROPS = {"VALIDATION_0951.jpg": "VÍCTOR", "VALIDATION_1035.jpg": "BLANC-SOARES", "VALIDATION_0960.jpg": "YOU"}


def classes_of(text: str) -> list[int]:
    return [BALANCED47.index(c) for c in text]


@pytest.fixture
def three_crops(tmp_path, monkeypatch):
    monkeypatch.setenv(harvest.CACHE_ENV, str(tmp_path / "cache"))
    return crops_folder(tmp_path, CROPS)


def test_labels_become_class_indices_without_spaces_hyphens_or_accents():
    assert harvest.label_classes("ÉLODIE") == classes_of("ELODIE")
    assert harvest.label_classes("JEAN-PIERRE") == classes_of("JEANPIERRE")
    assert harvest.label_classes("DE LA VILLEON") == classes_of("DELAVILLEON")
    assert harvest.label_classes("D'ARC") == classes_of("DARC")
    assert harvest.label_classes("Çé") == classes_of("Ce")  # small letters: their own class or merged
    assert harvest.label_classes("lo") == classes_of("LO")  # l and o have no small-letter class
    assert harvest.label_classes("ÆLIS") is None  # no class for Æ: the crop is left out
    assert harvest.label_classes("") == []


def test_three_crops_give_the_glyphs_of_the_two_that_fit(three_crops, capsys):
    images, labels = harvest.harvest_glyphs(three_crops)
    assert "harvested 17 glyphs from 2 of 3 crops" in capsys.readouterr().out
    assert images.shape == (17, 28, 28) and images.dtype == np.uint8
    assert labels.dtype == np.int64
    assert labels.tolist() == classes_of("VICTOR" + "BLANCSOARES")
    # The reader's segmentation and normalisation of each glyph's own mask, upright (as
    # load_split gives the EMNIST images), bright ink on dark, scaled to 0..255.
    layout = segment_page(load_image(str(three_crops / "VALIDATION_0951.jpg")))
    masks = [g.mask for word in layout.words() for g in word if not g.punct]
    expected = np.round(np.stack([to_emnist(m) for m in masks]) * 255).astype(np.uint8)
    assert np.array_equal(images[:6], expected)
    assert images[:, 0, :].max() < 128 and images.max() == 255  # dark margin, bright ink


def test_the_harvest_is_cached_and_a_changed_label_harvests_again(three_crops, capsys):
    first = harvest.harvest_glyphs(three_crops)
    capsys.readouterr()
    cached = list((three_crops.parent / "cache").glob("harvest-*.npz"))
    assert len(cached) == 1
    second = harvest.harvest_glyphs(three_crops)
    assert f"(from {cached[0]})" in capsys.readouterr().out
    assert np.array_equal(first[0], second[0]) and np.array_equal(first[1], second[1])
    labels = three_crops / "labels.csv"
    labels.write_text(labels.read_text(encoding="utf-8").replace("VÍCTOR", "VICTORS"), encoding="utf-8")
    images, found = harvest.harvest_glyphs(three_crops)  # VICTORS: 7 letters, 6 glyphs, left out
    assert "harvested 11 glyphs from 1 of 3 crops" in capsys.readouterr().out
    assert found.tolist() == classes_of("BLANCSOARES") and len(images) == 11
    assert len(list((three_crops.parent / "cache").glob("harvest-*.npz"))) == 2


def test_a_folder_is_found_in_the_data_folder_too(three_crops, capsys):
    data_dir = three_crops.parent
    images, labels = harvest.harvest_glyphs("crops", data_dir=data_dir)
    assert len(labels) == 17


def test_a_folder_without_labels_is_a_data_error(tmp_path):
    with pytest.raises(DataError, match="no labels.csv"):
        harvest.harvest_glyphs(tmp_path)
    with pytest.raises(DataError, match="no folder"):
        harvest.harvest_glyphs(tmp_path / "missing", data_dir=tmp_path)
