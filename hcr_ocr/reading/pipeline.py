"""The page reader: image → lines → words → glyphs → tensors → labels → text, without torch.

    import hcr_ocr
    page = hcr_ocr.read("note.png")            # or a numpy array, or bytes
    print(page.text)

Each stage lives in its own module (see hcr_ocr.reading); this one runs them in order, in three steps:
`segment_page` (binarise, deskew, find lines, leave out form clean-up, split words, group glyphs, leave
out stops fainter than their word's ink), `classify_page` (every glyph of the page, the cuts offered for
glyphs that may hold two letters and the joins offered for letters that may be broken in two, in one batch)
and `transcribe_page` (each word read glyph by glyph, then, where it is not already a surely read listed
word, cut finer where letters may touch, the pieces classified in a second batch, and searched against the
word list). Stage decisions are logged at debug level on the `hcr_ocr.reading` loggers (`hcr-ocr read -v`
shows them).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

import cv2
import numpy as np

from hcr_ocr.page import Line, Page, Word, union_bbox
from hcr_ocr.reading.binarization import binarize
from hcr_ocr.reading.decoding import LineMetrics, line_metrics, with_page_x_height
from hcr_ocr.reading.denoise import dark_on_light, denoise, sharpen
from hcr_ocr.reading.deskew import Levelling, estimate_skew, estimate_slant
from hcr_ocr.reading.forms import drop_cut_off, drop_edge_remnants, drop_frame_lines, drop_printed_labels
from hcr_ocr.reading.glyphs import (
    FinerInk,
    Glyph,
    drop_faint_marks,
    drop_leading_stops,
    find_glyphs,
    join_candidates,
    oversegment,
    split_candidates,
)
from hcr_ocr.reading.lexicon import Lexicon, Match, lexicon_from
from hcr_ocr.reading.lines import (
    Blob,
    TextLine,
    edge_blobs,
    find_blobs,
    find_lines,
    labels_touching,
    split_at_necks,
    x_overlap,
)
from hcr_ocr.reading.loading import MAX_PIXELS, load_image
from hcr_ocr.reading.orientation import (
    Reading,
    doubtful,
    glyph_votes,
    reads_better,
    turn_back,
    turned,
    voted_turn,
)
from hcr_ocr.reading.recognition import GlyphClassifier, OnnxClassifier
from hcr_ocr.reading.regions import find_blocks
from hcr_ocr.reading.scale import finer_scale, resize_by, working_scale
from hcr_ocr.reading.settings import DEFAULT, Settings, TranscriptionSettings
from hcr_ocr.reading.sheet import paint_out_desk
from hcr_ocr.reading.stats import median
from hcr_ocr.reading.transcription import (
    Cuts,
    Evidence,
    SearchQuery,
    WordContext,
    as_listed,
    best_listed,
    choose_splits,
    in_listed_language,
    listed_letter_share,
    raw_word,
    running_text_loss,
    split_at_listed_gap,
    take_joins,
    without_stray_stop,
)
from hcr_ocr.reading.word_reader import (
    WordInk,
    WordReader,
    case_to_follow,
    checkable,
    choose,
    joined_reading,
    lone_letter,
    reread,
    word_input,
    word_mask,
)
from hcr_ocr.reading.words import split_page_words

log = logging.getLogger(__name__)
_classifiers: dict[str, GlyphClassifier] = {}


def get_classifier(model: str | Path | None = None, threads: int = 0) -> GlyphClassifier:
    """The classifier for `model`, loaded once per process. By default the shipped 47-class model, with
    the shipped small-glyph and second models and the word reader beside it where they are. `threads`:
    onnxruntime's per model (0: as many as cores); the first load of a model sets it for the process."""
    small = second = words = None
    if model is None:
        from hcr_ocr.reading.shipped import (
            shipped_model,
            shipped_second_model,
            shipped_small_model,
            shipped_word_reader,
        )

        model, small, second = shipped_model("emnist", ".onnx"), shipped_small_model(), shipped_second_model()
        words = shipped_word_reader()
    key = f"{Path(model).resolve()}|{small}|{second}|{words}"
    if key not in _classifiers:
        _classifiers[key] = GlyphClassifier(
            OnnxClassifier(model, threads=threads),
            *(OnnxClassifier(p, threads=threads) if p else None for p in (small, second)),
            words=WordReader(words, threads=threads) if words else None,
        )
    return _classifiers[key]


class ToPage:
    """Maps boxes in the levelled working image back to the page as loaded: the rotation and shear undone,
    then the working scale (`factor` working pixels per page pixel)."""

    def __init__(
        self,
        shape: tuple[int, int],
        levelling: Levelling,
        factor: float = 1.0,
        page_shape: tuple[int, int] | None = None,
    ):
        h, w = page_shape or shape
        self.width, self.height = w, h
        self.factor = factor
        self.inverse = None
        if levelling:
            self.inverse = cv2.invertAffineTransform(levelling.matrix(shape)[0])

    def __call__(self, box: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
        x0, y0, x1, y1 = box
        if self.inverse is not None:
            corners = np.array([[x0, y0, 1], [x1, y0, 1], [x0, y1, 1], [x1, y1, 1]], dtype=np.float64)
            pts = corners @ self.inverse.T
            x0, y0 = np.floor(pts.min(0)).astype(int)
            x1, y1 = np.ceil(pts.max(0)).astype(int)
        if self.factor != 1.0:
            x0, y0 = int(np.floor(x0 / self.factor)), int(np.floor(y0 / self.factor))
            x1, y1 = int(np.ceil(x1 / self.factor)), int(np.ceil(y1 / self.factor))
        return (int(max(0, x0)), int(max(0, y0)), int(min(self.width, x1)), int(min(self.height, y1)))


# ---- segment: image → lines → words → glyphs ---------------------------------------------------------------


@dataclass
class LineLayout:
    """One text line as segmented: its words, each a list of glyphs, and whether its writing is small."""

    text_line: TextLine
    words: list[list[Glyph]]
    small: bool


@dataclass
class PageLayout:
    """The page segmented, in the levelled image's coordinates."""

    lines: list[LineLayout]
    levelling: Levelling
    to_page: ToPage
    letter_width: float  # median width of the page's letter glyphs
    finer: FinerInk | None = None  # tiny writing: the page's ink enlarged, to classify its glyphs from

    def words(self) -> list[list[Glyph]]:
        return [w for line in self.lines for w in line.words]


def _edge_labels(
    ink: np.ndarray, levelling: Levelling, blobs: list[Blob], labels: np.ndarray
) -> tuple[set, set]:
    """Labels of the blobs that touch the top or bottom, and the left or right edge of the page."""
    if levelling:  # the edges moved: find what touched them before the page was turned
        top_bottom, sides = (labels_touching(labels, levelling.apply(m)) for m in edge_blobs(ink))
        return top_bottom, sides
    height, width = labels.shape
    top_bottom = {b.label for b in blobs if b.y0 == 0 or b.y1 == height}
    sides = {b.label for b in blobs if b.x0 == 0 or b.x1 == width}
    return top_bottom, sides


def find_text_lines(
    ink: np.ndarray, levelling: Levelling, settings: Settings = DEFAULT
) -> tuple[list[TextLine], np.ndarray]:
    """The page's text lines (form clean-up done) and the label image of the levelled ink."""
    levelled = levelling.apply(ink)
    blobs, labels = find_blobs(levelled)
    blobs, labels = split_at_necks(
        levelled, blobs, labels, settings=settings.lines, binarization=settings.binarization
    )
    top_bottom, sides = _edge_labels(ink, levelling, blobs, labels)
    kept = drop_edge_remnants(blobs, top_bottom, settings=settings.forms, line_settings=settings.lines)
    kept = drop_cut_off(kept, sides, settings=settings.forms, line_settings=settings.lines)
    kept = drop_frame_lines(kept, labels.shape[0], settings=settings.forms)
    if len(kept) < len(blobs):
        log.debug("left out %d blob(s) cut off at the edges or framing the field", len(blobs) - len(kept))
    text_lines = []
    blocks = find_blocks(kept, settings)
    for index, block in enumerate(blocks):
        for tl in find_lines(block, labels.shape, top_bottom, settings=settings.lines):
            tl.block = index
            text_lines.append(tl)
    if len(blocks) > 1:
        log.debug("%d text blocks (columns or paragraphs)", len(blocks))
    printed = len(text_lines)
    text_lines = drop_printed_labels(text_lines, labels, settings=settings)
    log.debug(
        "%d text line(s); %d dropped as printed form labels", len(text_lines), printed - len(text_lines)
    )
    return text_lines, labels


def _stood_upright(
    ink: np.ndarray, text_lines: list[TextLine], labels: np.ndarray, level: Levelling, settings: Settings
) -> tuple[list[TextLine], np.ndarray, Levelling]:
    """The text lines found again on the page sheared upright where its letters lean into each other (their
    blobs overlap in x by `slant_min_overlap` letter heights or more), its writing leans, and upright they
    overlap at most `slant_max_overlap` as much; else as they were. A shear keeps each line's rows."""
    s = settings.deskew
    leaning = x_overlap(text_lines, s.slant_shared_rows)
    if not leaning or leaning < s.slant_min_overlap * median([tl.body_height for tl in text_lines]):
        return text_lines, labels, level
    bands = [(tl.top, tl.bottom) for tl in text_lines]
    # the label image is non-zero exactly where the levelled ink is
    upright = Levelling(level.angle, estimate_slant(labels, bands, settings=s))
    if not upright.slant:
        return text_lines, labels, level
    upright_lines, upright_labels = find_text_lines(ink, upright, settings)
    if x_overlap(upright_lines, s.slant_shared_rows) > s.slant_max_overlap * leaning:
        return text_lines, labels, level
    return upright_lines, upright_labels, upright


def segment_page(gray: np.ndarray, settings: Settings = DEFAULT) -> PageLayout | None:
    """Lines → words → glyphs of a grayscale page; None when the page holds no ink. Boxes map back to
    `gray` (through the working scale, see hcr_ocr.reading.scale)."""
    page_shape = gray.shape
    gray = dark_on_light(gray, settings=settings.denoise)
    gray = paint_out_desk(gray, settings=settings.sheet)
    gray, factor = working_scale(gray, settings)
    cleaned = denoise(gray, settings=settings.denoise)
    gray = sharpen(gray, settings) if cleaned is gray else cleaned  # no noise: sharpen a blurred page
    ink = binarize(gray, settings=settings.binarization)
    if ink is None:
        log.debug("no ink: a blank page")
        return None
    levelling = Levelling(estimate_skew(ink, settings=settings.deskew))
    text_lines, labels = find_text_lines(ink, levelling, settings)
    text_lines, labels, levelling = _stood_upright(ink, text_lines, labels, levelling, settings)
    lines = []
    for tl, line_words in zip(text_lines, split_page_words(text_lines, settings=settings.words), strict=True):
        words = [
            drop_leading_stops(find_glyphs(blobs, labels, tl, settings=settings.glyphs))
            for blobs in line_words
        ]
        small = tl.body_height < settings.recognition.small_writing
        lines.append(LineLayout(tl, [w for w in words if w], small))
    if any(g.punct for line in lines for w in line.words for g in w):
        upright = levelling.apply(gray, fill=255)  # the grey levels where the glyphs are
        for line in lines:
            line.words = [drop_faint_marks(w, upright, settings=settings.glyphs) for w in line.words]
    for i, line in enumerate(lines):
        log.debug(
            "line %d: %d word(s), letters %.0f px tall%s",
            i + 1,
            len(line.words),
            line.text_line.body_height,
            " (small writing)" if line.small else "",
        )
    log.debug(
        "page %dx%d, skew %.2f degrees, slant %.2f",
        gray.shape[1],
        gray.shape[0],
        levelling.angle,
        levelling.slant,
    )
    letters = [g for line in lines for w in line.words for g in w if not g.punct]
    letter_width = median([g.w for g in letters]) if letters else 0.0
    to_page = ToPage(gray.shape, levelling, factor, page_shape)
    return PageLayout(lines, levelling, to_page, letter_width, _finer_ink(gray, ink, levelling, settings))


def _finer_ink(
    gray: np.ndarray, ink: np.ndarray, levelling: Levelling, settings: Settings
) -> FinerInk | None:
    """Tiny writing's ink found again on the page enlarged (cubic), levelled as the page was; else None."""
    factor = finer_scale(ink, settings)
    if factor == 1.0:
        return None
    ink = binarize(resize_by(gray, factor, cv2.INTER_CUBIC), settings=settings.binarization)
    return None if ink is None else FinerInk(levelling.apply(ink), factor, settings.glyphs.finer_min_share)


# ---- classify: glyphs → probabilities ----------------------------------------------------------------------


@dataclass
class Candidates:
    """Other ways to read the page's glyphs: per word, pairs that may be one broken letter (joined, keyed by
    the first one's index), and per glyph, the ways to cut it into letters."""

    joins: list[dict[int, Glyph]]  # one per word, in PageLayout.words() order
    splits: dict[Glyph, list[list[Glyph]]] = field(default_factory=dict)


def classify_page(layout: PageLayout, evidence: Evidence) -> Candidates:
    """Propose joins and cuts, and classify every glyph and candidate in one batch, each by the model for
    the size of its line's writing."""
    settings = evidence.settings.glyphs
    words = layout.words()
    candidates = Candidates([join_candidates(w, layout.letter_width, settings=settings) for w in words])
    small_of = {g: line.small for line in layout.lines for w in line.words for g in w}
    letters = [g for w in words for g in w if not g.punct]
    for w, joined in zip(words, candidates.joins, strict=True):
        letters += joined.values()
        small_of.update((join, small_of[w[i]]) for i, join in joined.items())
    to_classify, small = [], []
    for g in letters:
        candidates.splits[g] = split_candidates(g, layout.letter_width, settings=settings)
        pieces = [g] + [p for option in candidates.splits[g] for p in option]
        to_classify += pieces
        small += [small_of[g]] * len(pieces)
    evidence.classify(to_classify, small)
    return candidates


# ---- transcribe: probabilities → words → lines -------------------------------------------------------------


@dataclass
class PendingSearch:
    """A word whose reading the word list may improve, and where its result goes."""

    line_words: list[Word]
    index: int
    glyphs: list[Glyph]
    query: SearchQuery
    context: WordContext
    small: bool


@dataclass
class MeasuredLine:
    """A line's words with their broken letters joined, the glyphs chosen to read (wide ones split), and
    its metrics."""

    words: list[list[Glyph]]
    chosen: list[list[Glyph]]
    metrics: LineMetrics


def _measure_line(
    line: LineLayout, joins: list[dict[int, Glyph]], candidates: Candidates, evidence: Evidence
) -> MeasuredLine:
    """One line's glyphs as they will be read, and its metrics measured on them."""
    words = [take_joins(w, j, evidence, candidates.splits) for w, j in zip(line.words, joins, strict=True)]
    chosen = [choose_splits(w, candidates.splits, evidence) for w in words]
    letters = [g for w in chosen for g in w if not g.punct]
    tl = line.text_line
    labels, boxes = [evidence.top_class(g) for g in letters], [g.bbox for g in letters]
    metrics = line_metrics(labels, boxes, tl.body_height, tl.baseline, settings=evidence.settings.decoding)
    return MeasuredLine(words, chosen, metrics)


def _read_line(
    line: LineLayout,
    measured: MeasuredLine,
    layout: PageLayout,
    evidence: Evidence,
    lexicon: Lexicon | None,
) -> tuple[list[Word], list[PendingSearch]]:
    """One line's words read glyph by glyph, and the words to search in the word list."""
    width = min(layout.letter_width, line.text_line.body_height)
    read, pending = [], []
    for wi, (glyphs, raw_glyphs) in enumerate(zip(measured.words, measured.chosen, strict=True)):
        context = WordContext(measured.metrics, wi == 0, width)
        word, query = raw_word(glyphs, raw_glyphs, evidence, context, lexicon)
        read.append(word)
        if query is not None:
            pending.append(PendingSearch(read, wi, glyphs, query, context, line.small))
    return read, pending


def search_word_list(
    lines: list[list[Word]],
    pending: list[PendingSearch],
    candidates: Candidates,
    evidence: Evidence,
    lexicon: Lexicon,
) -> None:
    """Replace each pending word by the listed word its glyphs support, where there is one: first where the
    list's word loses at most `max_loss` against the glyph-by-glyph reading; then, on a page of running
    text in the list's language (as read so far), where it loses at most `running_text_loss`. Glyphs are
    cut finer for the search from `oversegment` letters wide, and in the longer words of running text from
    `oversegment_running_text`: a page that is running text only once the list has mended its words is
    searched again so, as strictly as the first time."""
    settings = evidence.settings
    cuts: dict[Glyph, Cuts] = {}  # kept for the second search, which cuts only the glyphs not yet cut
    running_text = in_listed_language(lines, lexicon, settings.lexicon)
    matches = _listed_matches(pending, running_text, cuts, candidates, evidence, lexicon)
    left = [(p, m) for p, m in zip(pending, matches, strict=True) if not _mended(p, m, lexicon, evidence)]
    if not left or not in_listed_language(lines, lexicon, settings.lexicon):
        return
    if not running_text:
        again = [p for p, _ in left if _cut_finer(p, settings.transcription)]
        matches = _listed_matches(again, True, cuts, candidates, evidence, lexicon)
        mended = {id(p) for p, m in zip(again, matches, strict=True) if _mended(p, m, lexicon, evidence)}
        left = [(p, m) for p, m in left if id(p) not in mended]
    for p, match in left:
        _mended(p, match, lexicon, evidence, running_text_loss(p.query, match, lexicon, settings.lexicon))


def _cut_finer(p: PendingSearch, s: TranscriptionSettings) -> bool:
    """Are the word's glyphs cut finer on running text than elsewhere: is the word long enough (a short word
    has many listed neighbours a letter longer), and is the running-text width the finer one?"""
    return len(p.query.raw) >= s.running_text_min_letters and s.oversegment_running_text < s.oversegment


def _listed_matches(
    pending: list[PendingSearch],
    running_text: bool,
    cuts: dict[Glyph, Cuts],
    candidates: Candidates,
    evidence: Evidence,
    lexicon: Lexicon,
) -> list[Match | None]:
    """Cut the pending words' glyphs finer where they are wide (see `search_word_list`; a glyph already in
    `cuts` with pieces keeps them, the rest are added), classify the new pieces in one batch (without the
    zoomed views: they are many), and find each word's best listed word."""
    settings = evidence.settings
    s = settings.transcription
    runs, small = [], []
    for p in pending:
        wide = s.oversegment_running_text if running_text and _cut_finer(p, s) else s.oversegment
        for g in p.glyphs:
            if g.punct or (g in cuts and cuts[g][1]):
                continue
            cuts[g] = oversegment(g, p.context.letter_width, wide, settings=settings.glyphs)
            runs += cuts[g][1].values()
            small += [p.small] * len(cuts[g][1])
    evidence.classify(runs, small, views=False)
    page_of_text = running_text or evidence.budget.shows_writing
    return [
        best_listed(p.query, p.glyphs, candidates.splits, cuts, evidence, lexicon, p.context, page_of_text)
        for p in pending
    ]


def _mended(
    p: PendingSearch, match: Match | None, lexicon: Lexicon, evidence: Evidence, max_loss: float | None = None
) -> bool:
    """Replace the pending word by the listed word `match` if the word list accepts it (losing at most
    `max_loss` nats, default the settings' max_loss); whether it did."""
    s = evidence.settings.lexicon
    if not lexicon.accepts(match, p.query.raw_logp, p.query.raw_cost, max_loss=max_loss, settings=s):
        return False
    p.line_words[p.index] = as_listed(p.line_words[p.index], p.query, match, p.glyphs, evidence, p.context)
    return True


def transcribe_page(
    layout: PageLayout, candidates: Candidates, evidence: Evidence, lexicon: Lexicon | None
) -> list[list[Word]]:
    """The words of each line, read glyph by glyph and then, where it helps, from the word list and the
    word reader. Every line is measured first: a line that shows no x-height of its own takes the page's."""
    joins = iter(candidates.joins)
    measured = [
        _measure_line(line, [next(joins) for _ in line.words], candidates, evidence) for line in layout.lines
    ]
    metrics = with_page_x_height([m.metrics for m in measured], settings=evidence.settings.decoding)
    lines, pending = [], []
    for line, measured_line, of_line in zip(layout.lines, measured, metrics, strict=True):
        measured_line.metrics = of_line  # a line that shows no x-height of its own has the page's
        words, to_search = _read_line(line, measured_line, layout, evidence, lexicon)
        lines.append(words)
        pending += to_search
    if pending and lexicon is not None:
        searched = pending[: evidence.budget.searches(len(pending))]
        search_word_list(lines, searched, candidates, evidence, lexicon)
    if lexicon is not None and evidence.classifier.words is not None:
        read_words_whole(lines, metrics, layout, evidence, lexicon)
    if lexicon is not None:
        lines = [
            [
                part
                for w in words
                for part in split_at_listed_gap(
                    without_stray_stop(w, lexicon, evidence.settings),
                    line.text_line.body_height,
                    lexicon,
                    evidence.settings,
                )
            ]
            for words, line in zip(lines, layout.lines, strict=True)
        ]
    return lines


def read_words_whole(
    lines: list[list[Word]],
    metrics: list[LineMetrics],
    layout: PageLayout,
    evidence: Evidence,
    lexicon: Lexicon,
) -> None:
    """Let the word reader check each word of letters and digits against its listed neighbours and read
    it otherwise where it prefers another (see hcr_ocr.reading.word_reader): on a page of text (words in
    the list's language, `text_min_words` of them at least, or a page that shows writing in quantity),
    where the list is the language, not on a name or a field, whose words it should not be; at most
    `max_words` words."""
    s = evidence.settings.word_reader
    if not s.enabled or not (
        evidence.budget.shows_writing
        or in_listed_language(lines, lexicon, evidence.settings.lexicon, min_words=s.text_min_words)
    ):
        return
    reader = evidence.classifier.words
    finer = evidence.finer  # tiny writing: its words are read from the enlarged ink, as its glyphs are

    def log_probs(glyphs: list[Glyph]) -> np.ndarray:
        placed = [finer.placed_mask_of(g) if finer else (g.bbox, g.mask) for g in glyphs]
        return reader.log_probs(word_input(word_mask(placed)))

    if s.join_lone_letters:
        space = median([_gap(a, b) for line in layout.lines for a, b in pairwise(line.words)] or [0.0])
        tries = s.max_words
        for words, measured, line in zip(lines, metrics, layout.lines, strict=True):
            tries -= _join_lone_letters(
                words, line, measured, log_probs, lexicon, evidence, s.join_max_gap * space, tries
            )
    places = [
        (words, measured, i, glyphs)
        for words, measured, line in zip(lines, metrics, layout.lines, strict=True)
        for i, glyphs in enumerate(line.words)
        if checkable(words[i])
    ]
    for words, measured, i, glyphs in places[: s.max_words]:
        logp = log_probs(glyphs)
        text = choose(words[i], logp, lexicon, s)
        if text is not None:
            log.debug("word reader: %r read as %r", words[i].text, text)
            ink = WordInk([(g.bbox, g.mask) for g in glyphs], measured)
            like = case_to_follow(words, i, s.capitals_line_min_words)
            words[i] = reread(words[i], text, logp, ink, s.case_core, evidence.settings.decoding, like)


def _join_lone_letters(
    words: list[Word],
    line: LineLayout,
    measured: LineMetrics,
    log_probs: Callable[[list[Glyph]], np.ndarray],
    lexicon: Lexicon,
    evidence: Evidence,
    max_gap: float,
    tries: int,
) -> int:
    """A lone letter that is no word, and the word of letters beside it, less than `max_gap` px apart, read
    as one where the word reader reads their ink as one listed word (`joined_reading`): a stroke broken off
    a word's first or last letter leaves a gap wider than a letter's, narrower than a space ('n weds' for
    'needs', 'instan t'). In place, in `words` and in the line's glyph groups alike; at most `tries` pairs
    read. Returns how many were."""
    i = tried = 0
    while i < len(words) - 1 and tried < tries:
        pair = words[i : i + 2]
        lone = [lone_letter(w, lexicon) for w in pair]
        near = _gap(line.words[i], line.words[i + 1]) < max_gap
        if (
            near
            and any(lone)
            and all(lo or (w.text.isalpha() and checkable(w)) for lo, w in zip(lone, pair, strict=True))
        ):
            glyphs = line.words[i] + line.words[i + 1]
            logp = log_probs(glyphs)
            tried += 1
            s = evidence.settings
            joined = joined_reading(pair, logp, lexicon, s.word_reader)
            if joined is not None:
                both, text = joined
                log.debug("word reader: %r and %r read as one word, %r", pair[0].text, pair[1].text, text)
                ink = WordInk([(g.bbox, g.mask) for g in glyphs], measured)
                like = pair[1].text if lone[0] else pair[0].text  # the case of the word, not of the letter
                words[i : i + 2] = [reread(both, text, logp, ink, s.word_reader.case_core, s.decoding, like)]
                line.words[i : i + 2] = [glyphs]
        i += 1
    return tried


def _gap(left: list[Glyph], right: list[Glyph]) -> float:
    """Pixels of paper between two words' glyphs."""
    return min(g.bbox[0] for g in right) - max(g.bbox[2] for g in left)


def _on_page(words: list[Word], to_page: ToPage, block: int = 0) -> Line | None:
    """A line of words with its boxes mapped back to the page as loaded (None for no words)."""
    for word in words:
        for ch in word.chars:
            ch.bbox = to_page(ch.bbox)
        word.bbox = union_bbox([c.bbox for c in word.chars])
    return Line(words, union_bbox([w.bbox for w in words]), block=block) if words else None


def _baseline(line: Line, text_line: TextLine, to_page: ToPage) -> list[tuple[int, int]]:
    """The line's baseline (the median bottom of its letters, level in the deskewed image) as two points on
    the page as loaded, at the ends of the line's writing."""
    y = int(round(text_line.baseline))
    ends = (to_page((x, y, x, y))[:2] for x in (text_line.x0, text_line.x1))
    return [(int(x), int(y)) for x, y in ends]


def _tiny(line: Line, s: TranscriptionSettings) -> bool:
    """Are the line's characters too small to be letters anyone could read (a speck of grain)?"""
    tallest = max((c.bbox[3] - c.bbox[1] for w in line.words for c in w.chars), default=0)
    return tallest < s.junk_mark_min_height


def _scattered(line: Line, s: TranscriptionSettings) -> bool:
    """Are the line's characters specks strewn across the page rather than letters: on average more than
    `junk_max_spacing` of their own heights apart?"""
    boxes = [c.bbox for w in line.words for c in w.chars]
    if len(boxes) < max(2, s.junk_min_scattered):
        return False
    letters = [c.bbox for w in line.words for c in w.chars if c.text.isalnum()] or boxes  # stops aside
    height = max(float(np.median([b[3] - b[1] for b in letters])), 1.0)
    centres = sorted((b[0] + b[2]) / 2 for b in boxes)
    return (centres[-1] - centres[0]) / (len(boxes) - 1) > s.junk_max_spacing * height


def _junk_reason(line: Line, s: TranscriptionSettings, no_writing: bool, lexicon: Lexicon | None) -> str:
    """Why a line is no writing ('' when it is writing): read with hardly any confidence (the edge of the
    paper, a smudge); a mark or two read with little, or too small to read; specks strewn far apart, read
    with less than a good confidence. On a page that shows no writing (see PageBudget): read with less
    than a modest confidence, or with less than a good one and at most half its letters in listed words of
    three letters or more (`listed_letter_share`: noise read as 'RNN Hz NIZI NMIZ', 'IAN ALIENIST ABA
    ANIMA'; a line with no word of two letters or more, digits or single marks, is judged by its
    confidence alone)."""
    chars = [c.confidence for w in line.words for c in w.chars]
    mean = float(np.mean(chars)) if chars else 0.0
    unsure = mean < s.junk_page_sure_line
    if mean < s.junk_line_confidence:
        return f"mean confidence {mean:.2f}"
    if len(chars) <= s.junk_mark_chars and (mean < s.junk_mark_confidence or _tiny(line, s)):
        return f"a mark or two, mean confidence {mean:.2f}"
    if unsure and _scattered(line, s):
        return "specks strewn far apart"
    if no_writing and mean < s.junk_page_line_confidence:
        return f"mean confidence {mean:.2f} on a page that shows no writing"
    if no_writing and unsure and lexicon is not None:
        share = listed_letter_share(line.words, lexicon, s.junk_page_listed_min_length)
        if share is not None and share <= s.junk_page_min_listed:
            return f"{share:.0%} of its letters in listed words on a page that shows no writing"
    return ""


def _read_as_given(
    gray: np.ndarray, label: str, classifier: GlyphClassifier, lexicon: Lexicon | None, settings: Settings
) -> Reading:
    """Read the page the way it is turned: segment, classify, transcribe, leave out lines of no writing."""
    evidence = Evidence(classifier, settings)
    page = Page(file=label, width=gray.shape[1], height=gray.shape[0], image=gray)
    reading = Reading(page)
    layout = segment_page(gray, settings)
    if layout is None:
        return reading
    page.skew_degrees = layout.levelling.angle
    evidence.finer = layout.finer
    candidates = classify_page(layout, evidence)
    for line in layout.lines:
        letters = [g for w in line.words for g in w if not g.punct]
        reading.letters += letters
        reading.small += [line.small] * len(letters)
    reading.finer = layout.finer
    lines = transcribe_page(layout, candidates, evidence, lexicon)
    no_writing = evidence.budget.shows_no_writing  # decided by the page's first look
    for layout_line, words in zip(layout.lines, lines, strict=True):
        line = _on_page(words, layout.to_page, layout_line.text_line.block)
        if line is None:
            continue
        reading.confidences += [c.confidence for w in words for c in w.chars]
        junk = _junk_reason(line, settings.transcription, no_writing, lexicon)
        if junk:
            log.debug("left out %r: no writing (%s)", line.text, junk)
        else:
            line.baseline = _baseline(line, layout_line.text_line, layout.to_page)
            page.lines.append(line)
    return reading


def read(
    source: str | Path | bytes | np.ndarray,
    model: str | Path | None = None,
    max_pixels: int = MAX_PIXELS,
    name: str | None = None,
    lexicon: Lexicon | str | Path | None = "shipped",
    settings: Settings = DEFAULT,
) -> Page:
    """Read the handwriting on one image. A blank page gives a Page with no lines. `lexicon`: the shipped
    English word list, a Lexicon, the path of a word list, or None ("none") to read glyph by glyph.
    `settings`: the stages' tunable numbers (see hcr_ocr.reading.settings). A page read doubtfully is read
    again turned where its glyphs vote for a turn (see hcr_ocr.reading.orientation)."""
    start = time.perf_counter()
    classifier = get_classifier(model)
    lexicon = lexicon_from(lexicon)
    gray = load_image(source, max_pixels)
    label = name or (str(source) if isinstance(source, str | Path) else "<image>")
    reading = _read_as_given(gray, label, classifier, lexicon, settings)
    page = reading.page
    if doubtful(reading, settings.orientation):
        k = voted_turn(glyph_votes(reading, classifier, settings), settings.orientation)
        other = _read_as_given(turned(gray, k), label, classifier, lexicon, settings) if k else None
        if other is not None and reads_better(reading, other, settings.orientation):
            log.debug("the page reads better turned %d degrees anticlockwise", 90 * k)
            page = turn_back(other.page, k, gray)
    page.seconds = time.perf_counter() - start
    log.debug("%s: %d line(s) in %.3f s", label, len(page.lines), page.seconds)
    return page
