"""The page reader: image → lines → words → glyphs → tensors → labels → text, without torch.

    import hcr_ocr
    page = hcr_ocr.read("note.png")            # or a numpy array, or bytes
    print(page.text)

Each stage lives in its own module (loading, binarization, deskew, lines, words, glyphs, normalization,
recognition, decoding, lexicon); this one runs them in order. Every glyph of the page, the cuts offered
for glyphs that may hold two letters and the joins offered for letters that may be broken in two are
classified in one batch; each word is decoded glyph by glyph (case, digits or letters); words that are not
already a surely read listed word are then cut finer where letters may touch, the pieces classified in a
second batch, and searched against the word list.
"""

from __future__ import annotations

import time
from pathlib import Path

import cv2
import numpy as np

from hcr_ocr.page import Char, Line, Page, Word, union_bbox
from hcr_ocr.reading.binarization import binarize
from hcr_ocr.reading.decoding import certainty, decode_word, line_metrics
from hcr_ocr.reading.deskew import estimate_skew, rotate, rotation
from hcr_ocr.reading.forms import drop_cut_off, drop_frame_lines, drop_printed_labels
from hcr_ocr.reading.glyphs import (
    Glyph,
    drop_leading_stops,
    find_glyphs,
    join_candidates,
    oversegment,
    split_candidates,
)
from hcr_ocr.reading.lexicon import SYMBOLS, Edge, Lexicon, caseless, lexicon_from, symbol_matrix
from hcr_ocr.reading.lines import edge_blobs, find_blobs, find_lines, labels_touching
from hcr_ocr.reading.loading import MAX_PIXELS, load_image
from hcr_ocr.reading.recognition import SMALL_WRITING, GlyphClassifier, OnnxClassifier
from hcr_ocr.reading.words import split_words

SPLIT_MARGIN = 0.15  # log-probability a split must gain over reading the glyph whole
OVERSEGMENT = 1.3  # glyphs this many letter widths wide are cut finer for the word list (see glyphs)
SURE_LETTER = float(np.log(0.75))  # a listed word read with every letter this sure is not searched further
_classifiers: dict[str, GlyphClassifier] = {}


def get_classifier(model: str | Path | None = None) -> GlyphClassifier:
    """The classifier for `model`, loaded once per process. By default the shipped 47-class model, with
    the shipped small-glyph and second models beside it where they are."""
    small = second = None
    if model is None:
        from hcr_ocr.reading.shipped import shipped_model, shipped_second_model, shipped_small_model

        model, small, second = shipped_model("emnist", ".onnx"), shipped_small_model(), shipped_second_model()
    key = f"{Path(model).resolve()}|{small}|{second}"
    if key not in _classifiers:
        _classifiers[key] = GlyphClassifier(
            OnnxClassifier(model), *(OnnxClassifier(p) if p else None for p in (small, second))
        )
    return _classifiers[key]


class _ToPage:
    """Maps boxes in the deskewed image back to the page as loaded."""

    def __init__(self, shape: tuple[int, int], angle: float):
        h, w = shape
        self.width, self.height = w, h
        self.inverse = None
        if angle:
            self.inverse = cv2.invertAffineTransform(rotation(shape, angle)[0])

    def __call__(self, box: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
        x0, y0, x1, y1 = box
        if self.inverse is not None:
            corners = np.array([[x0, y0, 1], [x1, y0, 1], [x0, y1, 1], [x1, y1, 1]], dtype=np.float64)
            pts = corners @ self.inverse.T
            x0, y0 = np.floor(pts.min(0)).astype(int)
            x1, y1 = np.ceil(pts.max(0)).astype(int)
        return (int(max(0, x0)), int(max(0, y0)), int(min(self.width, x1)), int(min(self.height, y1)))


def _join_broken(
    glyphs: list[Glyph],
    joined: dict[int, Glyph],
    logp: dict[int, float],
    options: dict[int, list[list[Glyph]]],
) -> None:
    """Replace, in place, two neighbouring glyphs by their join where the classifier is surer of the join
    than of the pieces; the pieces stay an option of the joined glyph, for the word list."""
    for i in sorted(joined, reverse=True):
        a, b, join = glyphs[i], glyphs[i + 1], joined[i]
        if logp[id(join)] > (logp[id(a)] + logp[id(b)]) / 2:
            glyphs[i : i + 2] = [join]
            options[id(join)].append([a, b])


def _choose_splits(
    glyphs: list[Glyph], options: list[list[list[Glyph]]], logp: dict[int, float]
) -> list[Glyph]:
    """Replace a wide glyph by its pieces where the classifier is surer of the pieces than of the whole."""
    out = []
    for g, opts in zip(glyphs, options, strict=True):
        best, best_score = [g], logp.get(id(g), 0.0)
        for pieces in opts:
            score = float(np.mean([logp[id(p)] for p in pieces]))
            if score > best_score + SPLIT_MARGIN:
                best, best_score = pieces, score
        out.extend(best)
    return out


def _decode(glyphs, probs, classes, metrics, starts_line) -> list[Char]:
    """Decode a word's letter glyphs from their probabilities; punctuation glyphs keep their mark."""
    letters = [g for g in glyphs if not g.punct]
    decoded = iter(
        decode_word(
            np.asarray(probs).reshape(len(letters), len(classes)),
            [g.bbox for g in letters],
            classes,
            metrics,
            [g.has_dot for g in letters],
            starts_line=starts_line,
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


def _raw_word(
    glyphs, raw_glyphs, prob_of, classes, metrics, starts_line, lexicon, width
) -> tuple[Word, tuple[str, np.ndarray] | None]:
    """A word read glyph by glyph, and, where the word list should be searched for a better reading, its
    letters and their caseless log-probabilities (else None)."""
    raw_probs = [prob_of[id(g)] for g in raw_glyphs if not g.punct]
    chars = _decode(raw_glyphs, raw_probs, classes, metrics, starts_line)
    word = Word(chars, union_bbox([c.bbox for c in chars]))
    word.raw = word.text
    raw = "".join(c.text for g, c in zip(raw_glyphs, chars, strict=True) if not g.punct)
    letters = [g for g in glyphs if not g.punct]
    one_letter = len(letters) == 1 and letters[0].w < OVERSEGMENT * width
    if lexicon is None or one_letter or any(ch.isdigit() for ch in raw):
        return word, None
    raw_logp = caseless(np.array(raw_probs), classes)
    if raw.lower() in lexicon.prior and raw_logp.max(axis=1).min() > SURE_LETTER:
        word.from_lexicon = True  # a listed word, every letter sure: nothing to search for
        return word, None
    return word, (raw, raw_logp)


def _listed_word(
    word, raw, raw_logp, glyphs, options, segments, prob_of, classes, metrics, starts_line, lexicon
):
    """The listed word that the glyphs (whole, or cut where letters may touch) support nearly as well as
    the glyph-by-glyph reading `word` (letters `raw`), or `word` itself."""
    forms = symbol_matrix(classes)  # which classes are forms of each letter

    def caseless_of(pieces: list[Glyph]) -> np.ndarray:
        return caseless(np.array([prob_of[id(p)] for p in pieces]), classes)

    edges, node = [], 0  # nodes: the word's glyph boundaries and the cuts inside over-segmented glyphs
    for g in (g for g in glyphs if not g.punct):
        cuts, runs = segments.get(id(g), ([0, g.w], {}))
        end = node + len(cuts) - 1
        edges.append(Edge(node, end, caseless_of([g]), [g]))
        edges.extend(Edge(node, end, caseless_of(pieces), pieces) for pieces in options.get(id(g), []))
        edges.extend(Edge(node + i, node + j, caseless_of([p]), [p]) for (i, j), p in runs.items())
        node = end
    match = lexicon.best_match(edges, node + 1, raw)
    if not lexicon.accepts(match, raw_logp):
        return word
    if match.word == raw.lower():
        word.from_lexicon = True
        return word
    pieces = [p for e in match.path for p in e.key]
    letter_of = {id(p): c for p, c in zip(pieces, match.word, strict=True)}
    glyph_order = sorted(pieces + [g for g in glyphs if g.punct], key=lambda g: g.bbox[0])
    # decode with each piece held to its letter, so that the case rules choose between its forms
    masked = []
    for p in pieces:
        prob = prob_of[id(p)] * forms[:, SYMBOLS.index(letter_of[id(p)])]
        masked.append(prob / max(prob.sum(), 1e-9))
    chars = _decode(glyph_order, masked, classes, metrics, starts_line)
    for g, ch in zip(glyph_order, chars, strict=True):
        if g.punct:
            continue
        c, prob = letter_of[id(g)], prob_of[id(g)]
        ch.text = c.upper() if ch.text.isupper() else c
        ch.confidence = float(prob @ forms[:, SYMBOLS.index(c)])
        order = np.argsort(prob)[::-1][:3]
        ch.alternatives = [(classes[j], float(prob[j])) for j in order]
    return Word(chars, union_bbox([c.bbox for c in chars]), from_lexicon=True, raw=word.text)


def _to_page_word(word: Word, to_page) -> Word:
    for ch in word.chars:
        ch.bbox = to_page(ch.bbox)
    word.bbox = union_bbox([c.bbox for c in word.chars])
    return word


def read(
    source: str | Path | bytes | np.ndarray,
    model: str | Path | None = None,
    max_pixels: int = MAX_PIXELS,
    name: str | None = None,
    lexicon: Lexicon | str | Path | None = "shipped",
) -> Page:
    """Read the handwriting on one image. A blank page gives a Page with no lines. `lexicon`: the shipped
    English word list, a Lexicon, the path of a word list, or None ("none") to read glyph by glyph."""
    start = time.perf_counter()
    classifier = get_classifier(model)
    lexicon = lexicon_from(lexicon)
    gray = load_image(source, max_pixels)
    label = name or (str(source) if isinstance(source, str | Path) else "<image>")
    page = Page(file=label, width=gray.shape[1], height=gray.shape[0], image=gray)
    ink = binarize(gray)
    if ink is None:
        page.seconds = time.perf_counter() - start
        return page
    angle = estimate_skew(ink)
    page.skew_degrees = angle
    blobs, labels = find_blobs(rotate(ink, angle))
    height, width = labels.shape
    if angle:  # the edges moved: find what touched them before the rotation
        top_bottom, sides = (labels_touching(labels, rotate(m, angle)) for m in edge_blobs(ink))
    else:
        top_bottom = {b.label for b in blobs if b.y0 == 0 or b.y1 == height}
        sides = {b.label for b in blobs if b.x0 == 0 or b.x1 == width}
    to_page = _ToPage(gray.shape, angle)
    blobs = drop_frame_lines(drop_cut_off(blobs, sides), height)
    text_lines = find_lines(blobs, labels.shape, top_bottom)

    # Segment the whole page first, so that every glyph (and every candidate piece) goes in one batch.
    text_lines = drop_printed_labels(text_lines, labels)
    layout = []  # per line: (line, [word glyph lists])
    for tl in text_lines:
        words = [drop_leading_stops(find_glyphs(word_blobs, labels, tl)) for word_blobs in split_words(tl)]
        layout.append((tl, [w for w in words if w]))
    letters = [g for _, words in layout for w in words for g in w if not g.punct]
    letter_width = float(np.median([g.w for g in letters])) if letters else 0.0
    joins = [(w, join_candidates(w, letter_width)) for _, words in layout for w in words]
    letters += [g for _, joined in joins for g in joined.values()]
    options = {id(g): split_candidates(g, letter_width) for g in letters}
    # Each glyph, and every piece cut from it, is read by the model for the size of its line's writing.
    small_writing = {id(g): tl.body_height < SMALL_WRITING for tl, words in layout for w in words for g in w}
    small_writing.update((id(g), small_writing[id(w[i])]) for w, joined in joins for i, g in joined.items())
    to_classify, small = [], []
    for g in letters:
        pieces = [g] + [p for opts in options[id(g)] for p in opts]
        to_classify += pieces
        small += [small_writing[id(g)]] * len(pieces)
    probs = classifier.classify([g.mask for g in to_classify], small)
    prob_of = {id(g): p for g, p in zip(to_classify, probs, strict=True)}
    logp = {k: float(np.log(max(certainty(p, classifier.classes), 1e-9))) for k, p in prob_of.items()}

    for w, joined in joins:
        _join_broken(w, joined, logp, options)
    classes = classifier.classes
    read_lines, to_search = [], []
    for tl, words in layout:
        chosen = [_choose_splits(w, [options.get(id(g), []) for g in w], logp) for w in words]
        labels_on_line = [classes[int(np.argmax(prob_of[id(g)]))] for w in chosen for g in w if not g.punct]
        boxes_on_line = [g.bbox for w in chosen for g in w if not g.punct]
        metrics = line_metrics(labels_on_line, boxes_on_line, tl.body_height, tl.baseline)
        width = min(letter_width, tl.body_height)
        line_words = []
        for wi, (glyphs, raw_glyphs) in enumerate(zip(words, chosen, strict=True)):
            word, raw = _raw_word(glyphs, raw_glyphs, prob_of, classes, metrics, wi == 0, lexicon, width)
            line_words.append(word)
            if raw is not None:
                to_search.append((line_words, wi, glyphs, raw, metrics, width))
        read_lines.append(line_words)

    # The words the list may read better: cut their glyphs finer, classify the pieces in one batch, search.
    segments = {}
    for _, _, glyphs, _, _, width in to_search:
        segments.update((id(g), oversegment(g, width, OVERSEGMENT)) for g in glyphs if not g.punct)
    runs, small = [], []  # many: read without the zoomed views
    for key, (_, found) in segments.items():
        runs += found.values()
        small += [small_writing[key]] * len(found)
    probs = classifier.classify([g.mask for g in runs], small, views=False)
    prob_of.update((id(g), p) for g, p in zip(runs, probs, strict=True))
    for line_words, wi, glyphs, (raw, raw_logp), metrics, _ in to_search:
        line_words[wi] = _listed_word(
            line_words[wi],
            raw,
            raw_logp,
            glyphs,
            options,
            segments,
            prob_of,
            classes,
            metrics,
            wi == 0,
            lexicon,
        )

    for line_words in read_lines:
        out_words = [_to_page_word(w, to_page) for w in line_words]
        if out_words:
            page.lines.append(Line(out_words, union_bbox([w.bbox for w in out_words])))
    page.seconds = time.perf_counter() - start
    return page
