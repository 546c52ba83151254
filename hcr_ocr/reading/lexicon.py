"""Stage 8, words: a word list with frequencies, and the search that reads a word's glyphs as a listed word
when the classifier's evidence allows it.

    from hcr_ocr.reading.lexicon import Edge, Lexicon
    lexicon = Lexicon.shipped()                    # or Lexicon.load("names.txt")
    edges = [Edge(0, 1, logp, glyph), ...]         # ways to read the word: glyphs and pieces cut from them
    match = lexicon.best_match(edges, n_nodes, raw_text)
    match.word, match.path                          # "into", the edges it used
    lexicon.accepts(match, raw_logp)               # close enough to the glyph-by-glyph reading?

The search is caseless: each glyph's 47 class probabilities become 36 (a-z, 0-9) by adding a letter's
capital and small forms. Candidates are the listed words within a few edits (rapidfuzz) of the raw
reading and of the lattice's own likeliest reading; each is scored by dynamic programming over the lattice
(nodes: glyph boundaries and cuts; edges: a glyph, a split of it, or a run of pieces), so a listed word may
use cuts that the raw reading did not. The best of them is the one whose log-probability plus a weight
times its log frequency is highest (on a page of text a larger weight: of two words the glyphs support
alike, the commoner); it replaces the raw reading when its log-probability, plus `prior_weight` times its
log frequency, is within `max_loss` of the raw reading's (LexiconSettings): a name or a number the
classifier is sure of stays as it was read. The list also gives a letter trigram model of
its words' spelling (`Lexicon.spelling`, see spelling): on running text a reading spelled unlike any word
may lose more (transcription.running_text_loss).

Parsing a list of 80,000 words and modelling its spelling take most of a second, too long for a command
that reads one image: the first load of a list compiles it (words grouped by length, their log priors, the
spelling model) into the user's cache (`$HCR_OCR_CACHE`, else the platform's cache folder), named by the
list's CRC-32 and size; later loads read that file in one go (a few milliseconds) and decode the words of a
length when a word of that length is first looked up.
"""

from __future__ import annotations

import gzip
import json
import os
import zlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from hcr_ocr.errors import HcrError
from hcr_ocr.reading.settings import DEFAULT, LexiconSettings
from hcr_ocr.reading.spelling import Spelling

SYMBOLS = "abcdefghijklmnopqrstuvwxyz0123456789"
# digits whose shapes are one with a letter's: a word read with one is searched with that letter too
_LETTER_OF_DIGIT = str.maketrans({"0": "o", "1": "i"})
SHIPPED = Path(__file__).resolve().parent / "resources" / "english-words.tsv.gz"
CACHE_ENV = "HCR_OCR_CACHE"  # folder for compiled word lists (default: the platform's user cache)
COMPILED_MAGIC = b"hcr-ocr word list 4\n"


@cache
def symbol_matrix(classes: str) -> np.ndarray:
    """(len(classes), 36): 1 where a class is a form of the symbol (A and a are both a)."""
    merge = np.zeros((len(classes), len(SYMBOLS)), np.float32)
    for i, c in enumerate(classes):
        merge[i, SYMBOLS.index(c.lower())] = 1.0
    return merge


def caseless(probs: np.ndarray, classes: str, *, settings: LexiconSettings = DEFAULT.lexicon) -> np.ndarray:
    """(N, len(classes)) probabilities → (N, 36) log-probabilities over a-z, 0-9."""
    return np.log(np.maximum(probs @ symbol_matrix(classes), settings.probability_floor))


@dataclass
class Edge:
    """One way to read part of a word: from node `start` to node `end` (glyph boundaries), as one or more
    letters, each with its caseless log-probabilities."""

    start: int
    end: int
    logp: np.ndarray  # (letters, 36)
    key: object = None  # what the caller needs to rebuild the glyphs (ignored here)


@dataclass
class Match:
    word: str
    score: float  # log-probability of the glyph evidence for the word
    path: list[Edge]


class Lexicon:
    """Words (lower case, a-z) with a log prior from their frequency or rank, kept in groups by length; a
    group of a compiled list is decoded the first time a word of that length is asked for."""

    def __init__(self, words: list[str], counts: list[float] | None = None):
        if not words:
            raise HcrError("the word list is empty")
        if counts is None:  # ranked list: Zipf's law, frequency ~ 1 / rank
            counts = [1.0 / (rank + 1) for rank in range(len(words))]
        best = max(counts)
        prior: dict[str, float] = {}
        for w, c in zip(words, counts, strict=True):
            prior[w] = max(prior.get(w, -np.inf), float(np.log(c / best)))
        self._groups: dict[int, dict[str, float]] = {}
        self._packed: dict[int, tuple[memoryview, np.ndarray]] = {}  # length → (its words, their priors)
        ranks: dict[int, list[int]] = {}
        for rank, (w, p) in enumerate(prior.items()):
            self._groups.setdefault(len(w), {})[w] = p
            ranks.setdefault(len(w), []).append(rank)
        self._ranks = {n: np.array(r, np.int32) for n, r in ranks.items()}  # length → places in the list
        self._words: dict[int, list[str]] = {}
        self.spelling = Spelling.of_words(list(prior))

    def group(self, length: int) -> dict[str, float]:
        """The listed words of this length and their log priors, in the list's order."""
        if length in self._packed:
            words, priors = self._packed[length]
            try:
                self._groups[length] = dict(
                    zip(str(words, "ascii").split("\n"), priors.tolist(), strict=True)
                )
            except ValueError as err:
                raise HcrError(
                    f"a compiled word list in {cache_dir('word-lists')} is damaged: delete the folder"
                ) from err
            del self._packed[length]
        return self._groups.get(length, {})

    def words(self, length: int) -> list[str]:
        """The listed words of this length, in the list's order."""
        if length not in self._words:
            self._words[length] = list(self.group(length))
        return self._words[length]

    def __contains__(self, word: str) -> bool:
        return word in self.group(len(word))

    def log_prior(self, word: str) -> float:
        return self.group(len(word))[word]

    @property
    def lengths(self) -> list[int]:
        return sorted(self._ranks)

    @property
    def prior(self) -> dict[str, float]:
        """Every word's log prior, in the list's order (decodes the whole list)."""
        entries = [
            (rank, word, p)
            for n in self.lengths
            for rank, (word, p) in zip(self._ranks[n], self.group(n).items(), strict=True)
        ]
        return {word: p for _, word, p in sorted(entries, key=lambda e: e[0])}

    @classmethod
    def _from_compiled(cls, data: bytes) -> Lexicon:
        """A word list as `compiled` wrote it; its groups stay packed until used."""
        header_end = data.index(b"\n", len(COMPILED_MAGIC))
        groups = json.loads(data[len(COMPILED_MAGIC) : header_end])["groups"]
        view = memoryview(data)
        words_at = header_end + 1
        total = sum(count for _, count, _ in groups)
        priors_at = words_at + sum(size for _, _, size in groups)
        ranks_at = priors_at + 8 * total
        spelling_at = ranks_at + 4 * total
        if spelling_at + Spelling.NBYTES != len(data):
            raise ValueError("a compiled word list of the wrong size")
        if (
            data.count(b"\n", words_at, priors_at) != total - len(groups)
            or not data[words_at:priors_at].isascii()
        ):
            raise ValueError("a compiled word list whose words are damaged")
        lexicon = cls.__new__(cls)
        lexicon._groups, lexicon._packed, lexicon._ranks, lexicon._words = {}, {}, {}, {}
        lexicon.spelling = Spelling.from_bytes(view[spelling_at:])
        for length, count, size in groups:
            priors = np.frombuffer(data, np.float64, count, priors_at)
            lexicon._packed[length] = (view[words_at : words_at + size], priors)
            lexicon._ranks[length] = np.frombuffer(data, np.int32, count, ranks_at)
            words_at, priors_at, ranks_at = words_at + size, priors_at + 8 * count, ranks_at + 4 * count
        return lexicon

    def compiled(self) -> bytes:
        """The word list in the form that loads in one read: a header with each length's word count and
        bytes, then the words of each length (in the list's order, the commonest first), their log priors
        (float64), their places in the whole list (int32) and the list's spelling model."""
        groups = [self.group(n) for n in self.lengths]
        blobs = ["\n".join(g).encode("utf-8") for g in groups]
        header = json.dumps(
            {"groups": [[n, len(g), len(b)] for n, g, b in zip(self.lengths, groups, blobs, strict=True)]}
        )
        priors = np.array([p for g in groups for p in g.values()], np.float64).tobytes()
        ranks = np.concatenate([self._ranks[n] for n in self.lengths]).astype(np.int32).tobytes()
        spelling = self.spelling.to_bytes()
        return COMPILED_MAGIC + header.encode() + b"\n" + b"".join(blobs) + priors + ranks + spelling

    @classmethod
    def load(cls, path: str | Path) -> Lexicon:
        """A word list: one word per line, optionally `word<TAB>count`; .gz files are read as gzip. Loaded
        from its compiled form in the cache where it is there, else parsed and compiled there."""
        path = Path(path)
        if not path.is_file():
            raise HcrError(f"{path}: no such word list")
        try:
            source = path.read_bytes()
        except OSError as err:
            raise HcrError(f"{path}: not a readable word list ({err.strerror})") from err
        # named by the source's CRC-32 and size: an edited list gets a new compiled file (hashlib's OpenSSL
        # would add a hundredth of a second to each start)
        cached = cache_dir("word-lists") / f"{zlib.crc32(source):08x}-{len(source)}.words"
        try:
            data = cached.read_bytes()
            if data.startswith(COMPILED_MAGIC):
                return cls._from_compiled(data)
        except (OSError, ValueError, KeyError, TypeError):
            pass  # not compiled yet, or unreadable: parse the list and compile it again
        lexicon = cls.parse(path)
        _write_quietly(cached, lexicon.compiled())
        return lexicon

    @classmethod
    def parse(cls, path: str | Path) -> Lexicon:
        """A word list parsed from its text, without the cache."""
        path = Path(path)
        opener = gzip.open if path.suffix == ".gz" else open
        words, counts = [], []
        try:
            with opener(path, "rt", encoding="utf-8") as f:
                for line in f:
                    parts = line.split()
                    if not parts:
                        continue
                    word = parts[0].lower()
                    if word.isascii() and word.isalpha():
                        words.append(word)
                        counts.append(float(parts[1]) if len(parts) > 1 and _is_number(parts[1]) else None)
        except (OSError, UnicodeDecodeError) as err:
            raise HcrError(f"{path}: not a readable word list ({err})") from err
        if not words:
            raise HcrError(f"{path}: no words (a-z) in it")
        if any(c is None for c in counts):
            return cls(words)
        return cls(words, counts)

    @classmethod
    def shipped(cls) -> Lexicon:
        return _shipped()

    def best_match(
        self,
        edges: list[Edge],
        n_nodes: int,
        raw: str,
        *,
        page_of_text: bool = False,
        settings: LexiconSettings = DEFAULT.lexicon,
    ) -> Match | None:
        """The listed word near `raw` that the lattice explains best, its frequency counted (by
        `text_choice_prior_weight` where the word stands on a page of text, `page_of_text`: running text in
        the list's language, or a page that shows writing in quantity; else by `prior_weight`, as on a
        name or a field), with its lattice score; None when no listed word has a path through the
        lattice."""
        s = settings
        shortest, longest = _path_lengths(edges, n_nodes)
        raw, lattice = raw.lower(), best_reading(edges, n_nodes, settings=s)
        # the raw reading, the lattice's own, and the raw reading with its 0 and 1 as the o and i they look
        # like (a word read 'I0' is one edit from 'to' so, two as read)
        queries = list(dict.fromkeys([raw, lattice, raw.translate(_LETTER_OF_DIGIT)]))
        by_length: dict[int, set[str]] = {}
        for query in queries:
            lengths = range(len(query) - s.length_slack, len(query) + s.length_slack + 1)
            for length in (n for n in lengths if shortest <= n <= longest):
                by_length.setdefault(length, set()).update(self._nearest(query, length, s))
        matches = [
            m
            for words in by_length.values()
            if words
            for m in _score_words(sorted(words), edges, n_nodes, s.letter_bonus)
        ]
        weight = s.text_choice_prior_weight if page_of_text else s.prior_weight
        return max(matches, key=lambda m: m.score + weight * self.log_prior(m.word), default=None)

    def neighbours(
        self, query: str, slack: int, count: int, settings: LexiconSettings = DEFAULT.lexicon
    ) -> set[str]:
        """The `count` listed words nearest `query` in edit distance (within a share of its length) of each
        length up to `slack` letters longer or shorter than it."""
        lengths = range(max(1, len(query) - slack), len(query) + slack + 1)
        return {w for n in lengths for w in self._nearest(query, n, settings, count)}

    def _nearest(self, query: str, length: int, s: LexiconSettings, count: int | None = None) -> list[str]:
        """The `count` (default `s.candidates`) listed words of this length closest to `query` in edit
        distance, within a share of its length."""
        words = self.words(length)
        if not words:
            return []
        from rapidfuzz import process  # imported here: a page of surely read words needs none of it
        from rapidfuzz.distance import Levenshtein

        cutoff = max(s.min_max_edits, int(len(query) * s.max_edit_share))
        dist = process.cdist(
            [query], words, scorer=Levenshtein.distance, score_cutoff=cutoff, dtype=np.int32
        )[0]
        near = np.flatnonzero(dist <= cutoff)
        return [words[i] for i in near[np.argsort(dist[near], kind="stable")[: count or s.candidates]]]

    def accepts(
        self,
        match: Match | None,
        raw_logp: np.ndarray,
        raw_cost: float = 0.0,
        *,
        max_loss: float | None = None,
        settings: LexiconSettings = DEFAULT.lexicon,
    ) -> bool:
        """Is the listed word close enough in evidence to the raw reading (its glyphs' caseless
        log-probabilities, (n, 36), less `raw_cost` nats) to replace it: does it lose at most `max_loss`
        nats (default settings.max_loss)?"""
        s = settings
        if match is None:
            return False
        raw_score = float(raw_logp.max(axis=1).sum()) + s.letter_bonus * len(raw_logp) - raw_cost
        loss = s.max_loss if max_loss is None else max_loss
        return match.score + s.prior_weight * self.log_prior(match.word) >= raw_score - loss


def lexicon_from(choice: Lexicon | str | Path | None) -> Lexicon | None:
    """What `read --lexicon` takes: "shipped" (the default English list), "none" or None (no word list),
    the path of a word list, or a Lexicon."""
    if choice is None or isinstance(choice, Lexicon):
        return choice
    if str(choice).lower() == "none":
        return None
    if str(choice) == "shipped":
        return Lexicon.shipped()
    return Lexicon.load(choice)


def cache_dir(subfolder: str = "") -> Path:
    """Where hcr-ocr keeps what it computes once (compiled word lists, training glyphs): $HCR_OCR_CACHE
    when set, else `subfolder` of the platform's user cache folder for hcr-ocr."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV]).expanduser()
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("hcr-ocr")) / subfolder


def _write_quietly(path: Path, data: bytes) -> None:
    """Write a cache file atomically; a cache that cannot be written (read-only home) is no error."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        tmp.write_bytes(data)
        tmp.replace(path)
    except OSError:
        pass


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


@cache
def _shipped() -> Lexicon:
    return Lexicon.load(SHIPPED)


def best_reading(edges: list[Edge], n_nodes: int, *, settings: LexiconSettings = DEFAULT.lexicon) -> str:
    """The likeliest letters along the likeliest path through the lattice, with no word list."""
    best: list[tuple[float, str]] = [(0.0, "")] + [(-np.inf, "")] * (n_nodes - 1)
    for e in sorted(edges, key=lambda e: e.start):
        score, text = best[e.start]
        score += float(e.logp.max(axis=1).sum()) + settings.letter_bonus * len(e.logp)
        if score > best[e.end][0]:
            best[e.end] = (score, text + "".join(SYMBOLS[int(i)] for i in e.logp.argmax(axis=1)))
    return best[-1][1]


def _path_lengths(edges: list[Edge], n_nodes: int) -> tuple[int, int]:
    """The fewest and the most letters a path through the lattice reads."""
    fewest, most = [0] + [10**6] * (n_nodes - 1), [0] + [-1] * (n_nodes - 1)
    for e in sorted(edges, key=lambda e: e.start):
        fewest[e.end] = min(fewest[e.end], fewest[e.start] + len(e.logp))
        most[e.end] = max(most[e.end], most[e.start] + len(e.logp))
    return fewest[-1], most[-1]


def _score_words(words: list[str], edges: list[Edge], n_nodes: int, letter_bonus: float) -> list[Match]:
    """Best path through the lattice for each word (all of one length), vectorised over the words and
    over where in the word an edge's letters fall."""
    length = len(words[0])
    letters = np.array([[SYMBOLS.index(c) for c in w] for w in words])  # (m, L)
    m = len(words)
    # score[node, j]: best log-probability of reading the word's first j letters up to `node`, and back:
    # the edge it came by
    score = np.full((n_nodes, length + 1, m), -np.inf)
    back = np.full((n_nodes, length + 1, m), -1)
    score[0, 0] = 0.0
    for ei, e in sorted(enumerate(edges), key=lambda item: item[1].start):
        k = len(e.logp)
        starts = length - k + 1  # the letters j the edge may begin at
        if starts <= 0:
            continue
        gain = sum(e.logp[t][letters[:, t : t + starts]].T for t in range(k)) + letter_bonus * k
        total = score[e.start, :starts] + gain
        reached = score[e.end, k : k + starts]
        better = total > reached
        score[e.end, k : k + starts] = np.where(better, total, reached)
        back[e.end, k : k + starts] = np.where(better, ei, back[e.end, k : k + starts])
    final = score[n_nodes - 1, length]
    out = []
    for wi, word in enumerate(words):
        if not np.isfinite(final[wi]):
            continue
        path, node, j = [], n_nodes - 1, length
        while node > 0:
            e = edges[int(back[node, j, wi])]
            path.append(e)
            node, j = e.start, j - len(e.logp)
        out.append(Match(word, float(final[wi]), path[::-1]))
    return out
