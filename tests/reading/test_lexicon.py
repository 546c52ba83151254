"""Word lists and the lexicon search on hand-made glyph probabilities; `read --lexicon` on a real sample."""

from __future__ import annotations

import gzip
import itertools
import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hcr_ocr.data.datasets import BALANCED47
from hcr_ocr.errors import HcrError
from hcr_ocr.reading.lexicon import SYMBOLS, Edge, Lexicon, _score_words, caseless, lexicon_from
from tests.conftest import REPO, assert_one_line_error, run_cli, shipped


def glyph(best: str, p: float = 0.9, second: str | None = None) -> np.ndarray:
    """Class probabilities of one glyph: `p` on `best`, the rest on `second` (or spread evenly)."""
    row = np.full(len(BALANCED47), (1 - p) / (len(BALANCED47) - 1), np.float32)
    row[BALANCED47.index(best)] = p
    if second:
        row[:] = 0.0
        row[BALANCED47.index(best)] = p
        row[BALANCED47.index(second)] = 1 - p
    return row


def lattice(*glyphs: np.ndarray) -> list[Edge]:
    return [Edge(k, k + 1, caseless(g[None], BALANCED47), k) for k, g in enumerate(glyphs)]


def raw_logp(edges: list[Edge]) -> np.ndarray:
    return np.concatenate([e.logp for e in edges])


def test_word_lists_with_counts_ranks_and_gzip(tmp_path):
    counted = tmp_path / "counted.txt"
    counted.write_text("the\t1000\nInto\t10\nbad-word\t5\n\n")
    lexicon = Lexicon.load(counted)
    assert set(lexicon.prior) == {"the", "into"}  # lower-cased, a-z only
    assert lexicon.prior["the"] == 0.0 and lexicon.prior["into"] == pytest.approx(np.log(0.01))
    ranked = tmp_path / "ranked.txt.gz"
    with gzip.open(ranked, "wt") as f:
        f.write("alpha\nbeta\ngamma\n")
    assert Lexicon.load(ranked).prior["gamma"] == pytest.approx(np.log(1 / 3))
    assert lexicon_from("none") is None and lexicon_from(None) is None
    assert len(lexicon_from("shipped").prior) > 80_000


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such word list"),
        (b"\xff\xfe\x00\x81" * 50, "not a readable word list"),
        (b"123\n", "no words"),
    ],
)
def test_bad_word_lists(tmp_path, content, message):
    path = tmp_path / "words.txt"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(HcrError, match=message):
        Lexicon.load(path)


def test_a_misread_word_is_mended_when_the_evidence_allows():
    lexicon = Lexicon(["the", "into", "info"], [1000.0, 100.0, 50.0])
    # 'l' read first with 'I' (merged i) close behind; the rest sure: raw "lnto"
    edges = lattice(glyph("L", 0.6, "I"), glyph("n"), glyph("t"), glyph("O", 0.8, "0"))
    match = lexicon.best_match(edges, 5, "lnto")
    assert match.word == "into"
    assert lexicon.accepts(match, raw_logp(edges))


def test_a_name_the_classifier_is_sure_of_stays():
    lexicon = Lexicon(["the", "into", "info"], [1000.0, 100.0, 50.0])
    edges = lattice(glyph("K", 0.98), glyph("n", 0.98), glyph("t", 0.98), glyph("O", 0.98))
    match = lexicon.best_match(edges, 5, "Knto")
    assert match.word == "into"  # the nearest listed word ...
    assert not lexicon.accepts(match, raw_logp(edges))  # ... costs too much evidence


def test_on_a_page_of_text_the_commoner_of_the_listed_words_the_glyphs_support_alike_is_chosen():
    """A first glyph read r 0.6, F 0.25: the glyphs favour 'raster' over 'faster' by 0.9 nats, the list's
    counts (100 to 1) 'faster' by 4.6. On a page of text frequency weighs more in the choice between listed
    words (text_choice_prior_weight, 0.25: faster) than on a name or a field (prior_weight, 0.15, also the
    weight in whether the chosen word replaces the reading: raster); a name read surely stays."""
    lexicon = Lexicon(["faster", "raster"], [100.0, 1.0])
    first = glyph("r", 0.6, "F")
    first[BALANCED47.index("F")], first[BALANCED47.index("7")] = 0.25, 0.15
    edges = lattice(first, *(glyph(c) for c in "aSter"))  # merged classes: S is s
    assert lexicon.best_match(edges, 7, "raster", page_of_text=True).word == "faster"
    assert lexicon.best_match(edges, 7, "raster").word == "raster"
    sure = lattice(glyph("K", 0.98), *(glyph(c, 0.98) for c in "aSter"))
    match = lexicon.best_match(sure, 7, "kaster", page_of_text=True)
    assert not lexicon.accepts(match, raw_logp(sure))


def test_a_listed_word_may_use_a_cut_the_raw_reading_did_not():
    """'rn' touching reads as one 'm' glyph; cut in two it reads 'r' 'n', which makes the listed word."""
    lexicon = Lexicon(["corner", "comer"], [100.0, 1.0])
    whole = glyph("M", 0.7, "n")
    pieces = np.stack([glyph("r", 0.8), glyph("n", 0.8)])
    edges = lattice(glyph("C"), glyph("O"), whole, glyph("e"), glyph("r"))
    edges.append(Edge(2, 3, caseless(pieces, BALANCED47), "cut"))
    match = lexicon.best_match(edges, 6, "comer")
    assert match.word == "corner"
    assert [e.key for e in match.path] == [0, 1, "cut", 3, 4]


def test_read_with_and_without_a_word_list(tmp_path):
    shipped("emnist47.onnx")
    image = str(REPO / "samples" / "letters.png")

    def words(*args: str) -> list[tuple[str, bool, str]]:
        proc = run_cli("read", image, "--format", "json", *args)
        assert proc.returncode == 0, proc.stderr
        page = json.loads(proc.stdout)
        return [(w["text"], w["lexicon"], w["raw"]) for w in page["lines"][0]["words"]]

    assert words("--lexicon", "none") == [
        ("Sebra", False, "Sebra"),
        ("qullt", False, "qullt"),
        ("hedgo", False, "hedgo"),
    ]
    assert words() == [("Zebra", True, "Sebra"), ("quilt", True, "qullt"), ("hedge", True, "hedgo")]
    mine = tmp_path / "mine.txt"
    mine.write_text("zebra\nquilt\n")  # a list of its own: only its words are used
    assert [w[0] for w in words("--lexicon", str(mine))] == ["Zebra", "quilt", "hedgo"]
    assert_one_line_error(
        run_cli("read", image, "--lexicon", str(tmp_path / "missing.txt")), "no such word list"
    )


def test_words_whose_letters_all_touch(data_dir):
    """Real EMNIST test ink, every letter of the word touching the next: the word list reads them through
    the cuts of the over-segmented blob, where the glyph-by-glyph reading cannot."""
    shipped("emnist47.onnx")
    from hcr_ocr.data.synthetic import _glyph_bank, render_page
    from hcr_ocr.reading.pipeline import read

    bank = _glyph_bank(data_dir)
    words = ["corner", "room", "summer", "used", "barn", "looking", "modern", "hammer", "speed", "ladder"]
    listed = plain = 0
    for word in words:
        for seed in range(5):
            image = render_page(word, bank, np.random.default_rng(seed), touching=1.0)
            listed += read(image).text.lower() == word
            plain += read(image, lexicon=None).text.lower() == word
    assert listed >= 30 and listed >= plain + 15, (listed, plain)  # measured: 34 and 13 of 50


def test_a_word_list_is_compiled_once_into_the_cache(tmp_path, monkeypatch):
    from hcr_ocr.reading.lexicon import COMPILED_MAGIC

    monkeypatch.setenv("HCR_OCR_CACHE", str(tmp_path / "cache"))
    source = tmp_path / "names.txt"
    source.write_text("smith\t50\nnguyen\t20\nSmith\t5\nli\t9\ncosta\t20\n", encoding="utf-8")
    parsed = Lexicon.parse(source)
    first = Lexicon.load(source)  # parses, and writes the compiled form
    (compiled,) = (tmp_path / "cache").iterdir()
    assert compiled.read_bytes().startswith(COMPILED_MAGIC)
    again = Lexicon.load(source)  # reads the compiled form
    for lexicon in (first, again):
        assert lexicon.prior == parsed.prior
        assert lexicon.lengths == parsed.lengths
        assert all(lexicon.words(n) == parsed.words(n) for n in parsed.lengths)
    assert again.words(5) == ["smith", "costa"]  # the list's order within a length
    # a damaged cache file is parsed again and rewritten, not an error
    compiled.write_bytes(COMPILED_MAGIC + b"{garbage")
    assert Lexicon.load(source).prior == parsed.prior
    assert Lexicon._from_compiled(compiled.read_bytes()).prior == parsed.prior
    # an edited list is a new file in the cache
    source.write_text("smith\t50\n", encoding="utf-8")
    assert list(Lexicon.load(source).prior) == ["smith"]
    assert len(list((tmp_path / "cache").iterdir())) == 2


def test_an_unwritable_cache_is_no_error(tmp_path, monkeypatch):
    blocked = tmp_path / "file"
    blocked.write_text("a file where the cache folder would be")
    monkeypatch.setenv("HCR_OCR_CACHE", str(blocked / "cache"))
    source = tmp_path / "names.txt"
    source.write_text("smith\nnguyen\n", encoding="utf-8")
    assert sorted(Lexicon.load(source).prior) == ["nguyen", "smith"]


def test_a_compiled_list_keeps_the_lists_order_and_decodes_a_length_when_asked(tmp_path, monkeypatch):
    monkeypatch.setenv("HCR_OCR_CACHE", str(tmp_path / "cache"))
    source = tmp_path / "words.txt"
    source.write_text("zebra\t9\nan\t9\nwhale\t9\nox\t1\n", encoding="utf-8")
    Lexicon.load(source)  # compiles
    lexicon = Lexicon.load(source)
    assert lexicon.lengths == [2, 5]
    assert "whale" in lexicon and "whales" not in lexicon and "ox" in lexicon
    assert lexicon.log_prior("ox") == pytest.approx(np.log(1 / 9))
    assert list(lexicon.prior) == ["zebra", "an", "whale", "ox"]  # ties in the list's order, not by length
    # a damaged compiled file is found on loading and the list parsed again
    (compiled,) = (tmp_path / "cache").iterdir()
    data = compiled.read_bytes()
    compiled.write_bytes(data.replace(b"zebra", b"ze\nra"))
    assert list(Lexicon.load(source).prior) == ["zebra", "an", "whale", "ox"]
    compiled.write_bytes(data.replace(b"zebra", b"z\xe9bra"))
    assert Lexicon.load(source).log_prior("zebra") == 0.0


def _paths(edges: list[Edge], node: int, last: int):
    """Every path of edges from `node` to `last`."""
    if node == last:
        yield []
    for e in edges:
        if e.start == node:
            for rest in _paths(edges, e.end, last):
                yield [e, *rest]


def _path_score(path: list[Edge], word: str) -> float | None:
    """The word's score read along `path` (each letter's log-probability plus the bonus), None when the
    path reads another number of letters."""
    letters = [row for e in path for row in e.logp]
    if len(letters) != len(word):
        return None
    return sum(float(row[SYMBOLS.index(c)]) + 0.5 for row, c in zip(letters, word, strict=True))


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(2, 5), st.integers(2, 5))
def test_word_scores_are_the_best_path_found_by_trying_every_path(seed, n_nodes, length):
    """The vectorised search finds, for each word, the path and score that trying every path finds."""
    rng = np.random.default_rng(seed)
    edges = []
    for start, end in itertools.combinations(range(n_nodes), 2):
        if end - start <= 2 and rng.random() < 0.8:
            for _ in range(int(rng.integers(1, 3))):  # one or two readings of this stretch ...
                k = int(rng.integers(1, 3))  # ... as one or two letters
                edges.append(Edge(start, end, np.log(rng.dirichlet(np.ones(len(SYMBOLS)), size=k))))
    words = sorted({"".join(rng.choice(list(SYMBOLS), length)) for _ in range(6)})
    found = {m.word: m for m in _score_words(words, edges, n_nodes, letter_bonus=0.5)}
    for word in words:
        scores = [_path_score(path, word) for path in _paths(edges, 0, n_nodes - 1)]
        scores = [s for s in scores if s is not None]
        if not scores:
            assert word not in found
            continue
        assert found[word].score == pytest.approx(max(scores))
        assert _path_score(found[word].path, word) == pytest.approx(found[word].score)


def test_a_digit_in_a_word_is_searched_as_the_letter_it_looks_like():
    """Serif capitals under grain: TO read 'I0', two edits from 'to' as read but one from 'io', its 0 taken
    for the O it looks like; the evidence (T second to I, O second to 0) then favours 'to' over 'id'."""
    lexicon = Lexicon(["to", "is", "id"], [1000.0, 500.0, 50.0])
    edges = lattice(glyph("I", 0.58, "T"), glyph("0", 0.64, "O"))
    match = lexicon.best_match(edges, 3, "I0")
    assert match.word == "to"
    assert lexicon.accepts(match, raw_logp(edges))
