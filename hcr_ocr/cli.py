"""The `hcr-ocr` command line: a thin Typer layer over the library modules.

    hcr-ocr train --dataset emnist --epochs 10 --out runs/emnist47
    hcr-ocr eval --dataset emnist --confusion --out out/eval
    hcr-ocr download --dataset mnist

Heavy modules are imported inside the commands, so `--help` is quick. Every HcrError becomes one line on
stderr and exit code 2.
"""

from __future__ import annotations

import copy
import json
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from hcr_ocr.console import Console, counting, prepare_read, read_command, report_error, say
from hcr_ocr.errors import HcrError

app = typer.Typer(
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain click help: flags show as flags
    context_settings={"help_option_names": ["-h", "--help"]},
    help="Read handwriting with a small CNN trained on EMNIST.\n\n"
    "Example: hcr-ocr read samples/paragraph.png --format json --overlay overlay.png",
)


DatasetOpt = Annotated[
    str, typer.Option("--dataset", "-d", help="emnist (47 classes), mnist or emnist-byclass.")
]
DataDirOpt = Annotated[
    Path | None,
    typer.Option("--data-dir", help="Data folder (default: $HCR_OCR_DATA, ../shared/data, user cache)."),
]
LexiconOpt = Annotated[
    str,
    typer.Option(
        "--lexicon",
        help="Word list that words are matched against: 'shipped' (English, 82k words by frequency), "
        "the path of a list (one word per line, optional TAB count), or 'none'.",
    ),
]


def _print_version(value: bool) -> None:
    if value:
        from hcr_ocr import __version__

        typer.echo(f"hcr-ocr {__version__}")
        raise typer.Exit()


@app.callback(invoke_without_command=True)
def _options(
    ctx: typer.Context,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_print_version, is_eager=True, help="Print the version and exit."),
    ] = False,
) -> None:
    """Read handwriting with a small CNN trained on EMNIST.

    Example: hcr-ocr read samples/paragraph.png --format json --overlay overlay.png
    """
    if ctx.invoked_subcommand is None:  # plain `hcr-ocr`: the help
        typer.echo(ctx.get_help())


@app.command()
def train(
    dataset: Annotated[
        str | None,
        typer.Option(
            "--dataset",
            "-d",
            help="emnist (47 classes), mnist or emnist-byclass (default emnist; with --resume, the run's).",
        ),
    ] = None,
    epochs: Annotated[int, typer.Option(min=1, help="Total epochs (with --resume: up to this many).")] = 10,
    batch_size: Annotated[
        int | None,
        typer.Option(
            min=1, help="Images per step (default 256, fewer when that makes under 50 steps an epoch)."
        ),
    ] = None,
    lr: Annotated[float, typer.Option(help="Peak learning rate of the one-cycle schedule.")] = 3e-3,
    val_fraction: Annotated[float, typer.Option(min=0.0, max=0.5)] = 0.1,
    limit: Annotated[int | None, typer.Option(help="Use only the first N training images.")] = None,
    seed: int = 0,
    width: Annotated[
        int | None,
        typer.Option(
            min=1,
            help="Channels of the first conv stage (default 32; with --resume or --init, the checkpoint's).",
        ),
    ] = None,
    out: Annotated[
        Path | None, typer.Option(help="Run folder (default runs/DATASET; with --resume, the checkpoint's).")
    ] = None,
    resume: Annotated[Path | None, typer.Option(help="Continue from a last.pt.")] = None,
    data_dir: DataDirOpt = None,
    no_augment: Annotated[bool, typer.Option("--no-augment", help="Train without augmentation.")] = False,
    low_res: Annotated[
        float,
        typer.Option(min=0.0, max=1.0, help="Share of each batch also shown shrunk, binarised and enlarged."),
    ] = 0.0,
    degrade: Annotated[
        float,
        typer.Option(
            min=0.0,
            max=1.0,
            help="Share of each batch also degraded as scans are: noise, blur, stroke weight, elastic bends, "
            "binarisation or faint ink (one per glyph).",
        ),
    ] = 0.0,
    extra_glyphs: Annotated[
        list[Path] | None,
        typer.Option(
            help="A folder of crops with a labels.csv (e.g. real-dev/form-names-train): glyphs harvested "
            "where the reader's segmentation fits the label join the training images, oversampled; or an "
            ".npz of glyphs (images, labels), e.g. from `python -m hcr_ocr.data.printed`. Repeatable.",
        ),
    ] = None,
    extra_repeat: Annotated[
        list[int] | None,
        typer.Option(
            min=1,
            help="Times each extra glyph joins the training images (default 4): one number for every "
            "--extra-glyphs, or one per --extra-glyphs in the same order. Repeatable.",
        ),
    ] = None,
    init: Annotated[
        Path | None, typer.Option(help="Start from the weights of this checkpoint (fine-tune).")
    ] = None,
    device: Annotated[str, typer.Option(help="cpu or cuda.")] = "cpu",
    distributed: Annotated[
        bool,
        typer.Option(
            "--distributed",
            help="One of N processes started by torchrun (DistributedDataParallel: gloo on CPUs, nccl on "
            "GPUs); --batch-size is the global batch; rank 0 writes the files.",
        ),
    ] = False,
) -> None:
    """Train the character CNN; writes best.pt, last.pt, best.onnx, history.json, accuracy.png, loss.png.

    Example: hcr-ocr train --dataset mnist --epochs 2 --limit 2000 --out runs/try

    On several processes: torchrun --nproc-per-node 2 -m hcr_ocr train --distributed --dataset mnist
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from hcr_ocr.train.training import TrainConfig
    from hcr_ocr.train.training import train as run_training

    if extra_repeat and not extra_glyphs:
        raise HcrError("--extra-repeat says how often --extra-glyphs are shown: add --extra-glyphs")
    config = TrainConfig(
        dataset=dataset,
        epochs=epochs,
        batch_size=batch_size,
        lr=lr,
        val_fraction=val_fraction,
        limit=limit,
        seed=seed,
        out=str(out) if out else None,
        data_dir=str(data_dir) if data_dir else None,
        resume=str(resume) if resume else None,
        augment=not no_augment,
        low_res=low_res,
        degrade=degrade,
        extra_glyphs=[str(p) for p in extra_glyphs or ()],
        **({"extra_repeat": list(extra_repeat)} if extra_repeat else {}),
        init=str(init) if init else None,
        arch={"width": width} if width else None,
        device=device,
        distributed=distributed,
    )
    if distributed and os.environ.get("RANK", "0") != "0":
        run_training(config)  # the other ranks train their share and print nothing
        return
    console = Console()
    columns = (
        TextColumn("[bold]epoch {task.fields[epoch]}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("loss {task.fields[loss]:.3f}  acc {task.fields[acc]:.3f}"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("train", total=1, epoch=0, loss=0.0, acc=0.0)

        def on_progress(event: dict) -> None:
            if "epoch_done" in event:
                r = event["epoch_done"]
                console.print(
                    f"epoch {r['epoch']:>3}/{epochs}  train loss {r['train_loss']:.4f} acc {r['train_acc']:.4f}  "
                    f"val loss {r['val_loss']:.4f} acc {r['val_acc']:.4f} (balanced {r['val_balanced_acc']:.4f})  "
                    f"lr {r['lr']:.2e}  {r['seconds']:.0f}s",
                    soft_wrap=True,
                )
                return
            progress.update(
                task,
                total=event["steps"],
                completed=event["step"],
                epoch=event["epoch"],
                loss=event["loss"],
                acc=event["acc"],
            )

        result = run_training(config, on_progress)
    test = f", test accuracy {result.test_acc:.4f}" if result.test_acc is not None else ""
    console.print(f"best validation (balanced) accuracy {result.best_val_acc:.4f}{test}")
    if result.near_chance:
        say(
            f"the best validation accuracy {result.best_val_acc:.4f} is near chance ({result.chance:.4f}): "
            "the network learned next to nothing; train longer or on more images",
            "warning",
        )
    console.print(
        f"wrote {result.best_path}, {result.last_path}, {result.onnx_path} and plots in {result.out}"
    )


@app.command("train-words")
def train_words_cmd(
    words: Annotated[int, typer.Option(min=100, help="Words written in EMNIST training glyphs.")] = 120000,
    print_words: Annotated[int, typer.Option(min=0, help="Words set in print training fonts.")] = 30000,
    minutes: Annotated[float, typer.Option(min=0.1, help="Training budget in minutes.")] = 40.0,
    lr: Annotated[float, typer.Option(help="Peak learning rate (warm-up, then a cosine to zero).")] = 1e-3,
    seed: int = 1,
    smallest_cap: Annotated[
        int | None,
        typer.Option(min=4, help="Smallest capital height of the word images, pixels [default: 14]."),
    ] = None,
    init: Annotated[Path | None, typer.Option(help="Start from the weights of this best.pt.")] = None,
    out: Annotated[Path, typer.Option(help="Run folder (word images cached there).")] = Path("runs/words"),
    data_dir: DataDirOpt = None,
) -> None:
    """Train the word reader (stage 12): writes best.pt, words.onnx, history.json and cer.png.

    Example: hcr-ocr train-words --words 2000 --print-words 500 --minutes 1 --out runs/try-words
    The shipped models/words.onnx: see models/README.md.
    """
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    from hcr_ocr.train.word_training import WordTrainConfig, train_words

    config = WordTrainConfig(
        words=words,
        print_words=print_words,
        minutes=minutes,
        lr=lr,
        seed=seed,
        smallest_cap=smallest_cap or WordTrainConfig.smallest_cap,
        init=str(init) if init else None,
        out=str(out),
        data_dir=str(data_dir) if data_dir else None,
    )
    console = Console()
    console.print(f"making {words + print_words} word images (cached in {out})", soft_wrap=True)
    columns = (
        TextColumn("[bold]step {task.fields[step]}"),
        BarColumn(),
        TextColumn("loss {task.fields[loss]:.3f}"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("train", total=config.minutes * 60, step=0, loss=0.0)

        def on_progress(event: dict) -> None:
            progress.update(task, completed=event["seconds"], step=event["step"], loss=event["loss"])

        result = train_words(config, on_progress)
    console.print(
        f"best validation CER {result.best_cer:.4f} (greedy, no word list); wrote {result.best_path}, "
        f"{result.onnx_path}, history.json and cer.png in {out}",
        soft_wrap=True,
    )


@app.command()
def average(
    checkpoints: Annotated[
        list[Path], typer.Argument(help="Checkpoints of one network (best.pt, last.pt, ...).")
    ],
    out: Annotated[Path, typer.Option(help="Folder for best.pt and best.onnx of the average.")],
    dataset: DatasetOpt = "emnist",
    data_dir: DataDirOpt = None,
    always: Annotated[
        bool, typer.Option("--always", help="Write the average even if it does not beat each on validation.")
    ] = False,
) -> None:
    """Average the weights of checkpoints of one network; keep the average if it beats each on validation.
    Word readers (train-words) are always written, to be judged by `hcr-ocr bench`.

    Example: hcr-ocr average runs/a/best.pt runs/a/last.pt --out runs/a-avg
    """
    from hcr_ocr.train.averaging import average_checkpoints, average_word_checkpoints, is_word_checkpoint

    console = Console()
    if any(is_word_checkpoint(c) for c in checkpoints):  # a character model among them: a one-line error
        written = average_word_checkpoints(checkpoints, out)
        console.print(f"wrote {out / 'best.pt'} and {written} (a word reader: judge it with hcr-ocr bench)")
        return
    scores, written = average_checkpoints(
        [str(c) for c in checkpoints], out, dataset, str(data_dir) if data_dir else None, always=always
    )
    for name, value in scores.items():
        console.print(
            f"{name}: class-balanced validation accuracy {value:.4f}", highlight=False, soft_wrap=True
        )
    if written:
        console.print(f"wrote {out / 'best.pt'} and {out / 'best.onnx'}", soft_wrap=True)
    else:
        console.print("the average is not better than its parts: nothing written")


@app.command("eval")
def evaluate(
    model: Annotated[
        Path | None, typer.Option(help="A .pt checkpoint or .onnx export (default: shipped model).")
    ] = None,
    dataset: DatasetOpt = "emnist",
    split: Annotated[str, typer.Option(help="test or train.")] = "test",
    confusion: Annotated[
        bool, typer.Option("--confusion", help="Write confusion.png/.csv and errors.png.")
    ] = False,
    out: Annotated[Path, typer.Option(help="Folder for the --confusion pictures.")] = Path("out/eval"),
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object instead of tables.")] = False,
    limit: Annotated[int | None, typer.Option(help="Score only the first N images.")] = None,
    data_dir: DataDirOpt = None,
    no_views: Annotated[
        bool, typer.Option("--no-views", help="Score the network alone, without the reader's zoomed views.")
    ] = False,
    shrink: Annotated[
        int | None,
        typer.Option(min=4, help="Score the glyphs as if written this many pixels tall (binarised, coarse)."),
    ] = None,
) -> None:
    """Test accuracy, macro F1, per-class precision/recall and the most confused pairs.

    Example: hcr-ocr eval --dataset emnist --confusion --out out/eval
    """
    from hcr_ocr.evaluate.characters import evaluate_model, write_confusion_outputs
    from hcr_ocr.reading.shipped import shipped_model

    model_path = model or shipped_model(dataset, ".pt")
    with counting("classifying") as on_progress:
        report = evaluate_model(
            model_path,
            dataset,
            split,
            data_dir,
            limit,
            views=not no_views,
            shrink=shrink,
            on_progress=on_progress,
        )
    written = write_confusion_outputs(report, out) if confusion else []
    if as_json:
        typer.echo(json.dumps(report.to_dict()))
        return
    from hcr_ocr.evaluate.report import print_eval_report

    print_eval_report(report, Console())
    for path in written:
        Console().print(f"wrote {path}")


@app.command()
def download(
    dataset: Annotated[str, typer.Option("--dataset", "-d", help="mnist or emnist.")] = "emnist",
    data_dir: Annotated[
        Path | None, typer.Option("--data-dir", help="Target folder (default: user cache).")
    ] = None,
    mirror: Annotated[
        str | None, typer.Option(help="Base URL to fetch from instead of the official one.")
    ] = None,
) -> None:
    """Download MNIST or EMNIST from the official locations (resumable, checksum-verified).

    Example: hcr-ocr download --dataset mnist --data-dir ~/data/hcr
    """
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TransferSpeedColumn

    from hcr_ocr.data.datasets import DATA_ENV, default_download_dir
    from hcr_ocr.data.download import download_dataset

    target = data_dir or default_download_dir()
    with Progress(
        TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TransferSpeedColumn()
    ) as bar:
        tasks: dict[str, int] = {}

        def on_progress(name: str, done: int, total: int | None) -> None:
            if name not in tasks:
                tasks[name] = bar.add_task(name, total=total)
            bar.update(tasks[name], completed=done, total=total)

        files = download_dataset(dataset, target, mirror, on_progress)
    Console().print(f"{len(files)} files verified in {target}")
    if data_dir is None:
        Console().print(f"found there automatically; elsewhere, pass --data-dir or set ${DATA_ENV}")


@app.command()
def read(
    images: Annotated[
        list[str],
        typer.Argument(
            metavar="INPUT",
            help="Image files (PNG, JPEG, TIFF, BMP, WebP), PDFs, folders of them, or globs ('scans/*.jpg'); "
            "- reads stdin.",
        ),
    ],
    fmt: Annotated[
        str,
        typer.Option("--format", "-f", metavar="FORMAT", help="text, json, hocr, alto (ALTO 4) or pagexml."),
    ] = "text",
    overlay: Annotated[
        Path | None,
        typer.Option(
            metavar="PNG", help="Write a PNG with the boxes and characters read (a folder for several files)."
        ),
    ] = None,
    model: Annotated[
        Path | None,
        typer.Option(metavar="ONNX", help="An .onnx model exported by `train` (default: shipped)."),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            metavar="DIR",
            help="Write one output file per image into this folder, mirroring the inputs' folders.",
        ),
    ] = None,
    lexicon: LexiconOpt = "shipped",
    jobs: Annotated[
        int,
        typer.Option("--jobs", "-j", min=1, help="Worker processes for many files (default: the cores)."),
    ] = os.cpu_count() or 1,
    force: Annotated[
        bool, typer.Option("--force", help="With --out: read again inputs whose result is newer.")
    ] = False,
    dpi: Annotated[float, typer.Option(min=1, max=1200, help="Resolution to render PDF pages at.")] = 300,
    pages: Annotated[
        str | None,
        typer.Option(
            metavar="PAGES", help="Pages of a PDF or multi-page TIFF, e.g. 1-3,7 or 5- (default: all)."
        ),
    ] = None,
    ray: Annotated[
        str | None,
        typer.Option(
            "--ray",
            metavar="[ADDRESS]",
            help="Read on Ray: alone or 'local' starts one here for the call, 'auto' joins this machine's "
            "cluster, "
            "HOST:PORT or ray://HOST:10001 that one. Needs --out: JSON Lines, one file per block "
            "(pip install 'hcr-ocr[distributed]').",
        ),
    ] = None,
    ray_workers: Annotated[
        int | None, typer.Option(min=1, help="Reader processes on Ray (default: every CPU of the cluster).")
    ] = None,
    min_confidence: Annotated[
        float,
        typer.Option(
            min=0.0, max=1.0, metavar="P", help="Leave out words read with a confidence under P (0 to 1)."
        ),
    ] = 0.0,
    upright: Annotated[
        bool,
        typer.Option(
            "--upright",
            help="Read every page as given: never try a doubtful page turned (upside down, sideways).",
        ),
    ] = False,
    verbose: Annotated[
        bool,
        typer.Option("--verbose", "-v", help="Show the reader's decisions (lines, splits, joins, words)."),
    ] = False,
) -> None:
    """Read the handwriting on images: lines, words and characters, with spaces and line breaks.

    With several inputs, text output is headed by each file's name, JSON is one object per line (JSON
    Lines), and a summary line ends stderr. With --out, an input whose result is newer is skipped.

    Example: hcr-ocr read samples/paragraph.png --format json --overlay paragraph-overlay.png
    """
    if ray is not None:
        model = prepare_read(model, pages, verbose)
        options = {"pages": pages, "dpi": dpi, "min_confidence": min_confidence, "upright": upright}
        _read_on_ray(images, out, ray, ray_workers, fmt, model, lexicon, overlay, options)
        return
    code = read_command(
        images,
        fmt=fmt,
        overlay=overlay,
        model=model,
        out=out,
        lexicon=lexicon,
        jobs=jobs,
        force=force,
        dpi=dpi,
        pages=pages,
        min_confidence=min_confidence,
        verbose=verbose,
        upright=upright,
    )
    if code:
        raise typer.Exit(code)


def _read_on_ray(images, out, address, workers, fmt, model, lexicon, overlay, options) -> None:
    """`read --ray`: the inputs read on a Ray cluster into JSON Lines files in `out`."""
    if out is None:
        raise HcrError("--ray writes its results into a folder: add --out DIR")
    if overlay is not None or fmt not in ("text", "json", "hocr"):
        raise HcrError("--ray writes JSON Lines records (text, json or hocr): no --overlay, alto or pagexml")
    from hcr_ocr.distributed.ray_reading import read_with_ray

    summary = read_with_ray(
        images,
        out,
        address=None if address == "local" else address,
        fmt=fmt,
        model=str(model) if model else None,
        lexicon=lexicon,
        workers=workers,
        **options,
    )
    say(
        f"{summary.read} read, {summary.failed} failed on {summary.workers} Ray workers, "
        f"{summary.seconds:.1f} s: {len(summary.files)} files in {out}"
    )
    if summary.failed:
        raise typer.Exit(2 if summary.failed == summary.rows else 1)


@app.command("bench")
def bench_cmd(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Folders with NAME.gt.txt files or a labels.csv.")
    ] = None,
    engine: Annotated[str, typer.Option(help="hcr or tesseract.")] = "hcr",
    compare: Annotated[
        str | None, typer.Option(help="A second engine run on the same images: tesseract.")
    ] = None,
    model: Annotated[Path | None, typer.Option(help="An .onnx model for the hcr engine.")] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print one JSON object instead of a table.")
    ] = False,
    synthetic: Annotated[
        int, typer.Option(help="Also score N synthetic pages of EMNIST test glyphs.", min=0)
    ] = 0,
    seed: Annotated[int, typer.Option(help="Seed of the synthetic pages and of the degraded copies.")] = 0,
    conditions: Annotated[
        str | None,
        typer.Option(
            metavar="LIST",
            help="Score copies of the pages under these conditions (comma-separated, or 'all'): noise, "
            "blur, JPEG, scale, stroke weight, faint ink, light, paper, rotation, inverted; by name only, "
            "turned-90, turned-180, turned-270 (default set: samples/).",
        ),
    ] = None,
    stress: Annotated[
        bool,
        typer.Option(
            "--stress", help="Time worst-case images (noise, textures, specks, blur) of 0.5 to 2 megapixels."
        ),
    ] = False,
    speed: Annotated[
        bool,
        typer.Option("--speed", help="Time cold start, images, glyphs and many-file throughput instead."),
    ] = False,
    runs: Annotated[
        int, typer.Option(min=1, help="With --speed: runs per figure (the median is shown).")
    ] = 5,
    data_dir: DataDirOpt = None,
    lexicon: LexiconOpt = "shipped",
) -> None:
    """Character and word error rates, exact matches and seconds per image on sets with ground truth.

    Example: hcr-ocr bench samples ../shared/data/real-dev/form-names --compare tesseract --synthetic 50

    Under degraded conditions: hcr-ocr bench --conditions all --synthetic 50 --seed 0
    """
    from hcr_ocr.evaluate.bench import bench, bench_synthetic

    if speed:
        _speed_bench(runs, compare == "tesseract", data_dir, as_json)
        return
    if stress:
        from hcr_ocr.evaluate.stress import print_stress_report, stress_bench

        result = stress_bench(seed=seed, model=model, lexicon=lexicon)
        if as_json:
            typer.echo(json.dumps(result))
        else:
            print_stress_report(result, Console())
        return
    if conditions is not None:
        _conditions_bench(conditions, paths, synthetic, seed, model, data_dir, lexicon, as_json)
        return
    engines = [engine] + ([compare] if compare and compare != engine else [])
    if not paths and not synthetic:
        raise HcrError("give at least one folder to score, or --synthetic N")
    from hcr_ocr.reading.lexicon import lexicon_from

    words = lexicon_from(lexicon)
    results = {str(p): bench(p, engines, model, words) for p in paths or []}
    if synthetic:
        results[f"synthetic {synthetic} (seed {seed})"] = bench_synthetic(
            synthetic, seed, engines, model, data_dir, words
        )
    if as_json:
        typer.echo(json.dumps(results))
        return
    from rich.table import Table

    table = Table(title="hcr-ocr bench", show_edge=False)
    for col in ("set", "engine", "images", "CER", "CER caseless", "WER", "exact", "s/image"):
        table.add_column(col, justify="left" if col in ("set", "engine") else "right")
    for path, by_engine in results.items():
        for name, r in by_engine.items():
            table.add_row(
                Path(path).name or path,
                name,
                str(r["images"]),
                f"{r['cer']:.3f}",
                f"{r['cer_caseless']:.3f}",
                f"{r['wer']:.3f}",
                f"{r['exact_match']:.3f}",
                f"{r['seconds_per_image']:.3f}",
            )
    Console().print(table)
    for by_engine in results.values():
        for name, r in by_engine.items():
            for failure in r["failures"]:
                say(f"{name}: {failure}", "warning")


def _conditions_bench(names, paths, synthetic, seed, model, data_dir, lexicon, as_json) -> None:
    """`bench --conditions`: the pages of each set and `synthetic` pages, degraded; a table or JSON."""
    from hcr_ocr.data.degradations import parse_conditions
    from hcr_ocr.evaluate.bench import load_bench_set
    from hcr_ocr.evaluate.conditions import conditions_bench, print_conditions_report

    chosen = parse_conditions(names)
    samples = Path(__file__).resolve().parent.parent / "samples"
    sources = {}
    for p in paths or ([samples] if samples.is_dir() else []):
        sources[Path(p).name if Path(p).name not in sources else str(p)] = load_bench_set(p)
    if synthetic:
        from hcr_ocr.data.synthetic import synthetic_pages

        sources[f"synthetic {synthetic}"] = list(synthetic_pages(synthetic, seed, data_dir))
    if not sources:
        raise HcrError("give at least one folder to score, or --synthetic N")
    with counting("reading degraded pages") as on_progress:
        result = conditions_bench(sources, chosen, seed, model, lexicon, on_progress)
    if as_json:
        typer.echo(json.dumps(result))
        return
    print_conditions_report(result, Console())
    for r in result["conditions"].values():
        for s in r["sources"].values():
            for failure in s["failures"]:
                say(failure, "warning")


def _speed_bench(runs: int, compare: bool, data_dir: Path | None, as_json: bool) -> None:
    from hcr_ocr.data.datasets import find_data_dir
    from hcr_ocr.errors import DataError
    from hcr_ocr.evaluate.speed import speed_bench

    try:
        data = find_data_dir(data_dir)
    except DataError:
        data = None
    figures = speed_bench(runs, compare, data)
    if as_json:
        typer.echo(json.dumps(figures))
        return
    from rich.table import Table

    table = Table(title=f"hcr-ocr bench --speed (medians of {runs})", show_edge=False)
    for col in ("figure", "hcr-ocr", "tesseract", "hcr-ocr faster by"):
        table.add_column(col, justify="left" if col == "figure" else "right")
    for name, f in figures.items():
        ratio = f"{f['ratio']:.2f}x" if "ratio" in f else ""
        theirs = f"{f['tesseract']:.3f}" if f["tesseract"] is not None else ""
        table.add_row(name, f"{f['hcr']:.3f}", theirs, ratio)
    Console().print(table)


@app.command()
def serve(
    host: Annotated[
        str, typer.Option(metavar="HOST", help="Address to listen on (0.0.0.0: every interface).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(metavar="PORT", help="Port to listen on.")] = 8000,
    model: Annotated[
        Path | None,
        typer.Option(metavar="ONNX", help="An .onnx model exported by `train` (default: shipped)."),
    ] = None,
    lexicon: LexiconOpt = "shipped",
) -> None:
    """Serve a web page to write or drop handwriting on, and a JSON API (POST /read, GET /health).

    Example: hcr-ocr serve --port 8000, then open http://127.0.0.1:8000/
    """
    import socket

    try:
        import uvicorn

        from hcr_ocr.serve.app import create_app
    except ImportError as err:
        from rich.markup import escape

        raise HcrError(
            escape(
                f"serve needs {err.name or 'FastAPI and uvicorn'}: install the [serve] extra "
                "(pip install 'hcr-ocr[serve]')"
            )
        ) from err
    web_app = create_app(model=model, lexicon=lexicon)  # the models and word list are loaded here, once
    try:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)  # asyncio then sets TCP_NODELAY
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
    except (OSError, OverflowError) as err:
        raise HcrError(f"cannot listen on {host}:{port}: {getattr(err, 'strerror', None) or err}") from err
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{sock.getsockname()[1]}/"
    say(f"hcr-ocr serve: {url} (Ctrl+C stops it)")
    config = uvicorn.Config(web_app, log_level="warning", access_log=False)
    uvicorn.Server(config).run(sockets=[sock])


def _app_for(args: list[str]) -> typer.Typer:
    """The app with only the command that `args` run, where they name one: Typer builds the options of every
    registered command at each start, a tenth of a one-image `read`'s time. The copy keeps the app's
    callback, so it stays a group (`hcr-ocr read x`), not a one-command app that would take `read` for x."""
    name = args[0] if args else None
    chosen = [c for c in app.registered_commands if (c.name or c.callback.__name__) == name]
    if not chosen:
        return app
    one = copy.copy(app)
    one.registered_commands = chosen
    return one


def with_ray_address(args: list[str]) -> list[str]:
    """`read --ray` with no address means a Ray started here for the call ("local"). Typer has no option
    whose value may be left out, so "local" is put in after a `--ray` followed by no address: by nothing,
    by another option, or by a file or folder that exists (an input)."""
    if "--ray" not in args:
        return args
    at = args.index("--ray") + 1
    word = args[at] if at < len(args) else None
    is_address = word is not None and (
        word in ("local", "auto") or ("://" in word or ":" in word) and not Path(word).exists()
    )
    return args if is_address else [*args[:at], "local", *args[at:]]


def main() -> None:
    """Run the Typer app, turning our errors into one line and their exit code (see hcr_ocr.console)."""
    try:
        args = with_ray_address(sys.argv[1:])
        code = _app_for(args)(
            args=args, standalone_mode=False, prog_name="hcr-ocr"
        )  # click returns the code of typer.Exit instead of exiting
        if isinstance(code, int) and code:
            sys.exit(code)
    except typer.Abort:
        say("aborted")
        sys.exit(130)
    except typer.Exit as done:
        sys.exit(done.exit_code)
    except (Exception, KeyboardInterrupt) as err:
        sys.exit(report_error(err))


if __name__ == "__main__":
    main()
