"""Stage 12, words read whole: a second reader, which sees a word's ink at once rather than glyph by glyph,
checks each word against its listed neighbours.

    from hcr_ocr.reading.word_reader import WordReader, ctc_log_likelihoods, word_input
    reader = WordReader("models/words.onnx")
    logp = reader.log_probs(word_input(mask))          # (frames, 37): blank, 0-9, a-z
    ctc_log_likelihoods(logp, ["discover", "drover"])  # CTC log-likelihood of each reading

The glyph reader cuts a word into letters before it reads them, so letters that a thick pen has run
together, or a hairline pen has broken, are misread however well each piece is classified. The word
reader (a small convolutional and recurrent network trained with CTC on words set from EMNIST's training
glyphs, thickened, thinned, blurred and specked: `hcr-ocr train-words`) needs no cut. It does not read
alone: it chooses between the glyph reader's word and the listed words near it (and near the glyph reader's
raw reading and its own), by its likelihood plus a weight times the word's log frequency, and the glyph
reader's word keeps a bonus (WordReaderSettings). The new letters' boxes share out the word's box where
the network saw them, and their case is read from the ink there (`WordInk`): a letter whose small form
rises only to the x-height (a, c, e, g, m, p, ...) is a capital where its ink rises to the capital line; what the ink
cannot tell follows the glyph reader's word. A lone letter that is no word ('n', not 'a'), nearer its
neighbour than a space, is read with it where the word reader prefers a listed word for their ink seen as
one (`joined_reading`: a lead-in or a last stroke broken off, 'n weds' for 'needs').
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import pairwise
from pathlib import Path

import cv2
import numpy as np
import onnxruntime

from hcr_ocr.errors import CheckpointError
from hcr_ocr.page import Char, Word, union_bbox
from hcr_ocr.reading.decoding import LineMetrics, starts_low
from hcr_ocr.reading.lexicon import Lexicon
from hcr_ocr.reading.recognition import onnx_metadata, onnx_session
from hcr_ocr.reading.settings import DEFAULT, DecodingSettings, WordReaderSettings

WORD_HEIGHT = 32  # the network's input height: a word's ink box, padded, scaled to it
WORD_MAX_WIDTH = 256  # ... and its widest input (a longer word is squeezed to it)
WORD_PAD = 0.08  # padding around the ink box, as a fraction of its height
INK_MARGIN = 2  # px of paper kept about a word's ink before `word_input`, as the training images keep
WORD_SYMBOLS = "0123456789abcdefghijklmnopqrstuvwxyz"  # after the CTC blank, class 0
FRAME_PIXELS = 4  # input columns per output frame
SIZED_BY_HEIGHT = set("acegmnopqrsuvwxyz")  # letters whose small form rises only to the x-height (a
# descender hangs below), its capital to the capital line: the top of their ink tells their case


def _pad_of(height: int) -> int:
    """Pixels of padding `word_input` puts about a mask this high."""
    return max(1, int(WORD_PAD * height))


def word_input(mask: np.ndarray) -> np.ndarray:
    """A word's ink mask (non-zero = ink, cropped near its ink) → float32 (WORD_HEIGHT, width) in [0, 1]."""
    crop = (np.asarray(mask) > 0).astype(np.float32)
    if not crop.any():
        return np.zeros((WORD_HEIGHT, 2 * FRAME_PIXELS), np.float32)
    crop = np.pad(crop, _pad_of(crop.shape[0]))
    width = round(crop.shape[1] * WORD_HEIGHT / crop.shape[0])
    width = min(WORD_MAX_WIDTH, max(2 * FRAME_PIXELS, width))
    return cv2.resize(crop, (width, WORD_HEIGHT), interpolation=cv2.INTER_AREA)


def word_mask(glyph_masks: Sequence[tuple[tuple[int, int, int, int], np.ndarray]]) -> np.ndarray:
    """One mask of a word's glyphs ((box, mask) pairs, boxes x0, y0, x1, y1): their union's box with
    INK_MARGIN px of paper about it, the margin the training images have (without it, every word looked
    larger than the ones the network learnt from)."""
    x0 = min(b[0] for b, _ in glyph_masks)
    y0 = min(b[1] for b, _ in glyph_masks)
    x1 = max(b[2] for b, _ in glyph_masks)
    y1 = max(b[3] for b, _ in glyph_masks)
    out = np.zeros((y1 - y0 + 2 * INK_MARGIN, x1 - x0 + 2 * INK_MARGIN), np.uint8)
    x0, y0 = x0 - INK_MARGIN, y0 - INK_MARGIN
    for (gx, gy, _, _), m in glyph_masks:
        region = out[gy - y0 : gy - y0 + m.shape[0], gx - x0 : gx - x0 + m.shape[1]]
        np.maximum(region, (m[: region.shape[0], : region.shape[1]] > 0).astype(np.uint8), out=region)
    return out


def _extended(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Each text's CTC label sequence with blanks between and around, padded with blanks: (n, 2L+1), and
    whether a state may be reached by skipping the blank before it."""
    longest = max(len(t) for t in texts)
    ext = np.zeros((len(texts), 2 * longest + 1), np.int64)
    for i, t in enumerate(texts):
        ext[i, 1 : 2 * len(t) : 2] = [WORD_SYMBOLS.index(c) + 1 for c in t]
    skip = np.zeros_like(ext, bool)
    skip[:, 2:] = (ext[:, 2:] != 0) & (ext[:, 2:] != ext[:, :-2])
    return ext, skip


def ctc_log_likelihoods(logp: np.ndarray, texts: Sequence[str]) -> np.ndarray:
    """log P(text | frames) for each text (characters of WORD_SYMBOLS, non-empty), by the CTC forward pass
    over `logp` (frames, 1 + len(WORD_SYMBOLS)) log-probabilities."""
    ext, skip = _extended(texts)
    rows = np.arange(len(texts))[:, None]
    alpha = np.full(ext.shape, -np.inf)
    alpha[:, :2] = logp[0, ext[:, :2]]
    for t in range(1, len(logp)):
        one = np.concatenate([np.full((len(texts), 1), -np.inf), alpha[:, :-1]], axis=1)
        two = np.concatenate([np.full((len(texts), 2), -np.inf), alpha[:, :-2]], axis=1)
        two = np.where(skip, two, -np.inf)
        alpha = np.logaddexp(np.logaddexp(alpha, one), two) + logp[t][ext]
    ends = np.array([2 * len(t) for t in texts])[:, None]
    return np.logaddexp(alpha[rows, ends], alpha[rows, ends - 1])[:, 0]


def ctc_spans(logp: np.ndarray, text: str) -> list[tuple[int, int]]:
    """The frames (first, last) where each character of `text` stands on the likeliest CTC path."""
    ext, skip = _extended([text])
    ext, skip = ext[0], skip[0]
    n = len(ext)
    score = np.full(n, -np.inf)
    score[:2] = logp[0, ext[:2]]
    back = np.zeros((len(logp), n), np.int64)
    states = np.arange(n)
    for t in range(1, len(logp)):
        stay, one = score, np.concatenate([[-np.inf], score[:-1]])
        two = np.where(skip, np.concatenate([[-np.inf, -np.inf], score[:-2]]), -np.inf)
        choices = np.stack([stay, one, two])
        step = choices.argmax(axis=0)
        back[t] = states - step
        score = choices.max(axis=0) + logp[t, ext]
    state = n - 1 if score[n - 1] >= score[n - 2] else n - 2
    frames: dict[int, list[int]] = {}
    for t in range(len(logp) - 1, -1, -1):
        if state % 2 == 1:
            frames.setdefault(state // 2, []).append(t)
        state = back[t, state]
    return [(min(frames[i]), max(frames[i])) for i in range(len(text))]


class WordReader:
    """The word reader loaded from an hcr-ocr ONNX export (`hcr-ocr train-words`)."""

    def __init__(self, path: str | Path, threads: int = 0):
        self.path = Path(path)
        if not self.path.is_file():
            raise CheckpointError(f"model file not found: {self.path}")
        self.threads = threads

    @cached_property
    def session(self) -> onnxruntime.InferenceSession:
        session = onnx_session(self.path, self.threads)
        if onnx_metadata(session, self.path).get("symbols") != WORD_SYMBOLS:
            raise CheckpointError(f"{self.path} is not a word reader (its symbols differ)")
        return session

    def log_probs(self, image: np.ndarray) -> np.ndarray:
        """One word image (word_input) → (frames, 1 + len(WORD_SYMBOLS)) log-probabilities."""
        out = self.session.run(None, {"image": image[None, None].astype(np.float32)})[0]
        return out[:, 0].astype(np.float64)


def greedy_text(logp: np.ndarray) -> str:
    """The likeliest symbol of each frame, repeats merged and blanks dropped."""
    best = logp.argmax(axis=1)
    keep = (best != 0) & np.concatenate([[True], best[1:] != best[:-1]])
    return "".join(WORD_SYMBOLS[i - 1] for i in best[keep])


def in_capitals(word: str) -> bool:
    """Is the word written in capitals (two letters or more, all capitals)?"""
    letters = [c for c in word if c.isalpha()]
    return len(letters) > 1 and all(c.isupper() for c in letters)


def in_case_of(text: str, like: str) -> str:
    """`text` written in the case of `like`: capitals, a capital first, or small letters."""
    if in_capitals(like):
        return text.upper()
    if like[:1].isupper():
        return text[:1].upper() + text[1:]
    return text


def case_to_follow(words: list[Word], i: int, min_others: int) -> str:
    """A word in the case a reread word follows where its ink does not tell: one of its line's, where the
    glyph reader read a capital in it and the line's other words of two letters or more, `min_others` at
    least, are all in capitals; else the word itself as the glyph reader read it."""
    own = words[i].text
    others = [w.text for j, w in enumerate(words) if j != i and sum(c.isalpha() for c in w.text) > 1]
    in_line_of_capitals = len(others) >= min_others and all(map(in_capitals, others))
    return others[0] if in_line_of_capitals and not own.islower() else own


def checkable(word: Word) -> bool:
    """Does the word read as letters and digits only (the word reader's symbols), one to a character?"""
    text = word.text.lower()
    return bool(text) and len(text) == len(word.chars) and all(c in WORD_SYMBOLS for c in text)


def candidates(
    word: Word, greedy: str, lexicon: Lexicon, settings: WordReaderSettings = DEFAULT.word_reader
) -> list[str]:
    """The readings the word reader weighs (caseless): the glyph reader's word, the listed words near it,
    near its raw reading and near the word reader's own reading `greedy`, and that where it is a number."""
    s = settings
    current = word.text.lower()
    queries = {current, (word.raw or word.text).lower(), greedy} - {""}
    near = {w for q in queries for w in lexicon.neighbours(q, s.length_slack, s.candidates)}
    texts = near | {current} | ({greedy} if greedy.isdigit() else set())
    return sorted(t for t in texts if t and all(c in WORD_SYMBOLS for c in t))


def lone_letter(word: Word, lexicon: Lexicon) -> bool:
    """Is the word one letter that is no listed word (not 'a' or 'I')?"""
    return len(word.chars) == 1 and word.text.isalpha() and word.text.lower() not in lexicon


def joined_reading(
    parts: Sequence[Word],
    logp: np.ndarray,
    lexicon: Lexicon,
    settings: WordReaderSettings = DEFAULT.word_reader,
) -> tuple[Word, str] | None:
    """Words side by side seen as one (their ink's `logp`): the glyph reader's letters of them as one word,
    and the listed word of letters that the word reader prefers to them, as `choose` weighs it, where the
    glyph reader's reading is as many words as `parts` (a log frequency each); where those letters are a
    listed word themselves, that word if it is so much commoner than the parts together that it beats them
    by `keep_bonus`; else None."""
    chars = [c for w in parts for c in w.chars]
    raw = "".join(w.raw or w.text for w in parts)
    word = Word(chars, union_bbox([c.bbox for c in chars]), raw=raw)
    apart, greedy, s = [w.text.lower() for w in parts], greedy_text(logp), settings
    current = word.text.lower()
    if current in lexicon:  # the letters make a word as read: one word or two, by their frequencies alone
        one, two = _log_prior(current, lexicon, s), sum(_log_prior(p, lexicon, s) for p in apart)
        joined = _near(greedy, current, s.max_edit_share) and s.prior_weight * (one - two) > s.keep_bonus
        return (word, current) if joined and current.isalpha() else None
    text = _preferred(word, logp, greedy, lexicon, s, apart)
    if text is None or not text.isalpha() or text not in lexicon or text in apart:
        return None  # one part as it was read, the other's ink left unread: no join
    return word, text
    return text if text is not None and text.isalpha() and text in lexicon else None


def glyph_cost(word: Word, text: str, settings: WordReaderSettings = DEFAULT.word_reader) -> float:
    """What reading the word as `text` (caseless) costs the glyph reader, in nats: for each of its letters
    that `text` changes or drops, the log-odds of its confidence against the rest where it is surer than
    not (an unsure letter changed costs nothing: its class was no more likely than another; one dropped
    costs at least `dropped_letter_cost`: its ink is there), and a fixed cost for each letter `text`
    adds."""
    from rapidfuzz.distance import Levenshtein  # imported here: most pages need no word changed

    s = settings
    sure = np.clip([c.confidence for c in word.chars], s.min_confidence, 1.0 - s.min_confidence)
    cost = 0.0
    for op in Levenshtein.editops(word.text.lower(), text):
        if op.tag == "insert":
            cost += s.added_letter_cost
        else:
            least = s.dropped_letter_cost if op.tag == "delete" else 0.0
            cost += max(least, float(np.log(sure[op.src_pos] / (1.0 - sure[op.src_pos]))))
    return cost


def choose(
    word: Word, logp: np.ndarray, lexicon: Lexicon, settings: WordReaderSettings = DEFAULT.word_reader
) -> str | None:
    """The listed word (or number) that the word reader prefers to the glyph reader's word, all told, or
    None: its log-likelihood, plus `prior_weight` times its log frequency, less what it costs the glyph
    reader (`glyph_cost`) must beat the glyph reader's word's by more than its bonus (`_keep_bonus`); and
    the word reader must read it itself, near enough (`max_edit_share`): where its own reading is far from
    every candidate, the ink is not of a kind it knows (a script font, a drawing)."""
    current, greedy = word.text.lower(), greedy_text(logp)
    if greedy == current or current.isdigit() and greedy.isdigit():
        return None  # both readers read it so; or a number: the glyph reader reads single digits better
    return _preferred(word, logp, greedy, lexicon, settings)


def _log_prior(text: str, lexicon: Lexicon, s: WordReaderSettings) -> float:
    """A reading's log frequency: a number's is the commonest word's, an unlisted word's the rarest's."""
    if text.isdigit():
        return 0.0
    return lexicon.log_prior(text) if text in lexicon else s.unlisted_log_prior


def _preferred(
    word: Word,
    logp: np.ndarray,
    greedy: str,
    lexicon: Lexicon,
    s: WordReaderSettings,
    parts: Sequence[str] = (),
) -> str | None:
    """`choose`'s weighing, once the word reader's own reading `greedy` is known. `parts`: the words the
    glyph reader read the word's letters as, each with its own log frequency (default: the word)."""
    current = word.text.lower()
    texts = candidates(word, greedy, lexicon, s)
    likelihood = dict(zip(texts, ctc_log_likelihoods(logp, texts), strict=True))

    def score(text: str) -> float:
        if text == current:
            prior = sum(_log_prior(p, lexicon, s) for p in parts or [text])
        else:
            prior = _log_prior(text, lexicon, s)
        glyphs = 0.0 if text == current else s.glyph_weight * glyph_cost(word, text, s)
        return likelihood[text] + s.prior_weight * prior - glyphs

    others = [t for t in texts if t != current and _near(greedy, t, s.max_edit_share)]
    if not others:
        return None
    best = max(others, key=score)
    if score(best) <= score(current) + _keep_bonus(current, greedy, best, lexicon, s):
        return None
    return best


def _keep_bonus(current: str, greedy: str, best: str, lexicon: Lexicon, s: WordReaderSettings) -> float:
    """Nats the glyph reader's word `current` is given against the listed word `best`: `keep_bonus`, or
    `read_listed_keep_bonus` where the glyph reader's word is no listed word and the word reader reads
    `best` itself (two readers, one of them reading a word); less what it loses for its spelling."""
    read_listed = greedy == best and best in lexicon and current not in lexicon
    bonus = s.read_listed_keep_bonus if read_listed else s.keep_bonus
    return bonus - _unlike(current, best, lexicon, s)


def _unlike(current: str, listed: str, lexicon: Lexicon, s: WordReaderSettings) -> float:
    """Nats the glyph reader's word `current` loses of its keep_bonus (and more) for being spelled less
    like the list's words than the `listed` word that would replace it (letter trigram surprisal, see
    spelling), beyond `spelling_free` nats: a string of letters misread ('conqmerce') is spelled unlike any
    word; a listed word or a number loses nothing."""
    if current in lexicon or not current.isalpha() or listed not in lexicon:
        return 0.0
    return s.spelling_weight * lexicon.spelling.unlike_beyond(current, listed, s.spelling_free)


def _near(reading: str, text: str, share: float) -> bool:
    """Is `text` within `share` of its length (rounded down, at least one) edits of the word reader's own
    reading?"""
    from rapidfuzz.distance import Levenshtein

    edits = max(1, int(share * len(text)))
    return Levenshtein.distance(reading, text, score_cutoff=edits) <= edits


@dataclass
class WordInk:
    """A word's glyph masks ((box, mask) pairs, boxes x0, y0, x1, y1) and its line's metrics: where the
    letters the word reader saw stand, and whether each rises to the capital line."""

    glyphs: Sequence[tuple[tuple[int, int, int, int], np.ndarray]]
    metrics: LineMetrics

    @cached_property
    def box(self) -> tuple[int, int, int, int]:
        return (
            min(b[0] for b, _ in self.glyphs),
            min(b[1] for b, _ in self.glyphs),
            max(b[2] for b, _ in self.glyphs),
            max(b[3] for b, _ in self.glyphs),
        )

    def columns(self, spans: list[tuple[int, int]], frames: int) -> list[tuple[int, int]]:
        """Each letter's columns (left, right) from where the word reader saw it, its span of frames
        (first, last): the frames cover the word's mask (word_mask) and the padding word_input puts about
        it, evenly; the middle of a letter's span falls near its left edge (the network names a letter as
        its view reaches it), so each letter runs from there to the next one's."""
        x0, y0, x1, y1 = self.box
        pad = INK_MARGIN + _pad_of(y1 - y0 + 2 * INK_MARGIN)
        start, step = x0 - pad, (x1 - x0 + 2 * pad) / frames
        middles = [start + (first + last + 1) / 2 * step for first, last in spans]
        cuts = [x0] + [min(x1 - 1, max(x0, round(m))) for m in middles[1:]] + [x1]
        return [(left, max(left + 1, right)) for left, right in pairwise(cuts)]

    def low(
        self, columns: list[tuple[int, int]], core: float, settings: DecodingSettings
    ) -> list[bool | None]:
        """For each letter's columns: does its ink's top (the highest in the middle `core` share of them,
        clear of its neighbours) stand at the x-height line rather than the capital line? None where
        that share has no ink, and for all where the line shows no x-height to judge by."""
        if not self.metrics.x_height:
            return [None] * len(columns)
        x0, y0, x1, y1 = self.box
        mask = word_mask(self.glyphs)[INK_MARGIN:-INK_MARGIN, INK_MARGIN:-INK_MARGIN] > 0
        inked = mask.any(axis=0)
        tops = np.where(inked, mask.argmax(axis=0), y1 - y0) + y0
        out: list[bool | None] = []
        for left, right in columns:
            trim = (right - left) * (1 - core) / 2
            a, b = round(left + trim) - x0, max(round(left + trim) + 1, round(right - trim)) - x0
            if not inked[a:b].any():
                out.append(None)
            else:
                top = int(tops[a:b].min())
                out.append(starts_low((left, top, right, y1), self.metrics, settings=settings))
        return out


def case_from_ink(text: str, like: str, low: list[bool | None]) -> str:
    """`text` (caseless) in the case its ink shows: in capitals where more of its later letters sized by
    height rise to the capital line than stand at the x-height (two at least, or the glyph reader's word
    `like` in capitals too); where more stand low, in small letters after the first, which is a capital if
    it is sized by height and rises, else in the case of `like`'s first; else in the case of `like`."""
    later = [lo for ch, lo in zip(text[1:], low[1:], strict=True) if ch in SIZED_BY_HEIGHT and lo is not None]
    high, small = sum(not lo for lo in later), sum(bool(lo) for lo in later)
    if high > small and (high >= 2 or in_capitals(like)):
        return text.upper()
    if small > high:
        capital = not low[0] if text[0] in SIZED_BY_HEIGHT and low[0] is not None else like[:1].isupper()
        return (text[0].upper() if capital else text[0]) + text[1:]
    return in_case_of(text, like)


def reread(
    word: Word,
    text: str,
    logp: np.ndarray,
    ink: WordInk | None = None,
    case_core: float = DEFAULT.word_reader.case_core,
    settings: DecodingSettings = DEFAULT.decoding,
    like: str | None = None,
) -> Word:
    """`word` read as `text` (caseless, from `choose`): its box shared out among the new letters where the
    word reader saw them, each letter's case read from its ink there (`case_from_ink`; without `ink`, the
    case of `word`). Each letter's confidence is the word reader's probability of the whole reading per
    letter (its geometric mean): a word it reads surely is sure, and junk that it reads as some listed word
    stays as unsure as it was (the junk-line rules judge by confidence). `like`: the case to follow where
    the ink does not tell (default: `word`'s)."""
    like = like or word.text
    x0, y0, x1, y1 = word.bbox
    frames = len(logp)
    spans = ctc_spans(logp, text)
    sure = min(1.0, float(np.exp(ctc_log_likelihoods(logp, [text])[0] / len(text))))
    if ink is None:
        text = in_case_of(text, like)
        columns = [(x0 + (x1 - x0) * a // frames, x0 + (x1 - x0) * (b + 1) // frames) for a, b in spans]
    else:
        columns = ink.columns(spans, frames)
        text = case_from_ink(text, like, ink.low(columns, case_core, settings))
    chars = [
        Char(ch, (left, y0, max(left + 1, right), y1), sure)
        for ch, (left, right) in zip(text, columns, strict=True)
    ]
    return Word(chars, word.bbox, from_lexicon=True, raw=word.raw or word.text)
