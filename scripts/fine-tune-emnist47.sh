#!/usr/bin/env bash
# The recipe of the shipped fine-tunes of models/emnist47 and models/emnist47-small (see models/README.md):
# the models trained by scripts/train-emnist47.sh, fine-tuned one epoch at a low learning rate with extra
# glyphs: print rendered from fonts the test pages do not use (hcr_ocr/data/printed.py; the main model) and
# glyphs harvested from the real crops of form-names-train where the reader's segmentation fits the label
# (hcr_ocr/data/harvest.py; the small-writing model, which reads most field crops). The tune set chose;
# form-names-train, which they learned from, never did. About 3 + 6 minutes on this 2-core CPU, one core each.
# Usage: scripts/fine-tune-emnist47.sh [RUN_FOLDER]       (default runs/fine-tune)
#   DATA=FOLDER     the data folder (default ../shared/data)
#   DEVICE=cuda     on a GPU (default cpu)
set -euo pipefail
out=${1:-runs/fine-tune}
hcr=${HCR_OCR:-.venv/bin/hcr-ocr}
python=${PYTHON:-.venv/bin/python}
data=${DATA:-../shared/data}
mkdir -p "$out"
scripts/install-deps.sh train-fonts
"$python" -m hcr_ocr.data.printed "$out/printed.npz" 100
common=(--dataset emnist --epochs 1 --lr 3e-4 --seed 1 --device "${DEVICE:-cpu}" --data-dir "$data")
OMP_NUM_THREADS=1 "$hcr" train "${common[@]}" --init models/emnist47.pt --limit 80000 \
    --extra-glyphs "$out/printed.npz" --out "$out/main" &
OMP_NUM_THREADS=1 "$hcr" train "${common[@]}" --init models/emnist47-small.pt --low-res 0.3 \
    --extra-glyphs "$data/real-dev/form-names-train" --extra-glyphs "$out/printed.npz" --out "$out/small" &
wait
"$python" scripts/quantize-models.py "$out/main/best.onnx" "$out/small/best.onnx" --data-dir "$data"
echo "to ship: $out/main/best.{pt,onnx,int8.onnx} → models/emnist47.*, $out/small/... → models/emnist47-small.*"
