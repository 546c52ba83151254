#!/usr/bin/env bash
# The recipe of the shipped fine-tunes of models/emnist47 and models/emnist47-small (see models/README.md):
# the models trained by scripts/train-emnist47.sh, fine-tuned one epoch at a low learning rate with extra
# glyphs: print rendered from fonts the test pages do not use (hcr_ocr/data/printed.py; both models) and
# glyphs harvested from the real crops of form-names-train where the reader's segmentation fits the label
# (hcr_ocr/data/harvest.py; the small-writing model, which reads most field crops), oversampled REPEAT
# times. The tune set chose; form-names-train, which they learned from, never did. About 3 + 13 minutes on
# this 2-core CPU, one core each.
# Usage: scripts/fine-tune-emnist47.sh [RUN_FOLDER]       (default runs/fine-tune)
#   DATA=FOLDER        the data folder (default ../shared/data)
#   DEVICE=cuda        on a GPU (default cpu)
#   MAIN_INIT=FILE     the model to fine-tune for emnist47 (default: the one shipped before the fine-tunes,
#                      from git history; or runs/emnist47-avg/best.pt from scripts/train-emnist47.sh)
#   SMALL_INIT=FILE    the same for emnist47-small (default from git history; or runs/emnist47-small/best.pt)
#   REPEAT=N           times each harvested real glyph joins the small model's training images (default 64)
set -euo pipefail
out=${1:-runs/fine-tune}
hcr=${HCR_OCR:-.venv/bin/hcr-ocr}
python=${PYTHON:-.venv/bin/python}
data=${DATA:-../shared/data}
mkdir -p "$out"
main_init=${MAIN_INIT:-$out/emnist47-before.pt}
small_init=${SMALL_INIT:-$out/emnist47-small-before.pt}
from_history() {  # file $3 as it was at commit $1, copied to $2
    if ! git cat-file -e "$1:$3" 2>/dev/null; then
        echo "fine-tune: commit $1 is not in this clone (shallow or no git): 'git fetch --unshallow'," \
            "or set MAIN_INIT and SMALL_INIT to the models scripts/train-emnist47.sh writes" >&2
        exit 1
    fi
    git show "$1:$3" > "$2.partial" && mv "$2.partial" "$2"
}
[ -n "${MAIN_INIT:-}" ] || from_history 3c540a1e8bb3b8fabc430506da89a6897234ae17 "$main_init" models/emnist47.pt
[ -n "${SMALL_INIT:-}" ] || from_history 11d4d0b74245f4b7cadf36511c7eb7bca35609e0 "$small_init" models/emnist47-small.pt
scripts/install-deps.sh train-fonts
"$python" -m hcr_ocr.data.printed "$out/printed.npz" 100
common=(--dataset emnist --epochs 1 --lr 3e-4 --seed 1 --device "${DEVICE:-cpu}" --data-dir "$data")
OMP_NUM_THREADS=1 "$hcr" train "${common[@]}" --init "$main_init" --limit 80000 \
    --extra-glyphs "$out/printed.npz" --out "$out/main" &
OMP_NUM_THREADS=1 "$hcr" train "${common[@]}" --init "$small_init" --low-res 0.3 \
    --extra-glyphs "$data/real-dev/form-names-train" --extra-repeat "${REPEAT:-64}" \
    --extra-glyphs "$out/printed.npz" --extra-repeat 4 --out "$out/small" &
wait
"$python" scripts/quantize-models.py "$out/main/best.onnx" "$out/small/best.onnx" --data-dir "$data"
echo "to ship: $out/main/best.{pt,onnx,int8.onnx} → models/emnist47.*, $out/small/... → models/emnist47-small.*"
