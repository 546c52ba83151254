"""How the reader holds up under degraded conditions: CER, caseless CER and WER per condition and source.

    from hcr_ocr.evaluate.conditions import conditions_bench
    from hcr_ocr.evaluate.bench import load_bench_set
    result = conditions_bench({"samples": load_bench_set("samples")}, ["clean", "gauss-30", "marker"], seed=0)
    result["summary"]        # {"clean_cer": ..., "mean_cer": ..., "ratio_to_clean": ..., "worst": {...}}

Every page of every source is degraded under every condition (see hcr_ocr.data.degradations) at run time,
with a generator seeded from (seed, condition, source, page index), so a figure does not depend on which
other conditions run. Each copy is read with `hcr_ocr.reading.pipeline.read`: an HcrError (an image the
reader declines) is a failure and scores as an empty text; any other exception is an internal error, kept
with the page and the place it was raised. Scores pool the characters of all sources of a condition; the
summary gives the mean pooled CER over the conditions other than clean, its ratio to the clean CER, and
the worst condition.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable
from pathlib import Path

import numpy as np

from hcr_ocr.data.degradations import degrade
from hcr_ocr.errors import HcrError
from hcr_ocr.evaluate.bench import print_whole_table, score_texts


def error_place(err: BaseException) -> str:
    """file:line in function, of the innermost frame of the exception's traceback."""
    frames = traceback.extract_tb(err.__traceback__)
    if not frames:
        return ""
    f = frames[-1]
    name = Path(f.filename)
    parts = name.parts
    short = "/".join(parts[parts.index("hcr_ocr") :]) if "hcr_ocr" in parts else name.name
    return f"{short}:{f.lineno} in {f.name}"


def _scores(texts: list[str], truth: list[str], seconds: list[float]) -> dict:
    s = score_texts(texts, truth)
    return {
        "cer": s["cer"],
        "cer_caseless": s["cer_caseless"],
        "wer": s["wer"],
        "pages": len(truth),
        "seconds_per_page": sum(seconds) / max(1, len(seconds)),
        "seconds_max": max(seconds, default=0.0),
    }


def conditions_bench(
    sources: dict[str, list[tuple[str | Path | np.ndarray, str]]],
    conditions: list[str],
    seed: int = 0,
    model: str | Path | None = None,
    lexicon="shipped",
    on_progress: Callable[[int, int], None] | None = None,
) -> dict:
    """Read every page of every source under each condition ("clean" is always added first).

    Returns {"seed", "sources": {name: pages}, "conditions": {condition: {"sources": {name: scores},
    "pooled": scores}}, "summary": {...}, "internal_errors": [...]}, where scores are cer, cer_caseless,
    wer, pages, seconds_per_page, seconds_max (the slowest page), failures and internal_errors."""
    from hcr_ocr.reading.lexicon import lexicon_from
    from hcr_ocr.reading.loading import load_image
    from hcr_ocr.reading.pipeline import get_classifier, read

    conditions = ["clean", *dict.fromkeys(c for c in conditions if c != "clean")]
    get_classifier(model)  # loading the model is not part of any page's time
    lexicon = lexicon_from(lexicon)
    pages: dict[str, list[tuple[np.ndarray | None, str, str, str | None]]] = {}
    for name, items in sources.items():
        loaded = []
        for i, (image, truth) in enumerate(items):
            label = str(image) if isinstance(image, str | Path) else f"{name}#{i}"
            try:
                loaded.append((load_image(image), truth, label, None))
            except HcrError as err:
                loaded.append((None, truth, label, str(err)))
        pages[name] = loaded
    for condition in conditions:  # an unknown name fails before any page is read
        degrade(np.full((2, 2), 255, np.uint8), condition)
    total = len(conditions) * sum(len(p) for p in pages.values())
    done = 0
    out: dict = {"seed": seed, "sources": {n: len(p) for n, p in pages.items()}, "conditions": {}}
    internal: list[dict] = []
    for condition in conditions:
        by_source: dict[str, dict] = {}
        pooled_texts: list[str] = []
        pooled_truth: list[str] = []
        pooled_seconds: list[float] = []
        for name, loaded in pages.items():
            texts, seconds, failures, errors = [], [], [], []
            for i, (gray, _, label, load_failure) in enumerate(loaded):
                text, spent = "", 0.0
                if load_failure is not None:
                    failures.append(load_failure)
                else:
                    stage = "degrade"
                    try:
                        image = degrade(gray, condition, seed, i, name)
                        stage = "read"
                        start = time.perf_counter()
                        try:
                            text = read(image, model=model, lexicon=lexicon, name=label).text
                        finally:
                            spent = time.perf_counter() - start
                    except HcrError as err:
                        failures.append(f"{label}: {err}")
                    except Exception as err:  # every other exception is what we count
                        record = {
                            "condition": condition,
                            "source": name,
                            "page": label,
                            "stage": stage,
                            "error": f"{type(err).__name__}: {err}",
                            "where": error_place(err),
                        }
                        errors.append(record)
                        internal.append(record)
                texts.append(text)
                seconds.append(spent)
                done += 1
                if on_progress:
                    on_progress(done, total)
            truth = [t for _, t, _, _ in loaded]
            scores = _scores(texts, truth, seconds)
            scores["failures"] = failures
            scores["internal_errors"] = errors
            by_source[name] = scores
            pooled_texts += texts
            pooled_truth += truth
            pooled_seconds += seconds
        pooled = _scores(pooled_texts, pooled_truth, pooled_seconds)
        pooled["failures"] = sum(len(s["failures"]) for s in by_source.values())
        pooled["internal_errors"] = sum(len(s["internal_errors"]) for s in by_source.values())
        out["conditions"][condition] = {"sources": by_source, "pooled": pooled}
    out["summary"] = summarise(out["conditions"])
    out["internal_errors"] = internal
    return out


def summarise(by_condition: dict) -> dict:
    """The clean CER, the mean pooled CER over the other conditions, its ratio to clean, the worst one."""
    clean = by_condition["clean"]["pooled"]["cer"]
    rest = {c: r["pooled"]["cer"] for c, r in by_condition.items() if c != "clean"}
    mean = sum(rest.values()) / len(rest) if rest else None
    worst = max(rest, key=rest.get) if rest else None
    return {
        "clean_cer": clean,
        "mean_cer": mean,
        "ratio_to_clean": mean / clean if mean is not None and clean > 0 else None,
        "worst": {"condition": worst, "cer": rest[worst]} if worst else None,
        "internal_errors": sum(r["pooled"]["internal_errors"] for r in by_condition.values()),
        "failures": sum(r["pooled"]["failures"] for r in by_condition.values()),
    }


def print_conditions_report(result: dict, console) -> None:
    """The conditions table: pooled and per-set CER per condition, then the mean, its ratio to clean, the
    worst condition, and each internal error on a line."""
    from rich.table import Table

    sources = list(result["sources"])
    table = Table(title=f"hcr-ocr bench --conditions (seed {result['seed']})", show_edge=False)
    table.add_column("condition", no_wrap=True, min_width=max(map(len, result["conditions"])))
    for col in ("CER", "caseless", "WER", *(f"CER {s}" for s in sources), "s/page", "max s", "failed"):
        table.add_column(col, justify="right")
    table.add_column("internal errors", justify="right")
    for name, r in result["conditions"].items():
        p = r["pooled"]
        per_source = (f"{r['sources'][s]['cer']:.3f}" for s in sources)
        table.add_row(
            name,
            f"{p['cer']:.3f}",
            f"{p['cer_caseless']:.3f}",
            f"{p['wer']:.3f}",
            *per_source,
            f"{p['seconds_per_page']:.3f}",
            f"{p['seconds_max']:.2f}",
            str(p["failures"]),
            str(p["internal_errors"]),
        )
    print_whole_table(table, console)
    summary = result["summary"]
    if summary["mean_cer"] is not None:
        n = len(result["conditions"]) - 1
        ratio = f"{summary['ratio_to_clean']:.1f}x" if summary["ratio_to_clean"] is not None else "n/a"
        console.print(
            f"mean CER over {n} condition(s): {summary['mean_cer']:.3f}; clean {summary['clean_cer']:.3f}; "
            f"ratio to clean {ratio}; worst: {summary['worst']['condition']} ({summary['worst']['cer']:.3f})",
            highlight=False,
            soft_wrap=True,
        )
    console.print(f"internal errors: {summary['internal_errors']}", highlight=False)
    for e in result["internal_errors"]:
        console.print(
            f"internal error: {e['condition']} {e['page']}: {e['error']} at {e['where']}",
            highlight=False,
            soft_wrap=True,
        )
