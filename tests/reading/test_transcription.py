"""Joins and splits of glyphs, chosen from what the classifier said, on small made-up masks; the page's
budgets; when the word list may mend more."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

import hcr_ocr
from hcr_ocr.data.degradations import degrade
from hcr_ocr.page import Char, Word
from hcr_ocr.reading.glyphs import Glyph, join_candidates
from hcr_ocr.reading.lexicon import Lexicon
from hcr_ocr.reading.loading import load_image
from hcr_ocr.reading.pipeline import get_classifier
from hcr_ocr.reading.settings import DEFAULT, Settings, replace
from hcr_ocr.reading.transcription import (
    Evidence,
    choose_splits,
    in_listed_language,
    listed_letter_share,
    split_at_listed_gap,
    take_joins,
    without_stray_stop,
)
from tests.conftest import synthetic_page

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


# Tests of the word list (stage 8) and what comes before it read without the word reader (stage 12).
LIST_ONLY = replace(DEFAULT, word_reader=replace(DEFAULT.word_reader, enabled=False))


def read_line(image: np.ndarray, line: int, **lexicon_settings: float) -> str:
    """Line `line` of the text `hcr_ocr.read` gives for `image`, with these word-list settings changed."""
    settings = replace(LIST_ONLY, lexicon=replace(DEFAULT.lexicon, **lexicon_settings))
    return hcr_ocr.read(image, settings=settings).text.split("\n")[line]


def sample_line(name: str, condition: str, index: int, line: int, **transcription_settings: float) -> str:
    """Line `line` of samples/`name`.png degraded as `hcr-ocr bench --conditions` degrades it (seed 0, the
    page's `index` among the samples), read with these transcription settings changed."""
    page = degrade(load_image(SAMPLES / f"{name}.png"), condition, seed=0, index=index, source="samples")
    settings = replace(LIST_ONLY, transcription=replace(DEFAULT.transcription, **transcription_settings))
    return hcr_ocr.read(page, settings=settings).text.split("\n")[line]


def bar(x0: int, x1: int, top: int = 0, bottom: int = 20) -> Glyph:
    """A solid block of ink from x0 to x1 (exclusive), as a glyph."""
    return Glyph((x0, top, x1, bottom), np.full((bottom - top, x1 - x0), 255, np.uint8))


def evidence_with(logp: dict[Glyph, float]) -> Evidence:
    """Evidence in which the classifier's log-certainty of each glyph is as given."""
    evidence = Evidence(get_classifier())
    evidence.logp.update(logp)
    return evidence


def ink_columns(glyphs: list[Glyph]) -> set[int]:
    return {g.bbox[0] + x for g in glyphs for x in np.nonzero(g.mask.any(axis=0))[0]}


def test_overlapping_joins_keep_every_piece_of_ink():
    # Three 4-px pieces close together (x 0-14), then two letters at the word's usual spacing: join_candidates
    # offers both 0-1 and 1-2. Both joins read better than their pieces; only one may be taken.
    glyphs = [bar(0, 4), bar(5, 9), bar(10, 14), bar(25, 35), bar(45, 55)]
    joined = join_candidates(glyphs, letter_width=10)
    assert sorted(joined) == [0, 1]
    evidence = evidence_with({g: -2.0 for g in glyphs} | {joined[0]: -0.5, joined[1]: -0.3})
    options = {g: [] for g in joined.values()}
    out = take_joins(glyphs, joined, evidence, options)
    assert ink_columns(out) == ink_columns(glyphs)
    assert [g.bbox[0] for g in out] == [0, 5, 25, 45]  # 1-2 gains more, so 0 stays alone
    assert out[1] is joined[1] and options[joined[1]] == [[glyphs[1], glyphs[2]]]


def test_a_join_is_taken_only_where_the_classifier_is_surer_of_it():
    glyphs = [bar(0, 4), bar(5, 9), bar(25, 35), bar(45, 55), bar(65, 75)]
    joined = join_candidates(glyphs, letter_width=10)
    assert list(joined) == [0]
    options = {joined[0]: []}
    unsure = evidence_with({glyphs[0]: -0.2, glyphs[1]: -0.2, joined[0]: -0.4})
    assert take_joins(glyphs, joined, unsure, options) == glyphs
    sure = evidence_with({glyphs[0]: -1.0, glyphs[1]: -1.0, joined[0]: -0.4})
    assert [g.bbox for g in take_joins(glyphs, joined, sure, options)][0] == (0, 0, 9, 20)


def test_a_wide_glyph_is_split_only_by_a_margin():
    wide, left, right = bar(0, 30), bar(0, 14), bar(16, 30)
    options = {wide: [[left, right]]}
    # the pieces read better than the whole, but by less than the margin (0.15): kept whole
    close = evidence_with({wide: -1.0, left: -0.9, right: -0.9})
    assert choose_splits([wide], options, close) == [wide]
    better = evidence_with({wide: -1.0, left: -0.2, right: -0.4})
    assert choose_splits([wide], options, better) == [left, right]


def test_a_word_of_punctuation_alone_is_read_without_searching_the_word_list():
    """A word whose glyphs are all marks (its letters dropped as specks, as on a noisy scan) is read as its
    marks; it once crashed the word-list search with an empty matrix."""
    from hcr_ocr.reading.decoding import line_metrics
    from hcr_ocr.reading.lexicon import lexicon_from
    from hcr_ocr.reading.transcription import WordContext, raw_word

    dash = Glyph((0, 10, 12, 13), np.full((3, 12), 255, np.uint8), punct="-")
    stop = Glyph((14, 18, 17, 21), np.full((3, 3), 255, np.uint8), punct=".")
    evidence = evidence_with({})
    context = WordContext(line_metrics([], [], 20.0, 20.0), True, 12.0)
    word, query = raw_word([dash, stop], [dash, stop], evidence, context, lexicon_from("shipped"))
    assert word.text == "-." and query is None


def test_a_page_that_shows_no_writing_is_read_within_fixed_budgets():
    from hcr_ocr.reading.settings import DEFAULT
    from hcr_ocr.reading.transcription import PageBudget

    budget = PageBudget()
    assert budget.looks(sure=20, unsure=980) == DEFAULT.recognition.looks_again_per_page  # 2% read surely
    assert budget.looks(sure=0, unsure=50) == 0  # spent: the search's pieces get no second look
    assert budget.searches(100) == DEFAULT.transcription.searches_per_page and budget.searches(5) == 0
    writing = PageBudget()
    assert writing.looks(sure=500, unsure=1500) == 1500  # a quarter read surely: writing
    assert writing.looks(sure=0, unsure=900) == 900 and writing.searches(500) == 500
    assert budget.shows_no_writing and not writing.shows_no_writing
    assert writing.shows_writing and not budget.shows_writing
    crop = PageBudget()
    crop.looks(sure=2, unsure=20)  # a word or two read unsurely: too few glyphs to tell
    assert crop.writing is False and not crop.shows_no_writing
    name = PageBudget()
    name.looks(sure=9, unsure=3)  # a name read surely is no page of writing either
    assert name.writing is True and not name.shows_writing


def test_the_letters_in_listed_words_of_three_letters_or_more_tell_noise_from_writing():
    lexicon = Lexicon.shipped()

    def share(text: str) -> float | None:
        return listed_letter_share([spaced(w, [2] * (len(w) - 1)) for w in text.split()], lexicon, 3)

    assert share("The meeting moved to Friday.") == 21 / 23
    assert share("to I, 4 i I I I 2 7 a OR 9 To at MY a by IN") == 0.0  # short listed words: chance hits
    noise = "IAN ALIENIST ABA ANIMA IIMTI I AMT W AN D a IAIINID daataaeannl izalln A a rae m"
    assert share(noise) == 25 / 63  # 7 of its 11 words of two letters or more are listed
    assert share("a 1 I 5") is None and share("555 0142") is None  # no word to judge by


def test_a_texture_or_a_checkerboard_reads_as_a_blank_page_and_writing_stays():
    from hcr_ocr.evaluate.stress import stress_image
    from tests.conftest import REPO

    # before: 37 lines of "DDDD..." and 3 lines ("ANA FIRST", ...) read with mean confidences under 0.25
    assert hcr_ocr.read(stress_image("checkerboard", 0.5, seed=0)).lines == []
    assert hcr_ocr.read(stress_image("texture", 0.5, seed=0)).lines == []
    assert len(hcr_ocr.read(REPO / "samples" / "paragraph.png").lines) == 4


def test_grey_noise_and_specks_read_as_blank_pages_and_tiny_writing_stays(monkeypatch):
    from hcr_ocr.evaluate.stress import stress_image
    from hcr_ocr.reading.transcription import PageBudget

    # 1600x1200 of Gaussian grey noise: before, 23 lines such as "RNN Hz M 7 II NIZI NMIZ", mean confidence
    # 0.36-0.44, a fifth of their words or fewer listed
    noise = np.clip(np.random.default_rng(5).normal(128, 40, (1200, 1600)), 0, 255).astype(np.uint8)
    assert hcr_ocr.read(noise).lines == []
    # before: "IAN ALIENIST ABA ANIMA IIMTI I AMT W AN D a ...", "LII END ZAIMIALQ TO Cities ...": more than
    # half their words listed, most of them two or three letters long, under half their letters
    for seed, sigma in ((1, 50), (2, 40)):
        noise = np.clip(np.random.default_rng(seed).normal(128, sigma, (1200, 1600)), 0, 255).astype(np.uint8)
        assert hcr_ocr.read(noise).lines == []
    assert hcr_ocr.read(stress_image("specks", 0.5, seed=0)).lines == []  # before: a line of 102 I's
    # a photo of grainy paper: before, "DAD", "SEA", "DAWN": single specks a few px tall, hundreds apart
    rng = np.random.default_rng(11)
    grain = 200 + rng.normal(0, 25, (1200, 1600)) * (rng.random((1200, 1600)) < 0.5)
    grain = cv2.GaussianBlur(np.clip(grain, 0, 255).astype(np.uint8), (3, 3), 0)
    assert hcr_ocr.read(grain).lines == []
    # print written tiny (x0.35), its glyphs classified from their own blocky masks: under a quarter of them
    # read surely, so it shows no writing, yet its lines are read with good confidence and listed words, and
    # stay; classified from the page enlarged (as the reader does), they read surely: it shows writing
    verdicts = []
    shows = PageBudget.shows_no_writing

    def recorded(budget):
        verdicts.append(shows.fget(budget))
        return verdicts[-1]

    monkeypatch.setattr(PageBudget, "shows_no_writing", property(recorded))
    tiny = degrade(
        load_image(SAMPLES / "print-serif-mixed.png"), "scale-0.35", seed=0, index=11, source="samples"
    )
    as_they_are = replace(DEFAULT, scale=replace(DEFAULT.scale, min_letter=0.0))
    assert len(hcr_ocr.read(tiny, settings=as_they_are).lines) == 2 and verdicts and all(verdicts)
    verdicts.clear()
    assert len(hcr_ocr.read(tiny).lines) == 2 and verdicts and not any(verdicts)


def spy_on_budgets(monkeypatch) -> list[tuple[str, int, int, bool]]:
    """Record each (what, wanted, granted, writing) the reader's page budgets are asked."""
    from hcr_ocr.reading.transcription import PageBudget

    asked = []
    looks, searches = PageBudget.looks, PageBudget.searches

    def spy_looks(self, sure, unsure):
        granted = looks(self, sure, unsure)
        asked.append(("looks", unsure, granted, self.writing))
        return granted

    def spy_searches(self, wanted):
        granted = searches(self, wanted)
        asked.append(("searches", wanted, granted, self.writing))
        return granted

    monkeypatch.setattr(PageBudget, "looks", spy_looks)
    monkeypatch.setattr(PageBudget, "searches", spy_searches)
    return asked


def test_grey_noise_is_read_within_the_budgets_and_writing_in_full(monkeypatch):
    from hcr_ocr.evaluate.stress import stress_image
    from hcr_ocr.reading.pipeline import read
    from hcr_ocr.reading.settings import DEFAULT
    from tests.conftest import REPO

    asked = spy_on_budgets(monkeypatch)
    read(stress_image("noise", 1.0, seed=0))
    looks = [(wanted, granted) for what, wanted, granted, _ in asked if what == "looks"]
    searches = [(wanted, granted) for what, wanted, granted, _ in asked if what == "searches"]
    assert not any(writing for *_, writing in asked)
    assert sum(w for w, _ in looks) > DEFAULT.recognition.looks_again_per_page  # it wanted more ...
    assert sum(g for _, g in looks) == DEFAULT.recognition.looks_again_per_page  # ... and got the budget
    assert searches[0][0] > DEFAULT.transcription.searches_per_page
    assert searches[0][1] == DEFAULT.transcription.searches_per_page
    asked.clear()
    assert read(REPO / "samples" / "paragraph.png").text.startswith("DEAR TOM")
    assert asked and all(writing and granted == wanted for _, wanted, granted, writing in asked)


def words_of(text: str) -> list[list[Word]]:
    """Lines of words as the reader gives them, from text (boxes and confidences made up)."""
    return [
        [Word([Char(c, (0, 0, 1, 1), 1.0) for c in w], (0, 0, 1, 1)) for w in line.split()]
        for line in text.split("\n")
    ]


def test_running_text_in_the_lists_language_is_told_from_a_field():
    lexicon = Lexicon.shipped()
    s = DEFAULT.lexicon
    assert in_listed_language(words_of("The meewlig moved to\nPlease bnilg your notes."), lexicon, s)
    # too few words to tell: a name, a field of a form
    assert not in_listed_language(words_of("Kowalczyk Anna"), lexicon, s)
    assert not in_listed_language(words_of("the and of"), lexicon, s)
    # mostly unlisted words: a list of names, a page read as garbage
    assert not in_listed_language(words_of("Bravik Tolmenza Dupapege the Nodalor"), lexicon, s)
    # numbers and one-letter words do not count either way
    assert not in_listed_language(words_of("a 12 to 3 I 45 x the"), lexicon, s)


def test_a_page_of_running_text_lets_the_word_list_mend_more():
    # samples/print-serif-mixed.png under film grain, as `hcr-ocr bench --conditions speckle` makes it:
    # "meeting" and "bring" are read "meewlig" and "bnilg", each more than max_loss from the listed word
    page = load_image(SAMPLES / "print-serif-mixed.png")
    grainy = degrade(page, "speckle", seed=0, index=11, source="samples")
    read_as = hcr_ocr.read(grainy, settings=LIST_ONLY).text.lower().split()
    assert "meeting" in read_as and "bring" in read_as
    no_more_room = {
        "text_max_loss": DEFAULT.lexicon.max_loss,
        "text_loss_per_letter": 0.0,
        "text_spelling_weight": 0.0,
    }
    strict = replace(LIST_ONLY, lexicon=replace(DEFAULT.lexicon, **no_more_room))
    read_strictly = hcr_ocr.read(grainy, settings=strict).text.lower().split()
    assert "meewlig" in read_strictly and "bnilg" in read_strictly


def spaced(text: str, gaps: list[int], width: int = 10) -> Word:
    """A word of capitals `width` px wide with the given gaps between them (boxes on a 40 px body)."""
    chars, x = [], 0
    for ch, gap in zip(text, [*gaps, 0], strict=True):
        chars.append(Char(ch, (x, 0, x + width, 40), 0.9))
        x += width + gap
    return Word(chars, (0, 0, x, 40))


def test_a_word_is_split_at_a_narrow_space_where_both_sides_are_listed_words():
    lexicon = Lexicon.shipped()
    body = 40.0
    split = split_at_listed_gap(spaced("PAGEONE", [3, 2, 3, 12, 3, 2]), body, lexicon)
    assert [w.text for w in split] == ["PAGE", "ONE"] and split[1].bbox[0] == 4 * 10 + 3 + 2 + 3 + 12
    # no gap wide enough, or not wide for this word's letter gaps: one word
    assert len(split_at_listed_gap(spaced("PAGEONE", [3, 2, 3, 5, 3, 2]), body, lexicon)) == 1
    assert len(split_at_listed_gap(spaced("PAGEONE", [9, 8, 9, 12, 9, 8]), body, lexicon)) == 1
    # a listed word stays whole however it is spaced; so does one whose halves are not both listed
    assert len(split_at_listed_gap(spaced("NOTEBOOK", [2, 2, 2, 14, 2, 2, 2]), body, lexicon)) == 1
    assert len(split_at_listed_gap(spaced("PAGEQXZ", [3, 2, 3, 12, 3, 2]), body, lexicon)) == 1


def test_a_stop_inside_a_listed_word_is_a_speck_but_not_in_an_abbreviation():
    lexicon = Lexicon.shipped()
    gaps = [3] * 5
    mended = without_stray_stop(spaced("C.HINA", gaps), lexicon)
    assert mended.text == "CHINA" and mended.from_lexicon and mended.bbox == (0, 0, 10 * 6 + 3 * 5, 40)
    assert without_stray_stop(spaced("n,eeds", gaps), lexicon).text == "needs"
    for kept in ("E.G", "U.S.A", "EXAMPLE.COM", "CH-INA", ".CHINA", "CHINA.", "C.H1NA"):
        assert without_stray_stop(spaced(kept, [3] * (len(kept) - 1)), lexicon).text == kept


def test_a_speck_by_a_faint_letter_is_no_stop_inside_its_word():
    """The 35th synthetic page of seed 0 in ink at 30% of its darkness: the C of CHINA ends in a faint
    stroke that breaks off into a dot at the baseline, read as a stop between C and H."""
    faint, truth = synthetic_page(35, "ink-30")
    assert truth[1] == "CHINA 4"
    assert hcr_ocr.read(faint).text.split("\n")[1] == "CHINA 4"
    settings = replace(DEFAULT, transcription=replace(DEFAULT.transcription, stray_stop_min_after=99))
    assert hcr_ocr.read(faint, settings=settings).text.split("\n")[1] == "C.HINA 4"


def test_a_run_of_words_is_split_at_as_few_of_its_narrow_spaces_as_make_listed_words():
    """Printed capitals under speckle: the line's spaces fell short of a word gap and six words ran together.
    Its five spaces, its five widest gaps, are wide for its letter gaps, and every word between them is
    listed; a wide letter gap in MEET, narrower than the spaces, is left alone."""
    lexicon = Lexicon.shipped()
    gaps = [3, 9, 3, 12, 3, 13, 2, 3, 14, 3, 12, 3, 2, 15, 3, 2]
    split = split_at_listed_gap(spaced("MEETATSIXBYTHEOLD", gaps), 40.0, lexicon)
    assert [w.text for w in split] == ["MEET", "AT", "SIX", "BY", "THE", "OLD"]
    assert all(w.from_lexicon and w.raw == "MEETATSIXBYTHEOLD" for w in split)
    # one piece not listed: the run stays whole
    assert len(split_at_listed_gap(spaced("MEETATSIXBYTHEQXD", gaps), 40.0, lexicon)) == 1


def test_a_word_split_from_a_run_takes_the_case_its_own_letters_were_read_in():
    """Tight type: 'MEASURE Transmission' ran together and was put in one case, the run's small letters.
    Split at its wide gap, each word takes the case its own letters' classes tell (A a, E e, R r, T t are
    classes of their own): MEASURE in capitals, Transmission with its capital T; a word whose later
    letters tell nothing (merged classes: C O S) keeps the run's case."""
    lexicon = Lexicon.shipped()
    sure = {"M": None, "E": 0.9, "A": 0.95, "S": None, "U": None, "R": 0.9, "T": 0.92}
    word = spaced("measuretransmission", [2] * 6 + [9] + [2] * 11)
    for c, letter in zip(word.chars, "MEASURETransmission", strict=True):
        p = sure.get(letter)
        if p is not None:  # the capital's class, sure of it
            c.alternatives = [(letter, p), (letter.lower(), 0.02)]
        elif letter.islower() and letter.upper() not in "CIJKLMOPSUVWXYZ":
            c.alternatives = [(letter, 0.9), (letter.upper(), 0.05)]
    assert [w.text for w in split_at_listed_gap(word, 40.0, lexicon)] == ["MEASURE", "Transmission"]
    # where a class is doubted (T 0.5 against t 0.4), the letter keeps the run's case
    word.chars[7].alternatives = [("T", 0.5), ("t", 0.4)]
    assert [w.text for w in split_at_listed_gap(word, 40.0, lexicon)] == ["MEASURE", "transmission"]
    # later letters of merged classes only (cocoa's c o c o, a small a unsure): the run's case stays
    word = spaced("measurecocoa", [2] * 6 + [9] + [2] * 4)
    for c, letter in zip(word.chars, "MEASURECocoa", strict=True):
        if sure.get(letter):
            c.alternatives = [(letter, sure[letter]), (letter.lower(), 0.02)]
    word.chars[-1].alternatives = [("a", 0.5), ("A", 0.4)]
    assert [w.text for w in split_at_listed_gap(word, 40.0, lexicon)] == ["MEASURE", "cocoa"]


def tight_type(text: str, size: int, space: float) -> np.ndarray:
    """`text` set in DejaVu Sans (matplotlib's copy, there wherever the tests run) at `size` px, dark grey
    on light paper, its word spaces `space` of the size wide: tighter than the font's own."""
    from matplotlib import get_data_path
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(str(Path(get_data_path()) / "fonts/ttf/DejaVuSans.ttf"), size)
    words = text.split()
    width = sum(font.getlength(w) for w in words) + space * size * (len(words) - 1) + 2 * size
    page = Image.new("L", (int(width), 2 * size), 235)
    draw, x = ImageDraw.Draw(page), size
    for w in words:
        draw.text((x, size // 2), w, fill=55, font=font)
        x += font.getlength(w) + space * size
    return np.asarray(page)


@pytest.mark.parametrize("text", ["REDUCTION 23 MEASURE Transmission", "PLEASE return the form"])
def test_words_of_tight_type_run_together_are_read_apart_each_in_its_own_case(text: str):
    """Word spaces of a fifth of the type size, too narrow to stand out from the letter gaps on a short
    line: the words run together and are split at their wide gaps by the word list; each keeps the case
    it was set in ('MEASURE TRANSMISSION', 'Please return' before)."""
    assert hcr_ocr.read(tight_type(text, 22, 0.2)).text == text


def read_as(word: Word, **alternatives: list[tuple[str, float]]) -> Word:
    """`word` with the classifier's top classes given for some of its letters (by letter: A=[...])."""
    for c in word.chars:
        if c.text in alternatives:
            c.alternatives = alternatives[c.text]
            c.confidence = c.alternatives[0][1]
    return word


def test_a_number_run_into_listed_words_is_split_off_and_read_as_digits():
    """'page 42' set tight reads 'pageaz': a piece between the wide gaps may be a number, where the
    classifier gives each of its glyphs some probability on digits, and one of them a good deal. Each glyph
    is read as its digit look-alike (Z 2) where it has one, else as its likeliest digit."""
    lexicon = Lexicon.shipped()
    word = read_as(
        spaced("PAGEAZ", [3, 2, 3, 12, 3]), A=[("A", 0.5), ("4", 0.4)], Z=[("2", 0.8), ("Z", 0.15)]
    )
    split = split_at_listed_gap(word, 40.0, lexicon)
    assert [(w.text, w.from_lexicon, w.raw) for w in split] == [
        ("PAGE", True, "PAGEAZ"),
        ("42", False, "PAGEAZ"),
    ]
    assert [c.confidence for c in split[1].chars] == [0.4, 0.8]
    # a glyph the classifier hardly gives a digit: one word however wide the gap
    word = read_as(
        spaced("PAGEAZ", [3, 2, 3, 12, 3]), A=[("A", 0.95), ("4", 0.03)], Z=[("2", 0.8), ("Z", 0.15)]
    )
    assert split_at_listed_gap(word, 40.0, lexicon) == [word]
    # letters that look like digits, none of them surely a digit: 'ILY' of ILYAS is no 114
    word = read_as(spaced("ILYAS", [3, 2, 12, 3]), I=[("I", 0.5), ("1", 0.4)], L=[("L", 0.6), ("1", 0.3)])
    word.chars[2].alternatives = [("Y", 0.5), ("4", 0.4)]
    assert split_at_listed_gap(word, 40.0, lexicon) == [word]
    word.chars[2].alternatives = [("4", 0.7), ("Y", 0.2)]
    assert [w.text for w in split_at_listed_gap(word, 40.0, lexicon)] == ["114", "AS"]
    # a sure 0 is no sure digit: an o is its shape in most hands ('LISToy' is no 'LIST 04')
    word = read_as(spaced("LISTOY", [2, 3, 2, 12, 3]), O=[("0", 0.7), ("O", 0.3)], Y=[("Y", 0.6), ("4", 0.3)])
    assert split_at_listed_gap(word, 40.0, lexicon) == [word]


def test_a_piece_misread_is_a_listed_word_spelled_with_the_classifiers_other_letters():
    """'TICKETS traffic' run together, its I read L: 'TLCKETS' is no listed word, but the classifier gave
    that glyph some probability on I, and spelled so it is."""
    lexicon = Lexicon.shipped()
    gaps = [3, 2, 3, 2, 3, 2, 12, 3, 2, 3, 2, 3, 2]
    word = read_as(spaced("TLCKETSTRAFFIC", gaps), L=[("L", 0.5), ("I", 0.4), ("1", 0.05)])
    split = split_at_listed_gap(word, 40.0, lexicon)
    assert [(w.text, w.from_lexicon) for w in split] == [("TICKETS", True), ("TRAFFIC", True)]
    assert split[0].chars[1].confidence == 0.4 and split[0].chars[1].alternatives[0] == ("L", 0.5)
    # the classifier hardly saw an I there: one word
    word = read_as(spaced("TLCKETSTRAFFIC", gaps), L=[("L", 0.9), ("I", 0.05)])
    assert split_at_listed_gap(word, 40.0, lexicon) == [word]


def test_a_look_alike_standing_alone_is_no_number_and_numbers_side_by_side_are_one():
    lexicon = Lexicon.shipped()
    # a lone I may be a word: 'IHERE' is no '1 HERE'; a 2 alone is a number
    word = read_as(spaced("IHERE", [12, 2, 3, 2]), I=[("1", 0.7), ("I", 0.3)])
    assert split_at_listed_gap(word, 40.0, lexicon) == [word]
    assert [w.text for w in split_at_listed_gap(spaced("2HERE", [12, 2, 3, 2]), 40.0, lexicon)] == [
        "2",
        "HERE",
    ]
    # nothing tells a space between two numbers from the gaps around a tabular 1: 3123 stays one number
    assert [w.text for w in split_at_listed_gap(spaced("3123WON", [12, 3, 3, 12, 2, 3]), 40.0, lexicon)] == [
        "3123",
        "WON",
    ]
    assert split_at_listed_gap(whole := spaced("3123", [12, 3, 3]), 40.0, lexicon) == [whole]
    # nor is a word of look-alikes with no listed word beside them read as a number: the reader said letters
    sozi = read_as(spaced("SOZI", [12, 3, 3]), S=[("5", 0.7)], O=[("0", 0.6)], Z=[("2", 0.9)], I=[("1", 0.5)])
    assert split_at_listed_gap(sozi, 40.0, lexicon) == [sozi]


def test_printed_capitals_under_grain_keep_their_narrow_word_space():
    # samples/print-sans-caps.png under film grain (`hcr-ocr bench --conditions speckle`): "PAGEONE" before
    page = load_image(SAMPLES / "print-sans-caps.png")
    grainy = degrade(page, "speckle", seed=0, index=8, source="samples")
    assert hcr_ocr.read(grainy).text.split("\n")[0] == "PAGE ONE"


def test_on_running_text_a_glyph_little_wider_than_a_letter_is_cut_for_the_word_list():
    """A synthetic page of running text (the 32nd of seed 0): the i and o of 'connection' touch and read
    as one glyph, 'connectwn', a glyph only a little wider than the page's letters. On running text it is
    cut finer for the word list and the word reads 'connection'; cut only from 1.3 letters wide, as on a
    field of a form (and without the room a reading spelled unlike any word gets), it stays 'connectwn'."""
    gray, truth = synthetic_page(32)
    assert truth[0] == "sure connection or"
    assert hcr_ocr.read(gray, settings=LIST_ONLY).text.split("\n")[0] == "sure connection or"
    coarse = replace(
        LIST_ONLY,
        transcription=replace(DEFAULT.transcription, oversegment_running_text=1.3),
        lexicon=replace(DEFAULT.lexicon, text_spelling_weight=0.0),
    )
    assert hcr_ocr.read(gray, settings=coarse).text.split("\n")[0] == "sure connectwn or"


def test_a_page_found_to_be_running_text_by_the_word_list_is_searched_again_cut_finer():
    # samples/print-serif-mixed.png in marker, as `hcr-ocr bench --conditions marker` makes it: read glyph
    # by glyph, 2 of its 9 words are listed words; once the word list has mended four of them the page is
    # running text, and "Friday", whose r and i touch (read "Fhday"), is searched again with its glyphs cut
    # from one letter wide. Cut only from 1.3 letters wide, it becomes "today".
    assert sample_line("print-serif-mixed", "marker", 11, 0).endswith(" to Friday")
    assert sample_line("print-serif-mixed", "marker", 11, 0, oversegment_running_text=1.3).endswith(
        " to today"
    )


def test_touching_letters_read_as_one_cost_the_word_list_their_width():
    """The 8th synthetic page of seed 0 in marker, as `hcr-ocr bench --conditions marker` makes it: the p, e
    and c of 'Respect' run together into one glyph 2.7 letters wide. Read as one letter, it makes the
    listed word 'Reset'; priced by its width (wide_letter_cost), the word list reads 'Respect'."""
    from hcr_ocr.reading.decoding import line_metrics
    from hcr_ocr.reading.transcription import WordContext, width_cost, width_unit

    assert list(width_cost([10, 20, 27], 10.0, DEFAULT.lexicon)) == pytest.approx([0.0, 0.0, 2.1])
    # letters are counted in the line's letter width, or where wider the word's median glyph (a word of
    # capitals), or half the capital height (a word of thin strokes)
    metrics = line_metrics([], [], 20.0, 20.0)
    assert metrics.cap_height == 20.0
    line = WordContext(metrics, True, 12.0)
    assert width_unit([bar(0, 14), bar(20, 34), bar(40, 80)], line, DEFAULT.lexicon) == 14.0
    thin = WordContext(metrics, True, 4.0)
    assert width_unit([bar(0, 3), bar(10, 13), bar(20, 23)], thin, DEFAULT.lexicon) == 10.0
    # a word of one or two glyphs has no median to go by: its glyphs may be letters run together
    assert width_unit([bar(0, 14), bar(20, 60)], line, DEFAULT.lexicon) == 12.0
    bold, truth = synthetic_page(8, "marker")
    assert truth[0] == "rate 222 Respect quick"
    assert read_line(bold, 0) == "rate 222 Respect quick"
    assert read_line(bold, 0, wide_letter_cost=0.0) == "rate 222 Reset quick"


def test_a_word_of_two_glyphs_is_priced_in_the_line_letter_width():
    """The serif capitals of samples/print-serif-caps.png in marker, as `hcr-ocr bench --conditions marker`
    makes them: STAFF is two glyphs, 'ST' and 'AFF', the second 2.4 of the line's letter widths wide. The
    median of two glyphs is no letter width (wide_letter_median_glyphs), so read as one letter 'AFF' costs
    its width and the word reads 'STAFF'; priced in the word's own median glyph, 'SIM'."""
    bold = degrade(load_image(SAMPLES / "print-serif-caps.png"), "marker", seed=0, index=10, source="samples")
    assert read_line(bold, 0).split()[-1] == "STAFF"
    assert read_line(bold, 0, wide_letter_median_glyphs=1).split()[-1] == "SIM"


def test_on_running_text_a_long_unsure_reading_may_lose_a_nat_a_letter_to_a_listed_word():
    """The 42nd synthetic page of seed 0 with a hairline pen, as `hcr-ocr bench --conditions hairline` makes
    it: 'increasing' reads 'lnoreaslnc7' glyph by glyph, ten letters the classifier is unsure of, against
    which 'increasing' loses more than text_max_loss but less than a nat a letter (text_loss_per_letter)."""
    thin, truth = synthetic_page(42, "hairline")
    assert truth[1] == "drug increasing"
    assert read_line(thin, 1) == "drug increasing"
    assert read_line(thin, 1, text_loss_per_letter=0.0) == "drug lnoreaslnc7"


def test_on_running_text_a_reading_spelled_unlike_any_word_may_lose_more_to_a_listed_word():
    """The 15th synthetic page of seed 0 with a hairline pen: the classifier is sure of 'commcrcc' (each e
    read as c), which 'commerce' loses to by more than a nat a letter; but 'commcrcc' is spelled 27 nats less
    like the list's words (spelling), and 'commerce' may lose half of that beyond text_spelling_free."""
    thin, truth = synthetic_page(15, "hairline")
    assert truth[0] == "safe commerce netherlands"
    assert read_line(thin, 0) == "safe commerce netherlands"
    assert read_line(thin, 0, text_spelling_weight=0.0) == "safe commcrcc netherlands"


def test_a_word_whose_letters_run_together_may_be_listed_three_letters_longer_than_read():
    """The same marker page, its blobs left whole (not parted at their necks, lines.split_at_necks):
    'comprehensive' is five glyphs, its letters run together, read 'comemnsm' glyph by glyph and
    'comfm4ensm' through the cuts. Listed words up to three letters longer than either are tried, and it
    reads 'comprehensive'; up to two only, 'communism'. Parted, it reads 'comprehensive' either way."""
    bold, truth = synthetic_page(8, "marker")
    assert truth[3] == "nations comprehensive 58"
    whole = replace(LIST_ONLY, lines=replace(DEFAULT.lines, neck_min_stroke=float("inf")))

    def third_word(settings: Settings) -> str:
        return hcr_ocr.read(bold, settings=settings).text.split("\n")[3].split()[1]

    assert third_word(whole) == "comprehensive"
    assert third_word(replace(whole, lexicon=replace(DEFAULT.lexicon, length_slack=2))) == "communism"
    assert third_word(replace(DEFAULT, lexicon=replace(DEFAULT.lexicon, length_slack=2))) == "comprehensive"


def test_a_number_set_tight_against_its_word_is_read_apart_as_digits():
    """samples/print-sans-mixed.png under film grain (`hcr-ocr bench --conditions speckle`): the space in
    'page 42' falls short of a word gap and the glyphs read 'page4z'. 'page' is a listed word and the
    classifier gives the z a digit: split off, it is the number 42."""
    assert sample_line("print-sans-mixed", "speckle", 9, 2).endswith(" page 42")
    assert sample_line("print-sans-mixed", "speckle", 9, 2, listed_split_sure_digit=1.1).endswith(" page4z")


def test_a_run_together_word_misread_is_split_where_its_piece_respelled_is_listed():
    """The 21st synthetic page of seed 0 under film grain (`hcr-ocr bench --conditions speckle`): 'my
    statistics' runs together and its i reads l, 'mystatlstics'. 'statlstics' is no listed word, but the
    classifier gave the l some probability on I: respelled, it is 'statistics', and the run splits."""
    gray, truth = synthetic_page(21, "speckle")
    assert truth[1] == "may my statistics"
    assert hcr_ocr.read(gray).text.split("\n")[1] == "may my statistics"
    as_read = replace(DEFAULT, transcription=replace(DEFAULT.transcription, listed_split_min_respelled=99))
    assert hcr_ocr.read(gray, settings=as_read).text.split("\n")[1] == "may mystatlstics"
