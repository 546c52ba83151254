#!/usr/bin/env bash
# The recipe of the shipped models/emnist47: 12 epochs, 4 more at a lower learning rate, then the average of
# the epoch-10, epoch-12 and epoch-16 weights (kept because it beats each of them on validation); then
# emnist47-small (fine-tuned on coarse copies) and emnist47-second (trained apart). See models/README.md.
# Usage: scripts/train-emnist47.sh [RUN_FOLDER]   (about 57 + 24 + 30 minutes on a 2-core CPU)
set -euo pipefail
out=${1:-runs/emnist47}
hcr=${HCR_OCR:-.venv/bin/hcr-ocr}
"$hcr" train --dataset emnist --epochs 12 --width 24 --seed 0 --out "$out"
rm -rf "$out-12ep" && cp -r "$out" "$out-12ep"
"$hcr" train --dataset emnist --epochs 16 --width 24 --lr 1e-3 --seed 0 --resume "$out/last.pt" --out "$out"
"$hcr" average "$out-12ep/best.pt" "$out-12ep/last.pt" "$out/last.pt" --dataset emnist --out "$out-avg"
echo "model: $out-avg/best.pt and $out-avg/best.onnx (copy to models/emnist47.pt and .onnx)"
# The small-writing model: the average fine-tuned on coarse, binarised copies (about 20 more minutes).
"$hcr" train --dataset emnist --epochs 2 --lr 3e-4 --low-res 0.3 --init "$out-avg/best.pt" --seed 1 --out "$out-small"
echo "small-writing model: $out-small/best.pt and .onnx (copy to models/emnist47-small.pt and .onnx)"
"$hcr" train --dataset emnist --epochs 10 --width 24 --seed 5 --low-res 0.15 --out "$out-second"
echo "second model: $out-second/best.pt and .onnx (copy to models/emnist47-second.pt and .onnx)"
