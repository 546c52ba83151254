"""Stage 12, words read whole: the CTC arithmetic against brute force, the word image, case and cost rules,
the shipped word reader, and pages it mends."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from hcr_ocr.errors import CheckpointError
from hcr_ocr.page import Char, Word
from hcr_ocr.reading.decoding import LineMetrics
from hcr_ocr.reading.settings import DEFAULT, replace
from hcr_ocr.reading.shipped import shipped_word_reader
from hcr_ocr.reading.word_reader import (
    INK_MARGIN,
    WORD_HEIGHT,
    WORD_MAX_WIDTH,
    WORD_SYMBOLS,
    WordInk,
    WordReader,
    case_to_follow,
    choose,
    ctc_log_likelihoods,
    ctc_spans,
    glyph_cost,
    greedy_text,
    in_case_of,
    joined_reading,
    lone_letter,
    reread,
    word_input,
    word_mask,
)

SYMBOLS = 1 + len(WORD_SYMBOLS)


def collapse(path: tuple[int, ...]) -> str:
    out, prev = [], 0
    for k in path:
        if k and k != prev:
            out.append(WORD_SYMBOLS[k - 1])
        prev = k
    return "".join(out)


def brute_force(logp: np.ndarray, text: str, used: list[int]) -> float:
    """log P(text) summed over every frame path (over the symbols `used` and the blank) that collapses to it."""
    total = -np.inf
    for path in itertools.product([0, *used], repeat=len(logp)):
        if collapse(path) == text:
            total = np.logaddexp(total, sum(logp[t, k] for t, k in enumerate(path)))
    return total


def random_logp(frames: int, seed: int) -> np.ndarray:
    z = np.random.default_rng(seed).normal(0, 2, (frames, SYMBOLS))
    return z - np.log(np.exp(z).sum(axis=1, keepdims=True))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_ctc_likelihoods_equal_the_sum_over_every_path(seed):
    logp = random_logp(6, seed)
    a, b = WORD_SYMBOLS.index("a") + 1, WORD_SYMBOLS.index("b") + 1
    texts = ["a", "ab", "aa", "aba", "bb"]
    # the brute force runs over paths of a, b and the blank; other symbols add paths that collapse to
    # other texts only, so the sums are the same
    got = ctc_log_likelihoods(logp, texts)
    want = [brute_force(logp, t, [a, b]) for t in texts]
    np.testing.assert_allclose(got, want, rtol=1e-9)


def test_a_repeated_letter_needs_a_blank_between():
    logp = np.full((3, SYMBOLS), np.log(1e-9))
    a = WORD_SYMBOLS.index("a") + 1
    logp[:, a] = 0.0  # every frame says a: "aa" cannot be read from it
    assert ctc_log_likelihoods(logp, ["aa"])[0] < -15
    assert ctc_log_likelihoods(logp, ["a"])[0] == pytest.approx(0.0, abs=1e-6)


def test_spans_and_greedy_reading_follow_the_frames():
    logp = np.full((7, SYMBOLS), np.log(1e-6))
    for t, symbol in enumerate("-cc-a-t"):
        logp[t, 0 if symbol == "-" else WORD_SYMBOLS.index(symbol) + 1] = 0.0
    assert greedy_text(logp) == "cat"
    assert ctc_spans(logp, "cat") == [(1, 2), (4, 4), (6, 6)]


def test_word_input_scales_the_ink_box_to_the_network_height():
    mask = np.zeros((40, 300), np.uint8)
    mask[5:35, 10:290] = 255
    image = word_input(mask)
    assert image.shape[0] == WORD_HEIGHT and image.shape[1] <= WORD_MAX_WIDTH  # a long word is squeezed
    assert image.dtype == np.float32 and image.min() >= 0.0 and image.max() == pytest.approx(1.0)
    assert word_input(np.zeros((10, 10), np.uint8)).max() == 0.0  # no ink, no crash
    short = word_input(np.ones((40, 20), np.uint8))
    assert short.shape == (WORD_HEIGHT, round(26 * WORD_HEIGHT / 46))  # padded by 3 px each side


def test_word_mask_places_each_glyph_at_its_box():
    a, b = np.full((4, 3), 255, np.uint8), np.full((2, 2), 255, np.uint8)
    mask = word_mask([((10, 20, 13, 24), a), ((15, 22, 17, 24), b)])
    m = INK_MARGIN
    assert mask.shape == (4 + 2 * m, 7 + 2 * m)
    assert not mask[:m].any() and not mask[-m:].any() and not mask[:, :m].any() and not mask[:, -m:].any()
    inner = mask[m:-m, m:-m]
    assert inner[:, :3].all() and not inner[:, 3:5].any() and inner[2:, 5:].all() and not inner[:2, 5:].any()


@pytest.mark.parametrize(
    ("text", "like", "want"),
    [("discover", "drover", "discover"), ("won", "WAN", "WON"), ("large", "Gorge", "Large"), ("a", "I", "A")],
)
def test_case_follows_the_glyph_readers_word(text, like, want):
    assert in_case_of(text, like) == want


def word(text: str, confidences: list[float]) -> Word:
    chars = [
        Char(c, (10 * i, 0, 10 * i + 9, 20), p)
        for i, (c, p) in enumerate(zip(text, confidences, strict=True))
    ]
    return Word(chars, (0, 0, 10 * len(text) - 1, 20))


def test_changing_a_sure_letter_costs_more_than_an_unsure_one():
    s = DEFAULT.word_reader
    unsure, sure = word("rape", [0.9, 0.3, 0.9, 0.9]), word("rape", [0.9, 0.99, 0.9, 0.9])
    assert glyph_cost(unsure, "rope", s) == 0.0 < glyph_cost(sure, "rope", s)
    assert glyph_cost(sure, "rope", s) == pytest.approx(np.log(0.98 / 0.02))  # confidences kept within 0.02
    assert glyph_cost(unsure, "rapes", s) == pytest.approx(s.added_letter_cost)


def test_a_word_read_again_shares_out_its_box():
    logp = np.full((8, SYMBOLS), np.log(1e-6))
    for t, symbol in enumerate("-r-e-c-s"):
        logp[t, 0 if symbol == "-" else WORD_SYMBOLS.index(symbol) + 1] = 0.0
    new = reread(word("Rape", [0.5] * 4), "recs", logp)
    assert new.text == "Recs" and new.raw == "Rape" and new.from_lexicon
    assert [c.bbox[0] for c in new.chars] == [4, 14, 24, 34]  # frames 1, 3, 5, 7 of 8 over 39 px
    assert all(c.confidence == pytest.approx(1.0) for c in new.chars)  # every frame sure
    logp[7] = np.log(np.full(SYMBOLS, 1 / SYMBOLS))  # the last frame unsure: the whole word less sure
    assert all(
        c.confidence == pytest.approx((1 / SYMBOLS) ** 0.25, rel=1e-3)
        for c in reread(word("Rape", [0.5] * 4), "recs", logp).chars
    )


@pytest.mark.parametrize("drawn", ["some", "Some", "SOME", "ocean", "Ocean"])
def test_a_word_read_again_takes_its_case_from_its_ink(drawn):
    """The glyph reader's word (its case wrong, as a thick pen leaves it) read again by the word reader:
    the case comes from how high each letter's ink rises on the line, not from the old reading."""
    import cv2

    path = shipped_word_reader()
    assert path is not None
    page = np.zeros((80, 260), np.uint8)
    cv2.putText(page, drawn, (10, 60), cv2.FONT_HERSHEY_SIMPLEX, 1.6, 255, 4)
    ys, xs = np.nonzero(page)
    box = (int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1)
    mask = page[box[1] : box[3], box[0] : box[2]]
    # the line's heights, measured as the reader measures them: its capitals and its a, e, n, r
    metrics = LineMetrics(cap_height=34.0, x_height=26.0, baseline=float(box[3]))
    logp = WordReader(path).log_probs(word_input(word_mask([(box, mask)])))
    glyph_reading = Word([Char(c, box, 0.5) for c in drawn.swapcase()], box)
    new = reread(glyph_reading, drawn.lower(), logp, WordInk([(box, mask)], metrics))
    assert new.text == drawn


@pytest.mark.parametrize("sure", [0.5, 0.7])
def test_a_glyph_reading_spelled_unlike_any_word_gives_way_to_the_listed_word(sure):
    """The word reader hears 'commerce' and 'conqmerce' alike in the ink; the glyph reader's 'conqmerce'
    (its n and q unsure, or sure enough to score above 'commerce') keeps its bonus only while its spelling
    is not held against it."""
    from hcr_ocr.reading.lexicon import Lexicon

    frames = "c-o-" + "XY" + "m-e-r-c-e"
    logp = np.full((len(frames), SYMBOLS), np.log(1e-6))
    for t, symbol in enumerate(frames):
        shares = {"X": {"n": 0.55, "m": 0.45}, "Y": {"-": 0.55, "q": 0.45}}.get(symbol, {symbol: 1.0})
        for sym, p in shares.items():
            logp[t, 0 if sym == "-" else WORD_SYMBOLS.index(sym) + 1] = np.log(p)
    assert greedy_text(logp) == "conmerce"
    glyph_reading = word("conqmerce", [0.9, 0.9, sure, sure, 0.9, 0.9, 0.9, 0.9, 0.9])
    lexicon = Lexicon.shipped()
    assert choose(glyph_reading, logp, lexicon) == "commerce"
    assert choose(glyph_reading, logp, lexicon, replace(DEFAULT.word_reader, spelling_weight=0.0)) is None


def reading(text: str, doubt: dict[int, str] | None = None) -> np.ndarray:
    """Log-probabilities of frames that read `text`, a blank after each letter: surely, except that the
    letter at each index of `doubt` is read 0.6 to its other letter's 0.4."""
    logp = np.full((2 * len(text), SYMBOLS), np.log(1e-6))
    for t, ch in enumerate(text):
        logp[2 * t + 1, 0] = 0.0
        if doubt and t in doubt:
            logp[2 * t, WORD_SYMBOLS.index(ch) + 1] = np.log(0.6)
            logp[2 * t, WORD_SYMBOLS.index(doubt[t]) + 1] = np.log(0.4)
        else:
            logp[2 * t, WORD_SYMBOLS.index(ch) + 1] = 0.0
    return logp


@pytest.mark.parametrize(
    ("parts", "heard", "doubt", "want"),
    [
        (["instan", "t"], "instant", None, "instant"),  # listed as read, far commoner than its parts
        (["n", "weds"], "nweds", {1: "e"}, "needs"),  # e heard nearly as w: the listed word weighed
        (["n", "weds"], "nweds", None, None),  # ... but not where the word reader is sure of its w
        (["t", "Atlanta"], "tatlanta", None, None),  # no listed word near
        (["install", "t"], "instant", None, "instant"),  # the t's ink read with the word's
        (["developers", "l"], "developers", None, None),  # the letter unheard: a word without it is no join
    ],
)
def test_a_lone_letter_is_read_with_its_neighbour_where_they_make_a_listed_word(parts, heard, doubt, want):
    from hcr_ocr.reading.lexicon import Lexicon

    lexicon = Lexicon.shipped()
    words = [word(p, [0.5] * len(p)) for p in parts]  # the glyph reader unsure of every letter
    assert any(lone_letter(w, lexicon) for w in words)
    joined = joined_reading(words, reading(heard, doubt), lexicon)
    assert (joined and joined[1]) == want
    if joined:
        assert joined[0].text == "".join(parts) and joined[0].raw == "".join(parts)


def test_a_or_i_alone_is_a_word_not_a_lone_letter():
    from hcr_ocr.reading.lexicon import Lexicon

    lexicon = Lexicon.shipped()
    assert not lone_letter(word("a", [0.9]), lexicon) and not lone_letter(word("I", [0.9]), lexicon)
    assert lone_letter(word("n", [0.9]), lexicon) and not lone_letter(word("7", [0.9]), lexicon)


def test_a_lead_in_stroke_broken_off_leaves_no_word_space():
    """The 3rd synthetic page of seed 0 under light salt-and-pepper noise: the n of 'needs' is parted from
    its cursive 'ee' by a gap wider than a letter's, and the glyph reader reads 'n' and 'weds'. The word
    reader reads the two as one word, 'needs'."""
    import hcr_ocr
    from tests.conftest import synthetic_page

    page, truth = synthetic_page(3, "salt-pepper-3")
    assert truth[1] == "homepage 1321 needs"
    assert hcr_ocr.read(page).text.split("\n")[1] == "homepage 1321 needs"
    apart = replace(DEFAULT, word_reader=replace(DEFAULT.word_reader, join_lone_letters=False))
    assert hcr_ocr.read(page, settings=apart).text.split("\n")[1] == "homepage 1321 n weds"
    # their gap is 0.44 of the page's median word space: a gap as wide as a space is a space
    as_wide = replace(DEFAULT, word_reader=replace(DEFAULT.word_reader, join_max_gap=0.4))
    assert hcr_ocr.read(page, settings=as_wide).text.split("\n")[1] == "homepage 1321 n weds"


def test_a_damaged_word_reader_is_a_one_line_error(tmp_path):
    bad = tmp_path / "words.onnx"
    bad.write_bytes(b"not a model")
    with pytest.raises(CheckpointError, match="could not be loaded"):
        _ = WordReader(bad).session
    with pytest.raises(CheckpointError, match="not found"):
        WordReader(tmp_path / "missing.onnx")


def test_the_shipped_word_reader_reads_a_drawn_word():
    path = shipped_word_reader()
    assert path is not None
    import cv2

    canvas = np.zeros((60, 200), np.uint8)
    cv2.putText(canvas, "mend", (8, 45), cv2.FONT_HERSHEY_SIMPLEX, 1.6, 255, 4)
    logp = WordReader(path).log_probs(word_input(canvas))
    assert logp.shape[1] == SYMBOLS and np.allclose(np.exp(logp).sum(axis=1), 1.0, atol=1e-4)
    assert greedy_text(logp) == "mend"


def test_dropping_a_letter_costs_at_least_the_ink_it_leaves():
    s = DEFAULT.word_reader
    glyph_reading = word("aim", [0.95, 0.1, 0.9])  # its i unsure
    assert glyph_cost(glyph_reading, "arm", s) == 0.0  # changed: its class was no likelier than another
    assert glyph_cost(glyph_reading, "am", s) == pytest.approx(s.dropped_letter_cost)
    assert glyph_cost(word("aim", [0.95, 0.9, 0.9]), "am", s) == pytest.approx(np.log(0.9 / 0.1))


@pytest.mark.parametrize(
    ("line", "like"),
    [
        (["THE", "OFFICE", "Al", "TODAY"], "THE"),  # a line in capitals
        (["THE", "Al", "TODAY"], "THE"),
        (["THE", "OFFICE", "al", "TODAY"], "al"),  # read in small letters: the ink's own word
        (["OFFICE", "Al"], "Al"),  # one other word: too few to tell the line's case
        (["THE", "office", "Al", "TODAY"], "Al"),
        (["Call", "Al", "5"], "Al"),
    ],
)
def test_a_reread_word_follows_a_line_in_capitals(line, like):
    words = [word(t, [0.9] * len(t)) for t in line]
    i = next(i for i, t in enumerate(line) if t.lower() == "al")
    assert case_to_follow(words, i, DEFAULT.word_reader.capitals_line_min_words) == like


def without_word_reader():
    from hcr_ocr.reading.settings import replace

    return replace(DEFAULT, word_reader=replace(DEFAULT.word_reader, enabled=False))


def test_a_page_in_thick_marker_is_read_exactly_with_words_read_whole():
    import hcr_ocr
    from hcr_ocr.data.degradations import degrade
    from hcr_ocr.reading.loading import load_image
    from tests.conftest import REPO

    # the bench's marker copy of samples/paragraph.png (seed 0): its N's strokes run together
    page = degrade(load_image(REPO / "samples" / "paragraph.png"), "marker", 0, 6, "samples")
    want = ["THANK YOU FOR THE LOVELY GIFT", "SEE YOU NEXT WEEK", "LOVE ANNA"]
    # the first line, DEAR TOM, is read DEAR TON since the word reader of the third session of 2026-12-03
    # (it prefers TON by 2.3 nats to the glyph reader's unsure M): a known misread, not asserted here
    assert hcr_ocr.read(page).text.split("\n")[1:] == want
    glyph_by_glyph = hcr_ocr.read(page, settings=without_word_reader()).text.split("\n")
    assert glyph_by_glyph[2:] == ["SEE YOU RJEXT WEEK", "LOVE ARJRJA"]  # N read as RJ


@pytest.mark.parametrize(
    ("crop", "name"),
    [("VALIDATION_0673.jpg", "MORIN"), ("VALIDATION_0891.jpg", "LOUIS"), ("VALIDATION_0907.jpg", "MARVIN")],
)
def test_a_name_on_a_form_is_not_read_as_a_listed_word(crop, name):
    # the word reader, which reads MORAN, LOOPS and HARVEY here, is not asked about a lone name or field
    import hcr_ocr
    from tests.conftest import SHARED_DATA

    path = SHARED_DATA / "real-dev" / "form-names-tune" / crop
    if not path.exists():
        pytest.skip(f"no data at {path}")
    assert hcr_ocr.read(path).text == name


def test_a_print_line_in_capitals_keeps_its_capitals_where_a_word_is_read_again():
    import hcr_ocr
    from hcr_ocr.data.degradations import degrade
    from hcr_ocr.reading.loading import load_image
    from tests.conftest import REPO

    # the bench's jpeg-10 copy of samples/print-serif-caps.png (seed 0): its AT is read 'Al', then 'at'
    page = degrade(load_image(REPO / "samples" / "print-serif-caps.png"), "jpeg-10", 0, 10, "samples")
    assert hcr_ocr.read(page).text == "NOTICE TO ALL STAFF\nTHE OFFICE CLOSES AT 5 TODAY"


def test_a_short_note_in_words_is_checked_by_the_word_reader():
    import hcr_ocr
    from hcr_ocr.data.degradations import degrade
    from hcr_ocr.reading.loading import load_image
    from tests.conftest import REPO

    # the bench's textured copy of samples/letters.png (seed 0): three listed words, fewer than the word
    # list's running text needs; the glyph reader's 'hodge' is a listed word too
    page = degrade(load_image(REPO / "samples" / "letters.png"), "textured", 0, 2, "samples")
    assert hcr_ocr.read(page).text == "Zebra quilt hedge"
    assert hcr_ocr.read(page, settings=without_word_reader()).text == "Zebra quilt hodge"


def test_a_word_the_word_reader_reads_itself_replaces_a_reading_that_is_no_word():
    """The 24th synthetic page of seed 0 with a hairline pen: the glyph reader reads 'adylsot' (its v read
    y, surely), the word reader 'advisor', a listed word. With the glyph reader's usual bonus its junk is
    kept; where the word reader reads the listed word itself, the two are weighed on equal terms."""
    import hcr_ocr
    from tests.conftest import synthetic_page

    page, truth = synthetic_page(24, "hairline")
    assert truth[0] == "advisor lesbian Surface hip"
    assert hcr_ocr.read(page).text.split("\n")[0] == "advisor lesbian Surface hip"
    s = DEFAULT.word_reader
    usual = replace(DEFAULT, word_reader=replace(s, read_listed_keep_bonus=s.keep_bonus))
    assert hcr_ocr.read(page, settings=usual).text.split("\n")[0] == "adylsot lesbian Surface hip"
