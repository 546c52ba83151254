"""The word list's spelling model: letter trigrams of its words, and what a compiled list keeps of it."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hcr_ocr.reading.lexicon import Lexicon
from hcr_ocr.reading.spelling import END, LETTERS, SIZE, START, Spelling

WORDS = ["summer", "hammer", "corner", "modern", "ladder", "number", "letter", "better"]


def test_every_context_is_a_distribution_over_the_next_symbol():
    table = np.exp(Spelling.of_words(WORDS).log_trigram.astype(np.float64))
    assert np.allclose(table.sum(axis=-1), 1.0)
    assert (table > 0).all()  # a spelling never met still has a probability


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=LETTERS + "ABZ-' ", max_size=12))
def test_a_text_costs_its_letters_each_after_the_two_before_it_and_then_its_end(text):
    spelling = Spelling.of_words(WORDS)
    symbols = [START, START, *(LETTERS.index(c) for c in text.lower() if c in LETTERS), END]
    expected = -sum(
        spelling.log_trigram[a, b, c]
        for a, b, c in zip(symbols[:-2], symbols[1:-1], symbols[2:], strict=True)
    )
    assert np.isclose(spelling.surprisal(text), expected, rtol=1e-5)
    assert spelling.surprisal(text) > 0.0


def test_the_lists_words_are_spelled_more_like_its_words_than_their_letters_shuffled():
    spelling = Spelling.of_words(WORDS)
    for word in WORDS:
        shuffled = "".join(np.random.default_rng(0).permutation(list(word)))
        if shuffled != word:
            assert spelling.surprisal(word) < spelling.surprisal(shuffled) - 3.0, (word, shuffled)
    assert spelling.surprisal("ummer") < spelling.surprisal("mmeru")  # a known ending, an unknown start


def test_the_shipped_list_tells_a_misread_word_from_a_name():
    """With the shipped English list: 'commcrcc' (e read as c) is 27 nats less word-like than 'commerce';
    names that are no English word, 'clotaire' and 'gabin', are spelled within a few nats of English."""
    spelling = Lexicon.shipped().spelling
    assert spelling.surprisal("commcrcc") - spelling.surprisal("commerce") > 25.0
    assert spelling.surprisal("clotaire") - spelling.surprisal("clarinet") < 3.0
    assert spelling.surprisal("gabin") - spelling.surprisal("gabon") < 3.0


def test_a_compiled_list_keeps_its_spelling(tmp_path, monkeypatch):
    monkeypatch.setenv("HCR_OCR_CACHE", str(tmp_path / "cache"))
    source = tmp_path / "words.txt"
    source.write_text("\n".join(WORDS) + "\n", encoding="utf-8")
    parsed = Lexicon.parse(source)
    Lexicon.load(source)  # writes the compiled form
    (compiled_file,) = (tmp_path / "cache").iterdir()
    compiled = Lexicon._from_compiled(compiled_file.read_bytes())  # read from it, never parsed again
    assert compiled.spelling.log_trigram.shape == (SIZE, SIZE, SIZE)
    assert np.array_equal(compiled.spelling.log_trigram, parsed.spelling.log_trigram)
    with pytest.raises(ValueError):  # a table cut short is a damaged file (load parses the list again)
        Lexicon._from_compiled(compiled_file.read_bytes()[:-4])


def test_a_misread_string_is_spelled_unlike_the_word_beyond_what_is_free():
    spelling = Lexicon.shipped().spelling
    gap = spelling.surprisal("conqmerce") - spelling.surprisal("commerce")
    assert gap > 8.0
    assert spelling.unlike_beyond("conqmerce", "commerce", 8.0) == pytest.approx(gap - 8.0)
    assert spelling.unlike_beyond("commerce", "conqmerce", 0.0) == 0.0  # better spelled: nothing
