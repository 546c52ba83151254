#!/usr/bin/env bash
# A plain, non-editable `pip install .` (no [train] extra) into a fresh virtual environment must read:
# the shipped models and word list come with the package, and torch is not installed.
# Usage: scripts/check-install.sh [VENV_DIR]   (default: a temporary folder, removed afterwards)
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${1:-$(mktemp -d)/venv}"
[ $# -eq 0 ] && trap 'rm -rf "$(dirname "$venv")"' EXIT
python3 -m venv "$venv"
src="$(mktemp -d)"  # build from a clean copy: setuptools' build/ folder would keep stale files
cp -r hcr_ocr models pyproject.toml README.md constraints.txt "$src"
find "$src" -name __pycache__ -prune -exec rm -rf {} +
"$venv/bin/python" -m pip install --quiet -c constraints.txt "$src" 2>&1 | grep -v "^WARNING: Location" || true
rm -rf "$src"
cd /tmp  # away from the checkout, so that nothing is found beside it
if "$venv/bin/python" -c "import torch" 2>/dev/null; then
  echo "check-install: torch is installed without the [train] extra" >&2; exit 1
fi
text="$("$venv/bin/hcr-ocr" read "$OLDPWD/samples/paragraph.png")"
expected="$(cat "$OLDPWD/samples/paragraph.gt.txt")"
if [ "$text" != "$expected" ]; then
  printf 'check-install: read\n%s\nexpected\n%s\n' "$text" "$expected" >&2; exit 1
fi
models="$("$venv/bin/python" -c 'from hcr_ocr.reading.shipped import models_dir; print(models_dir())')"
case "$models" in
  "$venv"/*) ;;
  *) echo "check-install: models found outside the installed package: $models" >&2; exit 1 ;;
esac
echo "check-install: a plain install reads samples/paragraph.png, without torch, models from $models"
