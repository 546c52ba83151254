"""Stage 10, transcribe: glyphs and what the classifier said of them → words of characters.

    from hcr_ocr.reading.transcription import Evidence, take_joins, choose_splits, raw_word, best_listed
    evidence = Evidence(classifier, settings)
    evidence.classify(glyphs, small)                 # one batch: probabilities of every glyph and piece
    glyphs = take_joins(glyphs, joined, evidence, options)
    glyphs = choose_splits(glyphs, options, evidence)
    word, search = raw_word(glyphs, chosen, evidence, context, lexicon)
    match = best_listed(search, glyphs, options, cuts, evidence, lexicon, context)  # then as_listed(...)

A word is first read glyph by glyph: a letter broken in two is read joined, and a glyph wide enough to hold
two letters read cut, where the classifier is surer of that reading; each letter is then decoded (case,
digits or letters, see decoding). Where a word list is given and the word is neither a number (mostly
digits) nor a surely read listed word with no glyph wide enough to hide two letters, its glyphs are cut
finer where letters may touch and the listed word that the pieces support nearly as well as the
glyph-by-glyph reading replaces it (see lexicon); in both readings a glyph read as one letter costs what it
is wider than two letters (`width_cost`), so that letters run together are read as the longer word. On a
page of running text in the list's language (most of its words listed ones, before the search or after
it), the glyphs of words of four letters or more are cut finer (from one letter wide) and a listed word may
lose more against a reading the classifier is itself unsure of, or that is spelled unlike the list's words.
Last, a word that is no listed word is split at a gap wide for its letters where each side is a listed
word or a number: a narrow word space ("PAGEONE"; "pageaz", page 42).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from itertools import pairwise, product

import numpy as np

from hcr_ocr.page import Char, Word, union_bbox
from hcr_ocr.reading.decoding import (
    DIGIT_FOR_LETTER,
    MERGED,
    LineMetrics,
    certainty,
    decode_word,
    one_case,
    tells_case,
)
from hcr_ocr.reading.glyphs import FinerInk, Glyph
from hcr_ocr.reading.lexicon import SYMBOLS, Edge, Lexicon, Match, caseless, symbol_matrix
from hcr_ocr.reading.recognition import GlyphClassifier
from hcr_ocr.reading.settings import DEFAULT, LexiconSettings, Settings, TranscriptionSettings
from hcr_ocr.reading.stats import median

log = logging.getLogger(__name__)

STOP_MARKS = (".", ",")  # marks a speck or a broken-off stroke end is read as

Cuts = tuple[list[int], dict[tuple[int, int], Glyph]]  # a glyph's fine cut columns and the runs between them


class PageBudget:
    """The extra work a page's reading may take: a page that shows it holds writing (enough of its glyphs
    read surely at the first look) is looked at again and searched in the word list in full; any other
    (noise, a texture, a page of specks) within fixed budgets, so that its reading takes bounded time."""

    def __init__(self, settings: Settings = DEFAULT):
        self.min_sure_share = settings.recognition.writing_min_sure_share
        self.looks_left = settings.recognition.looks_again_per_page
        self.searches_left = settings.transcription.searches_per_page
        self.min_glyphs_to_tell = settings.transcription.junk_page_min_glyphs
        self.writing: bool | None = None  # decided by the page's first look
        self.glyphs = 0  # glyphs, joins and candidate pieces of the first look

    @property
    def shows_no_writing(self) -> bool:
        """Did the first look see enough glyphs to tell, and too few of them read surely for writing?"""
        return self.writing is False and self.glyphs >= self.min_glyphs_to_tell

    @property
    def shows_writing(self) -> bool:
        """Did the first look see enough glyphs to tell, and enough of them read surely for writing (a
        page of it, not a word or two)?"""
        return self.writing is True and self.glyphs >= self.min_glyphs_to_tell

    def looks(self, sure: int, unsure: int) -> int:
        """How many of `unsure` glyphs to look at again, after a first look that read `sure` surely."""
        if self.writing is None:
            self.writing = sure >= self.min_sure_share * (sure + unsure)
            self.glyphs = sure + unsure
            log.debug("%d of %d glyphs read surely at the first look", sure, sure + unsure)
        granted = unsure if self.writing else min(unsure, self.looks_left)
        self.looks_left -= granted
        return granted

    def searches(self, wanted: int) -> int:
        """How many of `wanted` words to search in the word list."""
        granted = wanted if self.writing else min(wanted, self.searches_left)
        self.searches_left -= granted
        return granted


class Evidence:
    """What the classifier said of each glyph and candidate piece: its class probabilities, and the
    log-certainty of its top class."""

    def __init__(self, classifier: GlyphClassifier, settings: Settings = DEFAULT):
        self.classifier = classifier
        self.settings = settings
        self.classes = classifier.classes
        self.probs: dict[Glyph, np.ndarray] = {}
        self.logp: dict[Glyph, float] = {}
        self.budget = PageBudget(settings)
        self.finer: FinerInk | None = None  # tiny writing's glyphs are classified from there

    def classify(self, glyphs: list[Glyph], small: list[bool], views: bool = True) -> None:
        """Classify glyphs in one batch; `small` marks those of small writing."""
        masks = [self.finer.mask_of(g) if self.finer else g.mask for g in glyphs]
        probs = self.classifier.classify(masks, small, views, looks=self.budget.looks, settings=self.settings)
        for g, p in zip(glyphs, probs, strict=True):
            self.probs[g] = p
            self.logp[g] = float(np.log(max(certainty(p, self.classes), 1e-9)))

    def top_class(self, glyph: Glyph) -> str:
        return self.classes[int(np.argmax(self.probs[glyph]))]


def take_joins(
    glyphs: list[Glyph],
    joined: dict[int, Glyph],
    evidence: Evidence,
    options: dict[Glyph, list[list[Glyph]]],
) -> list[Glyph]:
    """The word's glyphs with neighbouring pairs replaced by their join where the classifier is surer of
    the join than of the pieces; each taken join keeps its pieces as an option, for the word list.
    `joined` maps the index of a pair's first glyph to the pair joined. Where proposed pairs overlap
    (0-1 and 1-2), the one the classifier prefers more is taken and the other left."""

    def gain(i: int) -> float:
        pieces = (evidence.logp[glyphs[i]] + evidence.logp[glyphs[i + 1]]) / 2
        return evidence.logp[joined[i]] - pieces

    taken: dict[int, Glyph] = {}
    for i in sorted(joined, key=gain, reverse=True):
        if gain(i) > 0 and i not in taken and i - 1 not in taken and i + 1 not in taken:
            taken[i] = joined[i]
    out = list(glyphs)
    for i in sorted(taken, reverse=True):
        join = taken[i]
        options[join].append([glyphs[i], glyphs[i + 1]])
        out[i : i + 2] = [join]
    if taken:
        log.debug("joined %d broken letter(s) at %s", len(taken), [j.bbox for j in taken.values()])
    return out


def choose_splits(
    glyphs: list[Glyph],
    options: dict[Glyph, list[list[Glyph]]],
    evidence: Evidence,
) -> list[Glyph]:
    """The word's glyphs with a wide glyph replaced by its pieces where the classifier is surer of the
    pieces (mean log-certainty) than of the whole, by a margin."""
    out = []
    for g in glyphs:
        best, best_score = [g], evidence.logp.get(g, 0.0)
        for pieces in options.get(g, []):
            score = float(np.mean([evidence.logp[p] for p in pieces]))
            if score > best_score + evidence.settings.transcription.split_margin:
                best, best_score = pieces, score
        if len(best) > 1:
            log.debug("split the glyph at %s into %d letters", g.bbox, len(best))
        out.extend(best)
    return out


@dataclass
class WordContext:
    """Where a word stands: its line's metrics, whether it opens the line, and the line's letter width."""

    metrics: LineMetrics
    starts_line: bool
    letter_width: float


def decode_glyphs(
    glyphs: list[Glyph],
    probs: list[np.ndarray],
    classes: str,
    context: WordContext,
    settings: Settings = DEFAULT,
) -> list[Char]:
    """Decode a word's letter glyphs from their probabilities; punctuation glyphs keep their mark."""
    letters = [g for g in glyphs if not g.punct]
    decoded = iter(
        decode_word(
            np.asarray(probs).reshape(len(letters), len(classes)),
            [g.bbox for g in letters],
            classes,
            context.metrics,
            [g.has_dot for g in letters],
            starts_line=context.starts_line,
            settings=settings.decoding,
        )
    )
    chars = []
    for g in glyphs:
        if g.punct:
            chars.append(Char(g.punct, g.bbox, 1.0, [(g.punct, 1.0)]))
        else:
            text, conf, alts = next(decoded)
            chars.append(Char(text, g.bbox, conf, alts))
    return chars


@dataclass
class SearchQuery:
    """A word to look up in the word list: its glyph-by-glyph letters and their caseless log-probabilities."""

    raw: str
    raw_logp: np.ndarray
    raw_cost: float = 0.0  # nats its glyphs cost for being wide (see width_cost)


def raw_word(
    glyphs: list[Glyph],
    chosen: list[Glyph],
    evidence: Evidence,
    context: WordContext,
    lexicon: Lexicon | None,
) -> tuple[Word, SearchQuery | None]:
    """A word read glyph by glyph (`chosen`: its glyphs after joins and splits), and, where the word list
    should be searched for a better reading, what to search for (else None)."""
    settings = evidence.settings
    read_letters = [g for g in chosen if not g.punct]
    raw_probs = [evidence.probs[g] for g in read_letters]
    chars = decode_glyphs(chosen, raw_probs, evidence.classes, context, settings)
    word = Word(chars, union_bbox([c.bbox for c in chars]))
    word.raw = word.text
    raw = "".join(c.text for g, c in zip(chosen, chars, strict=True) if not g.punct)
    letters = [g for g in glyphs if not g.punct]
    one_letter = (
        len(letters) == 1 and letters[0].w < settings.transcription.oversegment * context.letter_width
    )
    number = sum(ch.isdigit() for ch in raw) > settings.transcription.number_min_digits * len(raw)
    if lexicon is None or not raw or one_letter or number:
        return word, None
    raw_logp = caseless(np.array(raw_probs), evidence.classes, settings=settings.lexicon)
    wide = any(g.w >= settings.transcription.oversegment * context.letter_width for g in letters)
    sure = raw_logp.max(axis=1).min() > np.log(settings.transcription.sure_letter)
    if raw.lower() in lexicon and sure and not wide:
        word.from_lexicon = True  # a listed word, every letter sure and none wide: nothing to search for
        return word, None
    unit = width_unit(letters, context, settings.lexicon)
    cost = float(width_cost([g.w for g in read_letters], unit, settings.lexicon).sum())
    return word, SearchQuery(raw, raw_logp, cost)


def width_unit(glyphs: list[Glyph], context: WordContext, settings: LexiconSettings) -> float:
    """The width of one letter for `width_cost`: the line's letter width, or where wider, the word's median
    letter glyph (capitals, wide writing; in words of `wide_letter_median_glyphs` glyphs or more, since one
    or two may be letters run together) or `wide_letter_min_unit` of the line's capital height (letters of
    thin strokes)."""
    letters = [g.w for g in glyphs if not g.punct]
    median_glyph = median(letters) if len(letters) >= settings.wide_letter_median_glyphs else 0.0
    least = settings.wide_letter_min_unit * context.metrics.cap_height
    return max(context.letter_width, median_glyph, least)


def width_cost(widths: list[int], letter_width: float, settings: LexiconSettings) -> np.ndarray:
    """Nats each glyph of these widths costs when read as one letter: nothing up to `wide_letter_free`
    letter widths, then `wide_letter_cost` per letter width beyond."""
    if letter_width <= 0:
        return np.zeros(len(widths))
    beyond = np.asarray(widths, dtype=float) / letter_width - settings.wide_letter_free
    return settings.wide_letter_cost * np.maximum(beyond, 0.0)


def lattice(
    glyphs: list[Glyph],
    options: dict[Glyph, list[list[Glyph]]],
    cuts: dict[Glyph, Cuts],
    evidence: Evidence,
    context: WordContext,
) -> tuple[list[Edge], int]:
    """The ways to read a word's letter glyphs (whole, cut into letters, or cut finer where letters may
    touch) as a lattice: edges between the glyph boundaries and the fine cuts inside glyphs; and the number
    of nodes. A piece read as one letter costs what its width does (`width_cost`)."""
    s = evidence.settings.lexicon
    unit = width_unit(glyphs, context, s)

    def caseless_of(pieces: list[Glyph]) -> np.ndarray:
        probs = np.array([evidence.probs[p] for p in pieces])
        logp = caseless(probs, evidence.classes, settings=s)
        return logp - width_cost([p.w for p in pieces], unit, s)[:, None]

    edges, node = [], 0
    for g in (g for g in glyphs if not g.punct):
        columns, runs = cuts.get(g, ([0, g.w], {}))
        end = node + len(columns) - 1
        edges.append(Edge(node, end, caseless_of([g]), [g]))
        edges.extend(Edge(node, end, caseless_of(pieces), pieces) for pieces in options.get(g, []))
        edges.extend(Edge(node + i, node + j, caseless_of([p]), [p]) for (i, j), p in runs.items())
        node = end
    return edges, node + 1


def _bare(words: list[Word]) -> list[str]:
    """The words' texts in small letters, without the punctuation at their ends."""
    return [w.text.lower().strip(".,;:!?'\"-") for w in words]


def listed_words(words: list[Word], lexicon: Lexicon) -> tuple[int, int]:
    """How many of the words of two letters or more (punctuation aside, no digits) are listed words, and
    how many such words there are."""
    texts = [t for t in _bare(words) if len(t) > 1 and t.isalpha()]
    return sum(t in lexicon for t in texts), len(texts)


def listed_letter_share(words: list[Word], lexicon: Lexicon, min_length: int) -> float | None:
    """The share of the words' letters (punctuation and digits aside) that stand in listed words of
    `min_length` letters or more; None where the line holds no word of two letters or more to judge by.
    Noise read as letters hits short listed words by chance ('AN', 'TO', 'IT'), seldom longer ones."""
    texts = _bare(words)
    if not any(len(t) > 1 and t.isalpha() for t in texts):
        return None
    letters = sum(ch.isalpha() for t in texts for ch in t)
    listed = sum(len(t) for t in texts if len(t) >= min_length and t.isalpha() and t in lexicon)
    return listed / letters


def in_listed_language(
    lines: list[list[Word]], lexicon: Lexicon, settings: LexiconSettings, min_words: int | None = None
) -> bool:
    """Is the page running text in the word list's language: enough words of two letters or more
    (`min_words`, by default text_min_words), and enough of them listed words? A lone name or a field is
    not."""
    listed, words = listed_words([w for line in lines for w in line], lexicon)
    log.debug("%d of %d words are listed words", listed, words)
    return words >= (min_words or settings.text_min_words) and listed >= settings.text_min_listed * words


def running_text_loss(
    query: SearchQuery, match: Match | None, lexicon: Lexicon, settings: LexiconSettings
) -> float:
    """On running text in the list's language, the nats the listed word `match` may lose against the
    reading: more than max_loss by as much as the reading is itself unsure of its letters, up to
    text_max_loss, or for a long reading text_loss_per_letter nats a letter read (so far a word the
    classifier is sure of gets no more than max_loss); and where the reading is all letters and the listed
    word has as many, more by a share of as much as the reading is spelled less like the list's words than
    the listed word is, beyond text_spelling_free nats, however sure the reading (letters misread surely:
    'commcrcc'; a name spelled unlike the list's language, 'wojciech', gets this room too)."""
    unsure = -float(query.raw_logp.max(axis=1).sum())
    most = max(settings.text_max_loss, settings.text_loss_per_letter * len(query.raw_logp))
    loss = settings.max_loss + min(most - settings.max_loss, unsure)
    if match is None or len(match.word) != len(query.raw) or not query.raw.isalpha():
        return loss
    unlike = lexicon.spelling.unlike_beyond(query.raw, match.word, settings.text_spelling_free)
    return loss + settings.text_spelling_weight * unlike


def split_at_listed_gap(
    word: Word, body: float, lexicon: Lexicon, settings: Settings = DEFAULT
) -> list[Word]:
    """A word that is no listed word, split at gaps wide for a letter gap (narrow word spaces, as type and
    tight writing have) into listed words of two letters or more (as read or, from four letters, spelled
    with the classifier's other letters: `as_listed_letters`) and numbers (`as_number`), one listed word
    at least: at its widest such gap, or its two widest, and so on, as few as will do, each part in the case
    its own letters were read in (`_in_own_case`); else the word itself ('PAGEONE'; 'pageaz', 'page 42';
    'Tlcketstraffic', 'Tickets traffic'). Two numbers side by side stay one."""
    s = settings.transcription
    text = word.text
    if word.from_lexicon or len(word.chars) < 4 or not text.isalnum():
        return [word]
    gaps = [b.bbox[0] - a.bbox[2] for a, b in pairwise(word.chars)]
    widest = int(np.argmax(gaps))
    typical = max(float(np.median(gaps[:widest] + gaps[widest + 1 :])), 1.0)
    wide = [
        i
        for i, g in enumerate(gaps)
        if g >= s.listed_split_min_gap * body and g >= s.listed_split_min_ratio * typical
    ]
    if not wide or text.lower() in lexicon:  # looked up last: most words never get here
        return [word]
    wide = sorted(wide, key=lambda i: -gaps[i])[: s.listed_split_max_spaces]
    for n in range(1, len(wide) + 1):  # a space is wider than every letter gap: the n widest gaps
        bounds = [-1, *sorted(wide[:n]), len(gaps)]
        parts = [word.chars[a + 1 : b + 1] for a, b in pairwise(bounds)]
        words = [_listed_or_number(p, lexicon, word.text, s) for p in parts]
        if all(words) and any(w.from_lexicon for w in words):
            log.debug("word list: %r split at its %d widest gap(s)", text, n)
            share = settings.decoding.sure_case_share
            return [_in_own_case(w, share) for w in _numbers_joined(words)]
    return [word]


def _in_own_case(word: Word, sure_share: float) -> Word:
    """A word split from a run of words, in the case its own letters were read in rather than the run's
    ('ARTIST' of '4690ARTISTworkshop', 'Transmission' of 'MEASURETransmission'): each letter whose two forms
    are classes of their own (T, t) and whose class holds `sure_share` of their two probabilities takes
    that case, and its later letters take the case most of them were read in (`one_case`); where none of
    the later letters tells, they keep the run's."""
    texts = [c.text for c in word.chars]
    votes = [0] * len(texts)
    for i, c in enumerate(word.chars):
        upper = _told_case(c, sure_share)
        if upper is not None:
            texts[i], votes[i] = (texts[i].upper() if upper else texts[i].lower()), 1
    if any(votes[1:]):
        texts = one_case(texts, votes)
    else:
        texts[1:] = [c.text for c in word.chars[1:]]
    if texts == [c.text for c in word.chars]:
        return word
    chars = [Char(t, c.bbox, c.confidence, c.alternatives) for t, c in zip(texts, word.chars, strict=True)]
    return Word(chars, word.bbox, word.from_lexicon, word.raw)


def _told_case(char: Char, sure_share: float) -> bool | None:
    """Is the letter a capital (True), small (False), by its class: where its two forms are classes of their
    own and the classifier gave `sure_share` of their probability to one; None where it does not tell."""
    letter = char.text
    if not letter.isalpha() or letter.upper() in MERGED:
        return None
    probs = dict(char.alternatives)
    upper, lower = probs.get(letter.upper(), 0.0), probs.get(letter.lower(), 0.0)
    if upper + lower <= 0:
        return None
    if tells_case(upper, lower, sure_share):
        return True
    return False if tells_case(lower, upper, sure_share) else None


def without_stray_stop(word: Word, lexicon: Lexicon, settings: Settings = DEFAULT) -> Word:
    """A word with one stop inside it, between letters, and `stray_stop_min_after` letters or more after it
    (not an abbreviation: 'U.S.A.', 'e.g.'), whose letters without it are a listed word: the word without
    the stop, a speck or a stroke's broken-off end ('C.HINA', 'n.eeds'); else the word itself."""
    texts = [c.text for c in word.chars]
    marks = [i for i, t in enumerate(texts) if not t.isalnum()]
    if len(marks) != 1 or texts[marks[0]] not in STOP_MARKS:
        return word
    k = marks[0]
    letters = "".join(texts[:k] + texts[k + 1 :])
    after = len(texts) - k - 1
    if k == 0 or after < settings.transcription.stray_stop_min_after or not letters.isalpha():
        return word
    if letters.lower() not in lexicon:
        return word
    log.debug("word list: %r read without its stop", word.text)
    chars = word.chars[:k] + word.chars[k + 1 :]
    return Word(chars, union_bbox([c.bbox for c in chars]), from_lexicon=True, raw=word.raw)


def _numbers_joined(words: list[Word]) -> list[Word]:
    """Numbers side by side made one: nothing tells a space between them from the wide gaps around a 1."""
    out = words[:1]
    for w in words[1:]:
        if w.text.isdigit() and out[-1].text.isdigit():
            out[-1] = _joined(out[-1], w)
        else:
            out.append(w)
    return out


def _joined(left: Word, right: Word) -> Word:
    """Two words read as one."""
    chars = left.chars + right.chars
    raw = left.raw if left.raw == right.raw else left.raw + right.raw  # pieces of one word share its raw
    return Word(chars, union_bbox([c.bbox for c in chars]), raw=raw)


def _listed_or_number(chars: list[Char], lexicon: Lexicon, raw: str, s: TranscriptionSettings) -> Word | None:
    """The part of a word run together as a listed word of two letters or more, or else as a number; None
    when it is neither."""
    respelled = len(chars) >= s.listed_split_min_respelled  # a short piece only as read
    min_alternative = s.listed_split_min_alternative if respelled else float("inf")
    listed = len(chars) > 1 and as_listed_letters(
        chars, lexicon, min_alternative, s.listed_split_max_spellings
    )
    if listed:
        return Word(listed, union_bbox([c.bbox for c in chars]), from_lexicon=True, raw=raw)
    digits = as_number(chars, s.listed_split_min_digit, s.listed_split_sure_digit)
    return Word(digits, union_bbox([c.bbox for c in digits]), raw=raw) if digits else None


def as_listed_letters(
    chars: list[Char], lexicon: Lexicon, min_alternative: float, max_spellings: int
) -> list[Char] | None:
    """The characters as a listed word: as read, or else spelled with letters the classifier gives their
    glyphs at least `min_alternative` of probability ('Tlckets', its I read l, is 'Tickets'), the likeliest
    such spelling of at most `max_spellings`, each letter in the case it was read in; None where none is
    listed."""
    if "".join(c.text for c in chars).lower() in lexicon:
        return chars
    options = [
        [(c.text, c.confidence)]
        + [(t, p) for t, p in c.alternatives if t.lower() != c.text.lower() and p >= min_alternative]
        for c in chars
    ]
    if np.prod([len(o) for o in options]) > max_spellings:
        return None
    spellings = [(combo, np.prod([p for _, p in combo])) for combo in product(*options)]
    listed = [(combo, p) for combo, p in spellings if "".join(t for t, _ in combo).lower() in lexicon]
    if not listed:
        return None
    best = max(listed, key=lambda cp: cp[1])[0]
    return [
        c if t == c.text else Char(t.upper() if c.text.isupper() else t.lower(), c.bbox, p, c.alternatives)
        for c, (t, p) in zip(chars, best, strict=True)
    ]


def as_number(chars: list[Char], min_digit: float, sure_digit: float) -> list[Char] | None:
    """The characters read as digits, where the classifier gives each glyph at least `min_digit` of
    probability on digits, and one glyph other than a 0 (an o's shape in most hands) at least `sure_digit`:
    each its look-alike (O 0, I l 1, Z 2, S 5, B 8, g q 9, G 6, Y 4) where it has one, else its likeliest
    digit; else None (letters that only look like digits: a name, 'ILY' of ILYAS, is no 114; 'oy' is no
    04). A lone glyph read as a letter is none either ('I', 'a')."""
    if len(chars) == 1 and not chars[0].text.isdigit():
        return None
    out, surest = [], 0.0
    for c in chars:
        digits = [(t, p) for t, p in c.alternatives if t.isdigit()]
        mass = 1.0 if c.text.isdigit() else sum(p for _, p in digits)
        if mass < min_digit or not (digits or c.text.isdigit()):
            return None
        if (c.text if c.text.isdigit() else digits[0][0]) != "0":
            surest = max(surest, mass)
        if c.text.isdigit():
            out.append(c)
            continue
        form = c.text.upper() if c.text.upper() in MERGED else c.text  # the class: l is L, b is b
        text = DIGIT_FOR_LETTER.get(form) or digits[0][0]
        out.append(Char(text, c.bbox, dict(digits).get(text, c.confidence), c.alternatives))
    return out if surest >= sure_digit else None


def best_listed(
    query: SearchQuery,
    glyphs: list[Glyph],
    options: dict[Glyph, list[list[Glyph]]],
    cuts: dict[Glyph, Cuts],
    evidence: Evidence,
    lexicon: Lexicon,
    context: WordContext,
    page_of_text: bool = False,
) -> Match | None:
    """The listed word near the reading that the glyphs (whole, or cut where letters may touch) support
    best, or None; `page_of_text`: see Lexicon.best_match."""
    edges, n_nodes = lattice(glyphs, options, cuts, evidence, context)
    return lexicon.best_match(
        edges, n_nodes, query.raw, page_of_text=page_of_text, settings=evidence.settings.lexicon
    )


def as_listed(
    word: Word,
    query: SearchQuery,
    match: Match,
    glyphs: list[Glyph],
    evidence: Evidence,
    context: WordContext,
) -> Word:
    """`word` read as the listed word `match` (that the word list accepted)."""
    if match.word == query.raw.lower():
        word.from_lexicon = True
        return word
    log.debug("word list: %r read as %r", word.text, match.word)
    pieces = [p for e in match.path for p in e.key]
    letter_of = dict(zip(pieces, match.word, strict=True))
    glyph_order = sorted(pieces + [g for g in glyphs if g.punct], key=lambda g: g.bbox[0])
    chars = _decode_as_letters(glyph_order, letter_of, evidence, context)
    return Word(chars, union_bbox([c.bbox for c in chars]), from_lexicon=True, raw=word.text)


def _decode_as_letters(
    glyphs: list[Glyph], letter_of: dict[Glyph, str], evidence: Evidence, context: WordContext
) -> list[Char]:
    """Decode glyphs each held to its letter of a listed word, so that the case rules choose between the
    letter's forms; confidences are the classifier's for the letter, any case."""
    classes = evidence.classes
    forms = symbol_matrix(classes)  # which classes are forms of each letter
    held = []
    for g in glyphs:
        if not g.punct:
            prob = evidence.probs[g] * forms[:, SYMBOLS.index(letter_of[g])]
            held.append(prob / max(prob.sum(), 1e-9))
    chars = decode_glyphs(glyphs, held, classes, context, evidence.settings)
    for g, ch in zip(glyphs, chars, strict=True):
        if g.punct:
            continue
        letter, prob = letter_of[g], evidence.probs[g]
        ch.text = letter.upper() if ch.text.isupper() else letter
        ch.confidence = float(prob @ forms[:, SYMBOLS.index(letter)])
        order = np.argsort(prob)[::-1][:3]
        ch.alternatives = [(classes[j], float(prob[j])) for j in order]
    return chars
