"""Word images for the word reader: made from the EMNIST training glyphs and the print training fonts, the
same for the same seed, in the reader's own input form."""

from __future__ import annotations

import numpy as np
import pytest

from hcr_ocr.data.printed import training_fonts
from hcr_ocr.data.word_images import word_images
from hcr_ocr.reading.word_reader import WORD_HEIGHT, WORD_MAX_WIDTH, WORD_SYMBOLS


def test_written_words_are_seeded_and_in_the_readers_input_form(data_dir):
    images, widths, texts = word_images(40, seed=5, data_dir=data_dir)
    again = word_images(40, seed=5, data_dir=data_dir)
    assert np.array_equal(images, again[0]) and np.array_equal(widths, again[1]) and texts == again[2]
    assert images.shape == (40, WORD_HEIGHT, WORD_MAX_WIDTH) and images.dtype == np.uint8
    assert all(t and set(t) <= set(WORD_SYMBOLS) for t in texts)
    assert any(t.isdigit() for t in texts) and any(t.isalpha() for t in texts)
    for image, width in zip(images, widths, strict=True):
        assert 8 <= width <= WORD_MAX_WIDTH
        assert image[:, :width].max() > 128  # ink in the word's columns ...
        assert not image[:, width:].any()  # ... and none beyond them
    assert word_images(40, seed=6, data_dir=data_dir)[2] != texts


def test_print_words_are_set_in_the_training_fonts(data_dir):
    if not training_fonts():
        pytest.skip("no print training fonts installed (scripts/install-deps.sh train-fonts)")
    images, widths, texts = word_images(12, seed=3, print_share=1.0, data_dir=data_dir)
    assert len(texts) == 12 and all(images[i, :, : widths[i]].max() > 128 for i in range(12))
    assert not np.array_equal(images, word_images(12, seed=3, data_dir=data_dir)[0])  # not the written ones


def test_a_smaller_smallest_capital_height_writes_other_images(data_dir):
    """The first word's text is drawn before its size: the same word, another image; all in the reader's form."""
    images, widths, texts = word_images(8, seed=7, data_dir=data_dir)
    small = word_images(8, seed=7, data_dir=data_dir, smallest_cap=6)
    assert small[2][0] == texts[0] and not np.array_equal(small[0][0], images[0])
    assert all(small[0][i, :, : small[1][i]].max() > 128 for i in range(8))
    assert np.array_equal(small[0], word_images(8, seed=7, data_dir=data_dir, smallest_cap=6)[0])
