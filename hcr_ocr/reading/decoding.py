"""Stage 9, reassemble: class probabilities of a word's glyphs → its characters, with case and digit/letter
decided from context.

    from hcr_ocr.reading.decoding import LineMetrics, decode_word
    chars = decode_word(probs, glyph_boxes, classes, metrics)     # [(char, confidence, top3), ...]

EMNIST's 47 classes merge the capital and small forms of C I J K L M O P S U V W X Y Z. The case of those is
read from the glyph's height against the line's capital and x-heights (measured on the glyphs whose class
tells their size; a line that shows no x-height of its own takes the page's share of its capital height),
and a word takes the case most of its later letters vote for (a letter whose class tells its case, where
the classifier does not doubt between its two forms, two votes; one sized from the line, one); a word of
small letters opened by an A, E, N or R no taller than they are opens with the small form, and an A, E, N
or R anywhere whose top is at the x-height that other words' small letters show is read small. Look-alikes
(0 O, 1 I l, 2 Z, 5 S, 8 B, 9 g q) follow the rest of the word: digits among digits, letters among letters;
one that stands alone as a word and is hardly ever a word by itself (g q Z S B G) is read as the digit. A
7 narrower than a 7's bar would make it, given a good share of 1, is the 1 of print (its flag read as a bar).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from hcr_ocr.reading.settings import DEFAULT, DecodingSettings
from hcr_ocr.reading.stats import median, percentile

MERGED = set("CIJKLMOPSUVWXYZ")
SHORT_WHEN_SMALL = set("CJMOPSUVWXYZ")  # small forms start at the x-height line (p, y, j hang below)
X_HEIGHT_SMALL = set("aenr")  # small letters with neither ascender nor descender
CAPITALS_OF_X_HEIGHT = set("AENR")  # capitals whose small forms are classes of their own, of x-height
TALL = set("123456789ABDEFGHNQRTbdfhk")  # glyphs as tall as a capital (0 may be a small o)
BARS = set("IL1")  # a bare vertical stroke is one of these, decided by the word around it
DIGIT_FOR_LETTER = {
    "O": "0",
    "I": "1",
    "L": "1",
    "Z": "2",
    "S": "5",
    "B": "8",
    "g": "9",
    "q": "9",
    "G": "6",
    "Y": "4",
}
LETTER_FOR_DIGIT = {"0": "O", "1": "I", "2": "Z", "5": "S", "8": "B", "9": "g", "6": "G"}
LOOKALIKES = set(DIGIT_FOR_LETTER) | set(LETTER_FOR_DIGIT)
# look-alikes of digits that are hardly ever a word on their own: a glyph standing alone as one is the digit
# (a print 9 is read g; "supplied 9 outdoors", "page 5"), where an I, O or L alone may be a word
DIGITS_WHEN_ALONE = set("gqZSBG")


DESCENDERS = set("gjpqyJPY,")  # classes whose glyph may hang below the baseline


@dataclass
class LineMetrics:
    cap_height: float
    x_height: float | None
    baseline: float  # at x = 0
    slope: float = 0.0  # baseline rise per pixel to the right (down is positive)
    small_letters: tuple[tuple[int, int, int, int], ...] = ()  # boxes of the letters read as a, e, n or r
    # that the x-height was measured on

    def baseline_at(self, x: float) -> float:
        return self.baseline + self.slope * x


def line_metrics(
    labels: list[str],
    boxes: list[tuple[int, int, int, int]],
    body: float,
    baseline: float,
    *,
    settings: DecodingSettings = DEFAULT.decoding,
) -> LineMetrics:
    """Capital height, x-height and a straight baseline fitted through the bottoms of the line's glyphs
    that sit on it (letters that hang below are left out)."""
    s = settings
    tall = [b[3] - b[1] for c, b in zip(labels, boxes, strict=True) if c in TALL]
    small_letters = tuple(b for c, b in zip(labels, boxes, strict=True) if c in X_HEIGHT_SMALL)
    short = [b[3] - b[1] for b in small_letters]
    cap = median(tall) if tall else None
    xh = median(short) if short else None
    if cap is None:
        cap = max(body, (xh or 0) * s.cap_per_x_height)
    if xh is not None and xh > s.x_height_max * cap:
        cap = _capital_height_of_small_line(labels, boxes, xh, len(short), len(tall), s) or cap
    if xh is not None and xh > s.x_height_max * cap:
        xh, small_letters = None, ()  # the "small" letters are as tall as the capitals: no usable x-height
    if xh is None:  # no a, e, n or r: the clearly shorter glyphs on the line (c, o, s, u, m, ...), when
        # they are a good share of it (in capitals a few short glyphs are only a shaky hand)
        seated_heights = [b[3] - b[1] for c, b in zip(labels, boxes, strict=True) if c not in DESCENDERS]
        low = [h for h in seated_heights if h < s.low_glyph_max * cap]
        if len(low) >= max(s.low_glyphs_min, s.low_glyphs_min_share * len(seated_heights)):
            xh = median(low)
    seated = [((b[0] + b[2]) / 2, b[3]) for c, b in zip(labels, boxes, strict=True) if c not in DESCENDERS]
    slope, intercept = _fit_baseline(seated, cap, baseline, s)
    return LineMetrics(cap, xh, float(intercept), float(slope), small_letters)


def with_page_x_height(
    metrics: list[LineMetrics], *, settings: DecodingSettings = DEFAULT.decoding
) -> list[LineMetrics]:
    """The lines' metrics, a line that shows no x-height of its own (too few small letters read as such)
    given the page's: the median share of the capital height that the lines showing one measure, where at
    least `page_x_height_min_lines` do. The x-height belongs to the hand, not to the line."""
    shares = [m.x_height / m.cap_height for m in metrics if m.x_height and m.cap_height]
    if len(shares) < settings.page_x_height_min_lines:
        return metrics
    share = median(shares)
    return [m if m.x_height else replace(m, x_height=share * m.cap_height) for m in metrics]


def _capital_height_of_small_line(
    labels: list[str],
    boxes: list[tuple[int, int, int, int]],
    x_height: float,
    n_small: int,
    n_tall: int,
    s: DecodingSettings,
) -> float | None:
    """The capital height of a line whose glyphs read as tall are no taller than its a, e, n and r (small
    letters misread, o as D, r as T): the median height of the seated glyphs that rise well above the
    x-height (ascenders and capitals, whatever they were read as), or, with too few of them, one guessed
    from the x-height when the a, e, n and r far outnumber the tall readings; None when neither tells."""
    risers = [
        b[3] - b[1]
        for c, b in zip(labels, boxes, strict=True)
        if c not in DESCENDERS and b[3] - b[1] >= s.riser_min_x_heights * x_height
    ]
    if len(risers) >= s.risers_min:
        return median(risers)
    if n_small >= max(s.small_line_min_letters, s.small_line_per_tall * n_tall):
        return x_height * s.cap_per_x_height
    return None


def _fit_baseline(
    seated: list[tuple[float, int]], cap: float, baseline: float, s: DecodingSettings
) -> tuple[float, float]:
    """Slope and intercept of a line through the bottoms of the seated glyphs (their x centre, bottom),
    refitted without outliers; flat at `baseline` (or their median bottom) when they are too few, too close
    together or too steep."""
    slope, intercept = 0.0, baseline
    if len(seated) >= s.baseline_min_glyphs:
        xs, ys = np.array(seated).T
        if xs.max() - xs.min() > s.baseline_min_span * cap:
            slope, intercept = np.polyfit(xs, ys, 1)
            resid = np.abs(ys - (slope * xs + intercept))
            keep = resid <= max(s.outlier_min, percentile(resid, s.outlier_percentile) * s.outlier_factor)
            if keep.sum() >= s.baseline_min_glyphs:
                slope, intercept = np.polyfit(xs[keep], ys[keep], 1)
            if abs(slope) > s.max_slope:  # steeper than ~9°: not a baseline
                slope, intercept = 0.0, median(ys)
        else:
            intercept = median(ys)
    return slope, intercept


def starts_low(
    box: tuple[int, int, int, int], m: LineMetrics, *, settings: DecodingSettings = DEFAULT.decoding
) -> bool:
    """Does the glyph start at the x-height line rather than the capital line (judged by its top)?"""
    rise = m.baseline_at((box[0] + box[2]) / 2) - box[1]
    limit = (m.x_height + m.cap_height) / 2 if m.x_height else settings.x_line * m.cap_height
    return rise < limit


def certainty(prob: np.ndarray, classes: str) -> float:
    """The classifier's certainty of its top class, counting its digit or letter look-alike with it (an O
    read half as O, half as 0 is a sure O-shape)."""
    top = int(np.argmax(prob))
    twin = DIGIT_FOR_LETTER.get(classes[top]) or LETTER_FOR_DIGIT.get(classes[top])
    extra = float(prob[classes.index(twin)]) if twin and twin in classes else 0.0
    return float(prob[top]) + extra


def _best_in(prob: np.ndarray, classes: str, allowed) -> tuple[str, float]:
    idx = [i for i, c in enumerate(classes) if allowed(c)]
    j = idx[int(np.argmax(prob[idx]))]
    return classes[j], float(prob[j])


def _swap(
    prob: np.ndarray, classes: str, c: str, lookalike: dict, allowed, conf: float, s: DecodingSettings
) -> tuple[str, float]:
    """The best reading of a glyph among the allowed classes: its look-alike (0 for O, ...) unless the
    classifier clearly prefers another allowed class; the glyph stays as it is when nothing allowed is
    likely."""
    alt, p = _best_in(prob, classes, allowed)
    twin = lookalike.get(c)
    if twin is not None and twin in classes and prob[classes.index(twin)] >= s.twin_min_share * p:
        return twin, float(prob[classes.index(twin)])
    if twin is not None or p >= s.swap_min_share * conf:
        return alt, p
    return c, conf


def _is_flagged_one(
    prob: np.ndarray, box: tuple[int, int, int, int], classes: str, s: DecodingSettings
) -> bool:
    """Is a glyph read as 7 the 1 of print, its flag taken for a 7's bar: narrower than a 7 (whose bar
    spans it) and given a good share of a 1 as well?"""
    narrow = box[2] - box[0] < s.narrow_seven_max_width * (box[3] - box[1])
    return narrow and "1" in classes and prob[classes.index("1")] >= s.narrow_seven_one_share * prob.max()


def _digits_or_letters(labels: list[str], probs: np.ndarray, classes: str) -> str:
    """'digits' or 'letters' by the vote of the glyphs that are not look-alikes (of all glyphs when every one
    is a look-alike); a tied vote by where the classifier puts more of the glyphs' probability, on digits or
    on letters ("29" read 2g); '' when that is even too."""
    votes = [c.isdigit() for c in labels if c not in LOOKALIKES] or [c.isdigit() for c in labels]
    digits, letters = sum(votes), len(votes) - sum(votes)
    if digits == letters:
        is_digit = np.array([c.isdigit() for c in classes])
        digits, letters = float(probs[:, is_digit].sum()), float(probs[:, ~is_digit].sum())
    return "digits" if digits > letters else "letters" if letters > digits else ""


def decode_word(
    probs: np.ndarray,
    boxes: list[tuple[int, int, int, int]],
    classes: str,
    metrics: LineMetrics,
    has_dot: list[bool] | None = None,
    starts_line: bool = True,
    *,
    settings: DecodingSettings = DEFAULT.decoding,
) -> list[tuple[str, float, list[tuple[str, float]]]]:
    """Characters of one word: (text, confidence, top-3 alternatives) per glyph. `starts_line`: the word is
    the first on its line, where a capital is as likely as not."""
    s = settings
    n = len(probs)
    has_dot = has_dot or [False] * n
    labels = [classes[int(np.argmax(p))] for p in probs]
    confs = [float(p.max()) for p in probs]
    bar = [
        (b[2] - b[0]) < s.bar_max_width * (b[3] - b[1]) and c in BARS
        for c, b in zip(labels, boxes, strict=True)
    ]
    # Digits among digits, letters among letters.
    kind = (
        "digits" if n == 1 and labels[0] in DIGITS_WHEN_ALONE else _digits_or_letters(labels, probs, classes)
    )
    for i, c in enumerate(labels):
        if c == "7" and _is_flagged_one(probs[i], boxes[i], classes, s):
            labels[i], confs[i], c = "1", float(probs[i][classes.index("1")]), "1"
        if kind == "letters" and c.isdigit():
            labels[i], confs[i] = _swap(probs[i], classes, c, LETTER_FOR_DIGIT, str.isalpha, confs[i], s)
        elif kind == "digits" and c.isalpha():
            labels[i], confs[i] = _swap(probs[i], classes, c, DIGIT_FOR_LETTER, str.isdigit, confs[i], s)
    _small_by_height(labels, boxes, classes, metrics, s)
    small, lower_word, upper_word = _word_case(labels, boxes, metrics, s)
    chars = []
    for i, c in enumerate(labels):
        text = c
        if bar[i] or c in ("I", "1") and has_dot[i]:
            if has_dot[i] and not upper_word:
                text = "i"
            elif kind == "digits" or c == "1" and kind != "letters":
                text = "1"
            elif lower_word or (i > 0 and small[i - 1]):
                text = "l"
            else:
                text = "I"
        elif (
            i == 0
            and lower_word
            and c in CAPITALS_OF_X_HEIGHT
            and metrics.x_height
            and starts_low(boxes[i], metrics, settings=s)
        ):
            # no taller than the small letters after it: a small word, even at a line's start
            text = c.lower()
        elif c in MERGED:
            if c == "J" and has_dot[i] and not upper_word:
                text = "j"
            elif upper_word:
                text = c
            elif lower_word and (i > 0 or c not in SHORT_WHEN_SMALL and not starts_line):
                # inside a small-letter word, or starting one mid-line (K/k look alike at any size)
                # the small form of I without a dot is a tall stroke: an l
                text = "l" if c == "I" and not starts_low(boxes[i], metrics, settings=s) else c.lower()
            elif c in SHORT_WHEN_SMALL:
                text = c.lower() if small[i] else c
        order = np.argsort(probs[i])[::-1][:3]
        alternatives = [(classes[j], float(probs[i][j])) for j in order]
        chars.append((text, confs[i], alternatives))
    votes = [_case_votes(c, p, classes, s) for c, p in zip(labels, probs, strict=True)]
    texts = one_case([c[0] for c in chars], votes)
    return [(t, conf, alts) for t, (_, conf, alts) in zip(texts, chars, strict=True)]


def _case_votes(label: str, prob: np.ndarray, classes: str, s: DecodingSettings) -> int:
    """The glyph's votes on its word's case: `sure_case_votes` for a letter whose two forms are classes of
    their own (F and f), with `sure_case_share` of their probability on the one read; none where the
    classifier doubts between the two; `sized_case_votes` for a letter of a merged class (C, O, S), whose
    case was judged from its size."""
    if not label.isalpha():
        return 0
    if label in MERGED:
        return s.sized_case_votes
    twin = label.swapcase()
    if twin not in classes:
        return s.sure_case_votes
    own = float(prob[classes.index(label)])
    told = tells_case(own, float(prob[classes.index(twin)]), s.sure_case_share)
    return s.sure_case_votes if told else 0


def tells_case(own: float, twin: float, share: float) -> bool:
    """Does a letter's class hold `share` of the probability of its two forms (F and f), own and twin: is the
    classifier sure enough of its case?"""
    return own >= share * (own + twin)


def _small_by_height(
    labels: list[str],
    boxes: list[tuple[int, int, int, int]],
    classes: str,
    metrics: LineMetrics,
    s: DecodingSettings,
) -> None:
    """Read an A, E, N or R whose top is at the x-height line as its small form, in place, where small
    letters in other words of the line show that x-height (a word does not vouch for itself: a name in
    uneven capitals shows none)."""
    own = set(boxes)
    if not metrics.x_height or all(b in own for b in metrics.small_letters):
        return
    for i, c in enumerate(labels):
        if c in CAPITALS_OF_X_HEIGHT and c.lower() in classes and starts_low(boxes[i], metrics, settings=s):
            labels[i] = c.lower()


def _word_case(
    labels: list[str], boxes: list[tuple[int, int, int, int]], metrics: LineMetrics, s: DecodingSettings
) -> tuple[list[bool | None], bool, bool]:
    """The word's case, from the letters whose class or position tells it: per glyph whether it is small
    (None when neither tells), and whether the word is in small letters, or in capitals."""
    small: list[bool | None] = []
    for i, c in enumerate(labels):
        if c.isalpha() and c not in MERGED:
            small.append(c.islower())
        elif c in SHORT_WHEN_SMALL:
            small.append(starts_low(boxes[i], metrics, settings=s))
        else:
            small.append(None)
    later = [x for x in small[1:] if x is not None] or [x for x in small[:1] if x is not None]
    unmerged_small = any(c.isalpha() and c not in MERGED and c.islower() for c in labels)
    lower_word = bool(later) and (
        sum(later) > len(later) / 2 or unmerged_small and sum(later) * 2 >= len(later)
    )
    upper_word = not lower_word and sum(x is False for x in small) >= s.upper_word_min_capitals
    return small, lower_word, upper_word


def one_case(texts: list[str], votes: list[int]) -> list[str]:
    """Words are written in small letters, Capitalised or in CAPITALS, not in a mix: the letters after the
    first take the case that has most `votes` among them (see `_case_votes`; a tie follows the first
    letter), and a word whose later letters are capitals is capitals throughout."""
    later = [i for i in range(1, len(texts)) if texts[i].isalpha()]
    if not later:
        return texts
    tally = {True: 0, False: 0}
    for i in later:
        tally[texts[i].isupper()] += votes[i]
    tie = tally[True] == tally[False]
    upper = texts[0].isupper() if tie else tally[True] > tally[False]
    out = list(texts)
    for i in later:
        out[i] = out[i].upper() if upper else out[i].lower()
    if upper and out[0].isalpha():
        out[0] = out[0].upper()
    return out
