"""The conditions benchmark on a real sample, its error accounting, its CLI, and the bounded-time stress
bench on small generated worst cases."""

from __future__ import annotations

import json

import numpy as np
import pytest

from hcr_ocr.errors import HcrError, ImageError
from hcr_ocr.evaluate.conditions import conditions_bench, summarise
from hcr_ocr.evaluate.stress import KINDS, stress_bench, stress_image, stress_shape
from hcr_ocr.reading import pipeline
from tests.conftest import REPO, assert_one_line_error, run_cli, shipped

CAPS = REPO / "samples" / "word-caps.png"
SCORES = {
    "cer",
    "cer_caseless",
    "wer",
    "pages",
    "seconds_per_page",
    "seconds_max",
    "failures",
    "internal_errors",
}


@pytest.fixture(scope="module")
def caps_result() -> dict:
    shipped("emnist47.onnx")
    return conditions_bench({"caps": [(CAPS, "SHOPPING LIST")]}, ["blur-1"], seed=0)


def test_a_bench_on_one_sample_has_every_figure(caps_result):
    r = caps_result
    assert list(r["conditions"]) == ["clean", "blur-1"]  # clean is always added, first
    assert r["sources"] == {"caps": 1}
    for condition in r["conditions"].values():
        assert set(condition["pooled"]) == SCORES
        assert set(condition["sources"]["caps"]) == SCORES
        assert condition["pooled"]["pages"] == condition["sources"]["caps"]["pages"] == 1
        assert condition["sources"]["caps"]["internal_errors"] == []
    assert r["conditions"]["clean"]["pooled"]["cer"] == 0.0
    assert r["conditions"]["blur-1"]["pooled"]["cer"] <= 1 / 13  # one character at most: an easy condition
    s = r["summary"]
    assert s["clean_cer"] == 0.0 and s["worst"]["condition"] == "blur-1" and s["internal_errors"] == 0
    assert r["internal_errors"] == []


def test_figures_do_not_depend_on_the_other_conditions():
    shipped("emnist47.onnx")
    sources = {"caps": [(CAPS, "SHOPPING LIST")]}
    alone = conditions_bench(sources, ["gauss-30"], seed=4)
    among = conditions_bench(sources, ["marker", "gauss-30"], seed=4)
    assert (
        alone["conditions"]["gauss-30"]["pooled"]["cer"] == among["conditions"]["gauss-30"]["pooled"]["cer"]
    )


def test_sources_pool_their_characters_and_arrays_are_pages(monkeypatch):
    shipped("emnist47.onnx")
    white = np.full((60, 200), 230, np.uint8)
    read_texts = iter(["SHOPPING LIST", "", "abc"])

    class Read:
        def __init__(self, text):
            self.text = text

    monkeypatch.setattr(pipeline, "read", lambda *a, **k: Read(next(read_texts)))
    r = conditions_bench({"a": [(CAPS, "SHOPPING LIST"), (white, "hello")], "b": [(white, "abd")]}, [], 0)
    # clean only: a reads 13 right and "" for "hello" (5 errors); b reads abc for abd (1 error)
    assert r["conditions"]["clean"]["sources"]["a"]["cer"] == pytest.approx(5 / 18)
    assert r["conditions"]["clean"]["sources"]["b"]["cer"] == pytest.approx(1 / 3)
    pooled = r["conditions"]["clean"]["pooled"]
    assert pooled["cer"] == pytest.approx(6 / 21) and pooled["pages"] == 3
    assert r["summary"]["mean_cer"] is None and r["summary"]["worst"] is None


def test_failures_and_internal_errors_are_kept_apart(monkeypatch):
    shipped("emnist47.onnx")

    def read(image, **options):
        if image.shape[0] > 150:  # the page enlarged by scale-2
            raise RuntimeError("the reader fell over")
        raise ImageError("declined")

    monkeypatch.setattr(pipeline, "read", read)
    r = conditions_bench({"caps": [(CAPS, "SHOPPING LIST"), (REPO / "missing.png", "x")]}, ["scale-2"], 0)
    clean, scaled = (r["conditions"][c]["sources"]["caps"] for c in ("clean", "scale-2"))
    assert len(clean["failures"]) == 2 and clean["internal_errors"] == []  # declined, and a missing file
    assert "missing.png" in clean["failures"][1]
    assert len(scaled["failures"]) == 1 and len(scaled["internal_errors"]) == 1
    error = scaled["internal_errors"][0]
    assert error["page"] == str(CAPS) and error["condition"] == "scale-2" and error["stage"] == "read"
    assert error["error"] == "RuntimeError: the reader fell over"
    assert error["where"].startswith("tests/evaluate/test_conditions.py:") or "in read" in error["where"]
    assert r["internal_errors"] == [error]
    assert r["summary"]["internal_errors"] == 1 and r["summary"]["failures"] == 3
    assert scaled["cer"] == 1.0  # what failed scores as an empty text


def test_summary_mean_ratio_and_worst():
    def cond(cer):
        return {"pooled": {"cer": cer, "internal_errors": 0, "failures": 0}}

    s = summarise({"clean": cond(0.02), "a": cond(0.04), "b": cond(0.10)})
    assert s["mean_cer"] == pytest.approx(0.07)
    assert s["ratio_to_clean"] == pytest.approx(3.5)
    assert s["worst"] == {"condition": "b", "cer": 0.10}
    assert summarise({"clean": cond(0.0), "a": cond(0.1)})["ratio_to_clean"] is None


def test_an_unknown_condition_is_an_error():
    with pytest.raises(HcrError, match="unknown condition 'fog'"):
        conditions_bench({"caps": [(CAPS, "SHOPPING LIST")]}, ["fog"], 0)


def test_cli_conditions_json_and_table():
    shipped("emnist47.onnx")
    proc = run_cli("bench", "--conditions", "clean,blur-1", str(CAPS), "--json")
    assert proc.returncode == 0, proc.stderr
    r = json.loads(proc.stdout)
    assert list(r["conditions"]) == ["clean", "blur-1"]
    assert r["sources"] == {"word-caps.png": 1}
    assert r["conditions"]["clean"]["pooled"]["cer"] == 0.0
    proc = run_cli("bench", "--conditions", "jpeg-25", str(CAPS))
    assert proc.returncode == 0, proc.stderr
    assert "clean" in proc.stdout and "jpeg-25" in proc.stdout
    assert "mean CER over 1 condition(s)" in proc.stdout and "internal errors: 0" in proc.stdout


def test_cli_unknown_condition_is_one_line():
    proc = run_cli("bench", "--conditions", "clean,fog", str(CAPS))
    assert_one_line_error(proc, "unknown condition 'fog'")


def test_stress_images_are_repeatable_worst_cases():
    assert stress_shape(1.0) == (866, 1155)
    for kind in KINDS:
        image = stress_image(kind, 0.05, seed=2)
        assert image.dtype == np.uint8 and image.shape == stress_shape(0.05)
        assert np.array_equal(image, stress_image(kind, 0.05, seed=2))
        assert image.std() > 20, kind  # something everywhere, not a blank page


def test_stress_bench_times_every_kind_and_size():
    shipped("emnist47.onnx")
    r = stress_bench(sizes=(0.02, 0.08), seed=0, timeout=None)
    assert [(c["kind"], c["megapixels"]) for c in r["cases"]] == [(k, s) for k in KINDS for s in (0.02, 0.08)]
    for c in r["cases"]:
        assert c["seconds"] > 0 and c["error"] is None and not c["timed_out"]
        assert c["seconds_per_megapixel"] == pytest.approx(c["seconds"] / (c["width"] * c["height"] / 1e6))
        assert c["over_limit"] == (c["seconds"] > 5)
    assert set(r["growth"]) == set(KINDS)


def test_a_runaway_image_is_stopped_and_counted_over_the_limit():
    shipped("emnist47.onnx")
    r = stress_bench(sizes=(0.05,), kinds=("noise", "checkerboard"), timeout=1e-4)
    assert [c["timed_out"] for c in r["cases"]] == [True, True]  # each stopped; a new worker for the next
    assert r["over_limit"] == r["cases"]
