#!/usr/bin/env bash
# The recipe of the shipped fine-tunes of models/emnist47 and models/emnist47-small (see models/README.md):
# the models trained by scripts/train-emnist47.sh, fine-tuned one epoch at a low learning rate with extra
# glyphs: print rendered from fonts the test pages do not use (hcr_ocr/data/printed.py; both models) and
# glyphs harvested from the real crops of form-names-train where the reader's segmentation fits the label
# (hcr_ocr/data/harvest.py; the small-writing model, which reads most field crops), oversampled REPEAT
# times. The tune set chose; form-names-train, which they learned from, never did. About 3 + 10 minutes on
# this 2-core CPU, one core each.
# Usage: scripts/fine-tune-emnist47.sh [RUN_FOLDER]       (default runs/fine-tune)
#   DATA=FOLDER        the data folder (default ../shared/data)
#   DEVICE=cuda        on a GPU (default cpu)
#   MAIN_INIT=FILE     the model to fine-tune for emnist47 (default: the one shipped before the fine-tunes,
#                      from git history; or runs/emnist47-avg/best.pt from scripts/train-emnist47.sh)
#   SMALL_INIT=FILE    the same for emnist47-small (default from git history; or runs/emnist47-small/best.pt)
#   REPEAT=N           times each harvested real glyph joins the small model's training images (default 32)
set -euo pipefail
out=${1:-runs/fine-tune}
hcr=${HCR_OCR:-.venv/bin/hcr-ocr}
python=${PYTHON:-.venv/bin/python}
data=${DATA:-../shared/data}
mkdir -p "$out"
main_init=${MAIN_INIT:-$out/emnist47-before.pt}
small_init=${SMALL_INIT:-$out/emnist47-small-before.pt}
[ -n "${MAIN_INIT:-}" ] || git show 3c540a1:models/emnist47.pt > "$main_init"
[ -n "${SMALL_INIT:-}" ] || git show 11d4d0b:models/emnist47-small.pt > "$small_init"
scripts/install-deps.sh train-fonts
"$python" -m hcr_ocr.data.printed "$out/printed.npz" 100
common=(--dataset emnist --epochs 1 --lr 3e-4 --seed 1 --device "${DEVICE:-cpu}" --data-dir "$data")
OMP_NUM_THREADS=1 "$hcr" train "${common[@]}" --init "$main_init" --limit 80000 \
    --extra-glyphs "$out/printed.npz" --out "$out/main" &
OMP_NUM_THREADS=1 "$hcr" train "${common[@]}" --init "$small_init" --low-res 0.3 \
    --extra-glyphs "$data/real-dev/form-names-train" --extra-repeat "${REPEAT:-32}" \
    --extra-glyphs "$out/printed.npz" --extra-repeat 4 --out "$out/small" &
wait
"$python" scripts/quantize-models.py "$out/main/best.onnx" "$out/small/best.onnx" --data-dir "$data"
echo "to ship: $out/main/best.{pt,onnx,int8.onnx} → models/emnist47.*, $out/small/... → models/emnist47-small.*"
