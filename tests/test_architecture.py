"""The architecture holds: the read path imports no torch, onnx, matplotlib or training code (an
import-linter contract, imports inside functions included), and a plain `pip install .` reads."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO

LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(root / "pyproject.toml")],
        cwd=root,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_import_contracts_are_kept():
    proc = lint_imports(REPO)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "0 broken" in proc.stdout


def test_an_import_of_torch_inside_a_read_function_breaks_the_contract(tmp_path):
    shutil.copytree(REPO / "hcr_ocr", tmp_path / "hcr_ocr", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "pyproject.toml", tmp_path)
    words = tmp_path / "hcr_ocr" / "reading" / "words.py"
    words.write_text(words.read_text() + "\n\ndef _sneaky():\n    import torch\n\n    return torch\n")
    proc = lint_imports(tmp_path)
    assert proc.returncode != 0
    assert "hcr_ocr.reading.words -> torch" in proc.stdout, proc.stdout


def test_a_plain_install_reads_without_torch(tmp_path):
    """scripts/check-install.sh: `pip install .` into a fresh venv, no [train] extra, reads a sample."""
    proc = subprocess.run(
        ["bash", str(REPO / "scripts" / "check-install.sh"), str(tmp_path / "venv")],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "reads samples/paragraph.png, without torch" in proc.stdout
