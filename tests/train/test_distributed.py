"""`train --distributed` under torchrun: 2 processes (gloo) train one short epoch on 2,000 MNIST images; rank 0
alone writes the run's files, --resume goes on, and the same seed gives the same numbers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from hcr_ocr.train.checkpoints import load_checkpoint
from hcr_ocr.train.distributed import SINGLE, Cluster
from hcr_ocr.train.epochs import StepPlan
from tests.conftest import REPO, assert_one_line_error, run_cli

RUN_FILES = {"best.pt", "last.pt", "best.onnx", "history.json", "accuracy.png", "loss.png"}

# Run by torchrun in each process: records every file the training writes, with the writer's rank, then
# runs the CLI as `hcr-ocr` would.
SPY = """
import os, sys
from pathlib import Path

import hcr_ocr.train.training as training

LOG = Path(os.environ["SPY_DIR"]) / f"rank{os.environ['RANK']}.txt"


def spied(fn, position):
    def wrapper(*args, **kwargs):
        with LOG.open("a") as log:
            log.write(f"{Path(args[position]).name}\\n")
        return fn(*args, **kwargs)
    return wrapper


training.save_checkpoint = spied(training.save_checkpoint, 0)
training.export_onnx = spied(training.export_onnx, 2)
plot_history = training.plot_history
training.plot_history = lambda history, out: [spied(lambda p: p, 0)(p) for p in plot_history(history, out)]
write_text = Path.write_text
Path.write_text = spied(write_text, 0)

from hcr_ocr.cli import main

sys.exit(main())
"""


def torchrun(*args: str, spy_dir: Path | None = None) -> subprocess.CompletedProcess:
    """`torchrun --standalone --nproc-per-node 2` (a free port) of `hcr-ocr train --distributed ARGS`."""
    script = ["-m", "hcr_ocr"]
    env = dict(os.environ)
    if spy_dir is not None:
        (spy_dir / "spy.py").write_text(SPY)
        script, env["SPY_DIR"] = [str(spy_dir / "spy.py")], str(spy_dir)
    cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc-per-node", "2"]
    proc = subprocess.run(
        [*cmd, *script, "train", "--distributed", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    return proc


def short_run(data_dir: Path, out: Path, *more: str, spy_dir: Path | None = None):
    args = ["--dataset", "mnist", "--limit", "2000", "--data-dir", str(data_dir), "--out", str(out), *more]
    return torchrun(*args, spy_dir=spy_dir)


def history(out: Path) -> list[dict]:
    return [
        {k: v for k, v in r.items() if k != "seconds"} for r in json.loads((out / "history.json").read_text())
    ]


@pytest.fixture(scope="module")
def two_process_run(data_dir, tmp_path_factory):
    """One epoch on 2,000 MNIST images in 2 processes, with every file write recorded by rank."""
    spy_dir = tmp_path_factory.mktemp("spy")
    out = tmp_path_factory.mktemp("ddp") / "run"
    proc = short_run(data_dir, out, "--epochs", "1", spy_dir=spy_dir)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc, out, spy_dir


def test_two_processes_write_the_runs_files_from_rank_0_alone(two_process_run):
    proc, out, spy_dir = two_process_run
    assert {p.name for p in out.iterdir()} == RUN_FILES  # no temporary or per-rank files left
    assert not (spy_dir / "rank1.txt").exists()  # rank 1 wrote nothing
    written = (spy_dir / "rank0.txt").read_text().split()
    assert set(written) == RUN_FILES
    assert written.count("best.pt") == 2  # after the epoch, and again with the test score
    assert proc.stdout.count("epoch   1/1") == 1 and proc.stdout.count("wrote ") == 1  # rank 0 prints


def test_two_processes_learn_with_the_single_process_batches(two_process_run):
    _, out, _ = two_process_run
    best = load_checkpoint(out / "best.pt")["meta"]
    assert best["distributed"] == {"processes": 2, "backend": "gloo"}
    assert best["train_config"]["batch_size"] == 36  # the global batch of the single-process run: 18 each
    assert best["test_n"] == 10000 and best["test_accuracy"] >= 0.92  # measured 0.9551
    assert history(out)[0]["val_acc"] >= 0.92  # measured 0.9447 (one process: 0.9397)


def test_same_seed_same_numbers_and_resume(two_process_run, data_dir, tmp_path):
    _, out, _ = two_process_run
    again = tmp_path / "again"
    assert short_run(data_dir, again, "--epochs", "1").returncode == 0
    assert history(again) == history(out)  # every loss and accuracy, to the last bit
    proc = torchrun(
        "--epochs", "2", "--limit", "2000", "--resume", str(again / "last.pt"), "--data-dir", str(data_dir)
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "epoch   2/2" in proc.stdout and "epoch   1/2" not in proc.stdout
    resumed = history(again)
    assert [r["epoch"] for r in resumed] == [1, 2] and resumed[0] == history(out)[0]
    assert load_checkpoint(again / "last.pt")["meta"]["epoch"] == 2


def test_distributed_outside_torchrun_is_one_line(data_dir, tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("RANK", "WORLD_SIZE", "MASTER_ADDR")}
    proc = run_cli(
        "train", "--distributed", "--dataset", "mnist", "--epochs", "1", "--limit", "500",
        "--out", str(tmp_path / "run"), "--data-dir", str(data_dir),
        env=env,
    )  # fmt: skip
    assert_one_line_error(proc, "runs under torchrun", "--nproc-per-node")
    assert not (tmp_path / "run").exists()


def test_each_rank_takes_its_strided_share_of_the_global_batch():
    batch = torch.arange(36)
    shares = [Cluster(rank, 2, rank, "gloo").share(batch) for rank in range(2)]
    assert shares[0].tolist() == list(range(0, 36, 2)) and shares[1].tolist() == list(range(1, 36, 2))
    assert sorted(torch.cat(shares).tolist()) == batch.tolist()
    assert SINGLE.share(batch) is batch


def test_a_leftover_too_small_to_share_is_left_out():
    assert StepPlan.for_run(1801, None, epochs=1, processes=2) == StepPlan(36, 50, 50)
    assert StepPlan.for_run(1803, None, epochs=1, processes=2) == StepPlan(36, 50, 50)  # 3 over: under 2 each
    assert StepPlan.for_run(1804, None, epochs=1, processes=2) == StepPlan(36, 51, 51)
    assert StepPlan.for_run(1802, None, epochs=1) == StepPlan(36, 51, 51)  # one process: as before
