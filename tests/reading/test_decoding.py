"""Case and digit/letter decisions on hand-made classifier outputs: exact expectations, no model needed."""

from __future__ import annotations

import numpy as np
import pytest

from hcr_ocr.data.datasets import BALANCED47
from hcr_ocr.reading.decoding import LineMetrics, decode_word, line_metrics, with_page_x_height

CAP, XH, BASE = 40, 26, 100


def probs_for(labels: str, second: str | None = None) -> np.ndarray:
    """One-hot-ish rows: 0.9 on each label, 0.1 on `second` (or spread evenly)."""
    rows = np.full((len(labels), len(BALANCED47)), 0.1 / (len(BALANCED47) - 1), dtype=np.float32)
    for i, c in enumerate(labels):
        rows[i] = 0.0
        rows[i, BALANCED47.index(c)] = 0.9
        alt = second[i] if second else None
        if alt and alt != " ":
            rows[i, BALANCED47.index(alt)] = 0.1
        else:
            rows[i] += 0.1 / len(BALANCED47)
    return rows


def boxes(spec: str) -> list[tuple[int, int, int, int]]:
    """A box per glyph: 'T' tall (cap height), 's' small (x-height), 'd' descender (x-height top, hangs below),
    'b' a bare vertical bar of cap height, 'f' a print 1 of cap height (a stem with a flag, 0.35 as wide)."""
    out, x = [], 0
    for kind in spec:
        w = {"b": 6, "f": 14}.get(kind, 20)
        top = BASE - (XH if kind in "sd" else CAP)
        bottom = BASE + (12 if kind == "d" else 0)
        out.append((x, top, x + w, bottom))
        x += w + 8
    return out


METRICS = LineMetrics(cap_height=CAP, x_height=XH, baseline=BASE)


def text_of(labels: str, spec: str, second: str | None = None, dots=None) -> str:
    return "".join(
        c for c, _, _ in decode_word(probs_for(labels, second), boxes(spec), BALANCED47, METRICS, dots)
    )


def test_small_forms_of_merged_classes_by_position():
    assert text_of("CaSe", "TsTs") == "CaSe".replace("S", "s")  # s at x-height, C at cap height
    assert text_of("POP", "TTT") == "POP"
    assert text_of("PePPer", "Tsddss") == "Pepper"


def test_all_capital_words_stay_capitals():
    assert text_of("SHOP", "TTTT") == "SHOP"
    assert text_of("DEAR", "TTTT") == "DEAR"


def test_digits_among_digits_and_letters_among_letters():
    assert text_of("3I4I5", "TbTbT") == "31415"
    assert text_of("2O26", "TTTT") == "2026"
    assert text_of("HeLLO", "Tsbbs") == "Hello"
    assert text_of("He110", "Tsbbs") == "Hello"


def test_bars_follow_the_word():
    assert text_of("LIST", "TbTT") == "LIST"
    assert text_of("eIIa", "sbbs") == "ella"
    assert text_of("I", "b") == "I"


def test_dotted_stem_is_a_small_i_unless_the_word_is_capitals():
    assert text_of("MIX", "sss", dots=[False, True, False]) == "mix"
    assert text_of("MARTIN", "TTTTbT", dots=[False, False, False, False, True, False]) == "MARTIN"


def test_top3_alternatives_and_confidence():
    chars = decode_word(probs_for("A", "4"), boxes("T"), BALANCED47, METRICS)
    text, conf, alts = chars[0]
    assert text == "A" and conf == np.float32(0.9)
    assert [a for a, _ in alts[:2]] == ["A", "4"]


def test_line_metrics_from_known_glyphs():
    labels = ["T", "a", "e", "b", "n"]
    bxs = [(0, 60, 20, 100), (30, 74, 50, 100), (60, 74, 80, 100), (90, 60, 110, 100), (120, 74, 140, 100)]
    m = line_metrics(labels, bxs, body=30.0, baseline=100.0)
    assert m.cap_height == 40 and m.x_height == 26
    assert abs(m.baseline_at(70) - 100) < 1e-6


def test_x_height_from_short_glyphs_when_no_a_e_n_r():
    """'Pick up milk': no a, e, n or r on the line, yet c, u, m are clearly shorter than P, K and l."""
    labels = ["P", "I", "C", "K", "U", "P", "M", "I", "L", "K"]
    tops = [60, 60, 74, 60, 74, 74, 74, 60, 60, 60]
    bottoms = [100, 100, 100, 100, 100, 112, 100, 100, 100, 100]
    bxs = [(i * 30, t, i * 30 + 20, b) for i, (t, b) in enumerate(zip(tops, bottoms, strict=True))]
    m = line_metrics(labels, bxs, body=40.0, baseline=100.0)  # no class tells the capital height: the body
    assert m.cap_height == 40 and m.x_height == 26
    capitals = line_metrics(
        ["P", "I", "C", "K", "L"], [(0, 60, 20, 100)] * 4 + [(0, 74, 20, 100)], 40.0, 100.0
    )
    assert capitals.x_height is None  # one short glyph among capitals is not an x-height


def test_one_case_per_word():
    from hcr_ocr.reading.decoding import one_case

    # votes: 2 for a letter whose class tells its case, 1 for one sized from the line
    # a capital R among sure small letters is a misread size: the word is in small letters
    assert "".join(one_case(list("JebRa"), [1, 2, 2, 2, 2])) == "Jebra"
    # small h/f/a among capitals: the word is in capitals, its first letter too
    assert "".join(one_case(list("hNTONY"), [2, 2, 2, 1, 2, 2])) == "HNTONY"
    assert "".join(one_case(list("CLaVIS"), [1, 1, 2, 1, 1, 1])) == "CLAVIS"
    # Capitalised words and digits are left alone
    assert one_case(list("Paris"), [1, 2, 2, 1, 1]) == list("Paris")
    assert one_case(list("b2"), [2, 1]) == list("b2")
    # a tie between the later letters follows the first letter: never a mix like "mEn" or "golD"
    assert one_case(list("aBc"), [2, 2, 2]) == list("abc")
    assert one_case(list("golD"), [2, 1, 1, 2]) == list("gold")
    assert one_case(list("RfMY"), [2, 2, 1, 1]) == list("RFMY")


def test_a_letter_the_classifier_doubts_the_case_of_has_no_vote():
    """F read 0.51 against f's 0.45 tells nothing of the word's case: 'oFFer' with its two doubtful F's is
    small letters (its r is surely small), not 'OFFER'."""
    from hcr_ocr.reading.decoding import _case_votes, one_case
    from hcr_ocr.reading.settings import DEFAULT

    classes = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabdefghnqrt"
    s = DEFAULT.decoding

    def prob(**shares: float) -> np.ndarray:
        p = np.full(len(classes), 1e-4)
        for c, v in shares.items():
            p[classes.index(c)] = v
        return p

    assert _case_votes("F", prob(F=0.51, f=0.45), classes, s) == 0
    assert _case_votes("F", prob(F=0.9, f=0.05), classes, s) == s.sure_case_votes
    assert _case_votes("O", prob(O=0.9), classes, s) == s.sized_case_votes  # O and o are one class
    assert _case_votes("r", prob(r=0.77), classes, s) == s.sure_case_votes
    assert one_case(list("oFFer"), [1, 0, 0, 0, 2]) == list("offer")
    assert one_case(list("oFFer"), [1, 2, 2, 0, 2]) == list("OFFER")  # sure F's outvote the r


def test_y_among_digits_is_a_four():
    assert text_of("Y024", "TTTT") == "4024"
    assert text_of("Y7", "TT") == "47"
    assert text_of("YES", "TTT") == "YES"


def test_certainty_counts_the_look_alike():
    from hcr_ocr.reading.decoding import certainty

    row = np.zeros(len(BALANCED47), np.float32)
    row[BALANCED47.index("0")], row[BALANCED47.index("O")], row[BALANCED47.index("D")] = 0.45, 0.4, 0.15
    assert certainty(row, BALANCED47) == pytest.approx(0.85)  # an O-shape, surely
    row[:] = 0
    row[BALANCED47.index("H")], row[BALANCED47.index("A")] = 0.6, 0.4
    assert certainty(row, BALANCED47) == pytest.approx(0.6)


def test_a_capital_no_taller_than_the_small_letters_after_it_opens_a_small_word():
    """E, A, N and R have small forms of their own classes; read as capitals but sized like the small
    letters after them, they open a small word. At capital height they stay capitals."""
    assert text_of("EggS", "sdds") == "eggs"
    assert text_of("Area", "ssss") == "area"
    assert text_of("EggS", "Tdds") == "Eggs"
    assert text_of("Anna", "Tsss") == "Anna"


def test_a_capital_at_the_x_height_that_other_words_show_is_small():
    """The words "your NOTES" on a line whose other words' a, e, n and r show the x-height: an N and an
    E read as capitals but whose tops are at that height are the small n and e, and the word is small.
    Without small letters elsewhere on the line (a name in uneven capitals, whose own short letters would
    vouch for themselves) the classifier's capitals stand."""
    word = boxes("sssss")
    other_words = ((500, BASE - XH, 520, BASE), (530, BASE - XH, 550, BASE))
    shown = LineMetrics(cap_height=CAP, x_height=XH, baseline=BASE, small_letters=other_words)
    read = decode_word(probs_for("NOTES"), word, BALANCED47, shown, starts_line=False)
    assert "".join(c for c, _, _ in read) == "notes"
    own_only = LineMetrics(cap_height=CAP, x_height=XH, baseline=BASE, small_letters=(word[0], word[3]))
    read = decode_word(probs_for("NOTES"), word, BALANCED47, own_only, starts_line=False)
    assert "".join(c for c, _, _ in read) == "NOTES"
    tall = boxes("TTTTT")
    read = decode_word(probs_for("NOTES"), tall, BALANCED47, shown, starts_line=False)
    assert "".join(c for c, _, _ in read) == "NOTES"


def test_line_metrics_keep_the_small_letters_they_measured():
    labels, spec = "Hand", "Tsst"
    found = line_metrics(list(labels), boxes(spec.replace("t", "T")), 30, BASE)
    assert found.small_letters == tuple(boxes("TssT")[1:3])


def test_the_capital_height_is_found_when_small_letters_were_read_as_tall_ones():
    """'women serious' in a thin pen: o read D, r read T, so the "tall" glyphs are mostly small letters and
    their median height is the x-height. The glyphs standing well above the a, e, n and r (the t and i, the
    l, the capital A), whatever they were read as, give the capital height, and the x-height is kept. In
    capitals, where no glyph rises above the misread ones, the x-height is dropped as before."""
    labels, spec = "wDMenSeTiDuSAtl", "ssssssssTssSTTT"
    m = line_metrics(list(labels), boxes(spec.replace("S", "s")), 30, BASE)
    assert m.cap_height == CAP and m.x_height == XH
    capitals = line_metrics(list("DEaTN"), boxes("TTTTT"), 30, BASE)
    assert capitals.x_height is None


def test_a_line_of_small_letters_with_one_ascender_keeps_its_x_height():
    """'sure connection or' in tiny writing: one glyph (the e of sure) read as R, so the only "capital"
    is as short as the six a, e, n and r, and only the t rises above them. So many small letters against
    one tall reading make a line of small letters: the x-height stands, the capital height is guessed from
    it. Two tall readings against four small letters leave no x-height, as before (capitals misread)."""
    labels, spec = "SUrRCOnneCtWnOr", "sssssssssssssss"
    m = line_metrics(list(labels), boxes(spec[:10] + "T" + spec[11:]), 30, BASE)
    assert m.x_height == XH and m.cap_height == pytest.approx(XH * 1.45)
    mixed = line_metrics(list("RnAnen"), boxes("ssssss"), 30, BASE)
    assert mixed.x_height is None


def test_a_digits_look_alike_standing_alone_is_the_digit():
    """A print 9 read g, an S or a G alone: hardly ever a word, often a number ("supplied 9 outdoors",
    "auctions 6"). An I, O or L alone may be a word and stays a letter; in a word, look-alikes follow it."""
    assert text_of("g", "d", "9") == "9"
    assert text_of("S", "T", "5") == "5"
    assert text_of("G", "T", "6") == "6"
    assert text_of("B", "T", "3") == "3"  # no 8 in view: the likeliest digit
    assert text_of("I", "b", "1") == "I"
    assert text_of("O", "T", "0") == "O"
    assert text_of("Sa", "Ts", "5 ") == "Sa"


def test_a_narrow_seven_given_a_good_share_of_one_is_the_one_of_print():
    """Print's 1 has a flag the classifier takes for a 7's bar ('177' read 777): a glyph read 7, narrower
    than a 7 (whose bar spans it) and given a 1 a good share of its 7, is a 1. As wide as a 7, or given
    hardly any 1, it stays a 7."""
    rows = probs_for("777")
    rows[:, BALANCED47.index("7")], rows[:, BALANCED47.index("1")] = 0.5, 0.3
    chars = decode_word(rows, boxes("fTT"), BALANCED47, METRICS)
    assert "".join(c for c, _, _ in chars) == "177" and chars[0][1] == pytest.approx(0.3)
    rows[0, BALANCED47.index("1")] = 0.05
    assert "".join(c for c, _, _ in decode_word(rows, boxes("fTT"), BALANCED47, METRICS)) == "777"


def test_a_tied_vote_of_look_alikes_goes_where_the_probability_is():
    """A print 29 read 2g: a digit and a letter, both look-alikes, tie the vote; the classifier puts more of
    the two glyphs' probability on digits (the 2 surely, the g a little) and the word reads 29. With the g
    surely a letter, letters win: Zg."""
    assert text_of("2g", "Td", " 9") == "29"
    assert text_of("2g", "Td") == "Zg"


def test_a_line_without_an_x_height_takes_the_pages():
    shown = [
        LineMetrics(cap_height=30, x_height=18, baseline=50),
        LineMetrics(cap_height=40, x_height=26, baseline=90),
    ]
    bare = LineMetrics(cap_height=32, x_height=None, baseline=130)  # a short line: "cow 1"
    measured = with_page_x_height([*shown, bare])
    assert measured[:2] == shown
    assert measured[2].x_height == pytest.approx(32 * (18 / 30 + 26 / 40) / 2)
    # letters of the page's x-height, their strokes thick (24 px of 32): small against the page's x-height,
    # capitals against the capital height alone
    word = [(x, 130 - 24, x + 20, 130) for x in (0, 24, 48)]
    assert [c[0] for c in decode_word(probs_for("COW"), word, BALANCED47, measured[2])] == ["c", "o", "w"]
    assert [c[0] for c in decode_word(probs_for("COW"), word, BALANCED47, bare)] == ["C", "O", "W"]
    assert with_page_x_height([shown[0], bare]) == [shown[0], bare]  # one line is too few to tell the hand


def test_a_list_whose_last_line_shows_no_x_height_of_its_own_reads_in_small_letters():
    import hcr_ocr
    from hcr_ocr.data.degradations import degrade
    from hcr_ocr.reading.loading import load_image
    from tests.conftest import REPO

    # the bench's gauss-45 copy of samples/list.png (seed 0): "apples 6" alone has no small a/e/n/r read as
    # such under the noise, and its P P S were sized against the capital height alone
    page = degrade(load_image(REPO / "samples" / "list.png"), "gauss-45", 0, 3, "samples")
    assert hcr_ocr.read(page).text == "milk 2\neggs 12\nbread 1\napples 6"
