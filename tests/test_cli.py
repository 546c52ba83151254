"""The command line as people meet it: help, version, verbose decisions, where results are written."""

from __future__ import annotations

import shutil
import subprocess
import sys

from hcr_ocr import __version__
from tests.conftest import REPO, assert_one_line_error, run_cli

SAMPLES = REPO / "samples"


def test_plain_command_prints_help_and_no_error():
    proc = run_cli()
    assert proc.returncode == 0
    assert proc.stdout.startswith("Usage: hcr-ocr [OPTIONS] COMMAND")
    assert "read" in proc.stdout and proc.stderr == ""


def test_version_and_short_help():
    assert run_cli("--version").stdout == f"hcr-ocr {__version__}\n"
    short, long = run_cli("read", "-h"), run_cli("read", "--help")
    assert short.returncode == 0 and short.stdout == long.stdout
    # flags show as flags, without a type
    flags = [line.split()[:2] for line in short.stdout.splitlines() if "--verbose" in line]
    assert flags == [["-v,", "--verbose"]]
    assert "<bool>" not in short.stdout and "<bool>" not in run_cli("eval", "-h").stdout


def test_a_plain_read_and_the_typer_command_say_the_same(tmp_path):
    """`read FILE...` with no option skips Typer (hcr_ocr.__main__); given an option, the Typer command runs
    the same read: the same results, errors, summary and exit code."""
    missing = str(tmp_path / "missing.png")
    inputs = [str(SAMPLES / "word-caps.png"), missing, str(SAMPLES / "note.png")]
    plain, typer = run_cli("read", *inputs), run_cli("read", *inputs, "--format", "text", "-j", "2")
    assert plain.returncode == typer.returncode == 1
    assert plain.stdout == typer.stdout
    assert plain.stdout.startswith(f"==> {inputs[0]} <==\nSHOPPING LIST\n==> {inputs[2]} <==\n")
    assert plain.stderr.splitlines()[0] == typer.stderr.splitlines()[0] == f"error: {missing}: no such file"
    assert plain.stderr.splitlines()[1].startswith("2 read, 1 failed, ")
    one = run_cli("read", missing)
    assert (one.returncode, one.stderr) == (2, f"error: {missing}: no such file\n")
    for option in ([], ["-f", "text"]):  # output into a pipe already closed (`| head -0`): quiet, exit 1
        cmd = [sys.executable, "-m", "hcr_ocr", "read", inputs[0], inputs[2], *option]
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=REPO)
        proc.stdout.close()
        assert (proc.wait(timeout=120), proc.stderr.read()) == (1, b"")
    odd = tmp_path / "a[b].png"  # a name that looks like markup is printed as it is
    assert run_cli("read", str(odd)).stderr == f"error: {odd}: no files match\n"


def test_verbose_shows_the_stage_decisions():
    proc = run_cli("read", "-v", str(SAMPLES / "word-caps.png"))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "SHOPPING LIST\n"
    log = proc.stderr
    assert "hcr_ocr.reading.pipeline: page 546x96, skew 0.00 degrees" in log, log
    assert "1 text line(s); 0 dropped as printed form labels" in log
    assert "line 1: 2 word(s), letters 39 px tall" in log
    assert run_cli("read", str(SAMPLES / "word-caps.png")).stderr == ""


def test_same_names_in_two_folders_give_two_results(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    shutil.copy(SAMPLES / "word-caps.png", tmp_path / "a" / "x.png")
    shutil.copy(SAMPLES / "word-hello.png", tmp_path / "b" / "x.png")
    out, overlays = tmp_path / "out", tmp_path / "overlays"
    inputs = [str(tmp_path / "a" / "x.png"), str(tmp_path / "b" / "x.png")]
    proc = run_cli("read", *inputs, "--out", str(out), "--overlay", str(overlays))
    assert proc.returncode == 0, proc.stderr
    assert (out / "a" / "x.txt").read_text() == "SHOPPING LIST\n"
    assert (out / "b" / "x.txt").read_text() == "Hello\n"
    assert sorted(p.relative_to(overlays).as_posix() for p in overlays.rglob("*.png")) == [
        "a/x.overlay.png",
        "b/x.overlay.png",
    ]


def test_two_files_of_one_name_and_two_suffixes_keep_the_suffix(tmp_path):
    shutil.copy(SAMPLES / "word-caps.png", tmp_path / "x.png")
    shutil.copy(SAMPLES / "word-hello.png", tmp_path / "x.tif")
    proc = run_cli("read", str(tmp_path / "x.png"), str(tmp_path / "x.tif"), "--out", str(tmp_path / "out"))
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "out" / "x.png.txt").read_text() == "SHOPPING LIST\n"
    assert (tmp_path / "out" / "x.tif.txt").read_text() == "Hello\n"


def test_out_naming_a_file_is_a_one_line_error(tmp_path):
    taken = tmp_path / "results"
    taken.write_text("not a folder")
    proc = run_cli("read", str(SAMPLES / "word-hello.png"), "--out", str(taken))
    assert_one_line_error(proc, "results", "not a folder")
    assert taken.read_text() == "not a folder"


def test_ray_without_an_address_means_a_local_ray():
    """`read --ray` alone (before another option, an input or nothing) is `--ray local`; an address is kept."""
    from hcr_ocr.cli import with_ray_address

    sample = str(REPO / "samples" / "note.png")
    cases = {
        ("read", "in/", "--ray", "--out", "o"): ("read", "in/", "--ray", "local", "--out", "o"),
        ("read", "--ray", sample, "--out", "o"): ("read", "--ray", "local", sample, "--out", "o"),
        ("read", "in/", "--out", "o", "--ray"): ("read", "in/", "--out", "o", "--ray", "local"),
        ("read", "in/", "--ray", "auto"): ("read", "in/", "--ray", "auto"),
        ("read", "in/", "--ray", "head:6379"): ("read", "in/", "--ray", "head:6379"),
        ("read", "in/", "--ray", "ray://head:10001"): ("read", "in/", "--ray", "ray://head:10001"),
        ("read", "in/", "--out", "o"): ("read", "in/", "--out", "o"),
    }
    for given, meant in cases.items():
        assert tuple(with_ray_address(list(given))) == meant, given
