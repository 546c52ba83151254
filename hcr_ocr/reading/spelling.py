"""Stage 8, words: how much a reading is spelled like the words of a word list, letter by letter.

    from hcr_ocr.reading.spelling import Spelling
    spelling = Spelling.of_words(["into", "the", "commerce", ...])
    spelling.surprisal("commerce")    # ~17 nats with the shipped list: spelled as its words are
    spelling.surprisal("commcrcc")    # ~44 nats: 'mcrc' and a final 'cc' are rare in them

A letter trigram model of the list's words (each word counted once, so a rare word's spelling counts as
much as a common one's), with the start and end of a word as symbols of their own. Each estimate is
interpolated with the one from a letter fewer by Witten-Bell's weights (the more distinct letters a context
is seen followed by, the more it leans on the shorter context); single letters are add-one smoothed. A
reading that is no listed word yet spelled like one (a name, a rare word) costs a few nats more than a
listed word; a string of letters the classifier got wrong (e read as c in a hairline pen) costs tens.
"""

from __future__ import annotations

import numpy as np

LETTERS = "abcdefghijklmnopqrstuvwxyz"  # a word list's words are letters only (see lexicon.parse)
START, END = len(LETTERS), len(LETTERS) + 1  # the symbols before a word's first letter and after its last
SIZE = len(LETTERS) + 2
_INDEX = {c: i for i, c in enumerate(LETTERS)}


class Spelling:
    """Log-probabilities of each symbol after every two: (SIZE, SIZE, SIZE), float32."""

    NBYTES = SIZE**3 * 4  # the table's size in a compiled word list

    def __init__(self, log_trigram: np.ndarray):
        if log_trigram.shape != (SIZE, SIZE, SIZE):
            raise ValueError(f"a spelling table of shape {log_trigram.shape}, not {(SIZE, SIZE, SIZE)}")
        self.log_trigram = log_trigram.astype(np.float32)

    @classmethod
    def of_words(cls, words: list[str]) -> Spelling:
        """The letter trigram model of these words (lower case; other characters are left out)."""
        trigrams = [t for word in words for t in _trigrams(word)]
        counts = np.bincount(trigrams, minlength=SIZE**3).reshape(SIZE, SIZE, SIZE).astype(float)
        unigram = counts.sum(axis=(0, 1))
        p = (unigram + 1.0) / (unigram.sum() + SIZE)
        p = _witten_bell(counts.sum(axis=0), p)  # bigrams: (previous, next)
        return cls(np.log(_witten_bell(counts, p[None])))

    def surprisal(self, text: str) -> float:
        """Nats: minus the log-probability of `text` (lower-cased, characters outside a-z left out)
        spelled as a word, its end included."""
        return -float(self.log_trigram.ravel()[_trigrams(text.lower())].sum())

    def unlike_beyond(self, reading: str, word: str, free: float) -> float:
        """Nats by which `reading` is spelled less like the list's words than `word` is, beyond `free` nats
        (0 where it is not): a string of letters misread ('conqmerce') is spelled unlike any word."""
        return max(0.0, self.surprisal(reading) - self.surprisal(word) - free)

    def to_bytes(self) -> bytes:
        return self.log_trigram.tobytes()

    @classmethod
    def from_bytes(cls, data: bytes | memoryview) -> Spelling:
        return cls(np.frombuffer(data, np.float32).reshape(SIZE, SIZE, SIZE))


def _trigrams(word: str) -> list[int]:
    """The word's trigrams of symbols, each as its index in a flattened (SIZE, SIZE, SIZE) table."""
    symbols = [START, START, *(_INDEX[c] for c in word if c in _INDEX), END]
    return [
        (a * SIZE + b) * SIZE + c for a, b, c in zip(symbols[:-2], symbols[1:-1], symbols[2:], strict=True)
    ]


def _witten_bell(counts: np.ndarray, shorter: np.ndarray) -> np.ndarray:
    """P(next | context) from counts (..., next), leaning on `shorter` (P(next | a shorter context),
    broadcast) by as much as the context has been seen followed by distinct symbols."""
    seen = counts.sum(axis=-1, keepdims=True)
    kinds = (counts > 0).sum(axis=-1, keepdims=True)
    weight = seen / np.maximum(seen + kinds, 1.0)
    return weight * counts / np.maximum(seen, 1.0) + (1.0 - weight) * shorter
