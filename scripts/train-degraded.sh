#!/usr/bin/env bash
# The character models fine-tuned on the world the reader sees: a share of every batch degraded as scans are
# (noise, blur, stroke weight, elastic bends, binarisation, faint ink: `train --degrade`) and the glyphs
# harvested from the real crops of form-names-train mixed in (`train --extra-glyphs`: crops whose segmentation
# gives as many letters as the label; each glyph joins the training images EXTRA_GLYPH_REPEAT times).
#   main:  models/emnist47.pt fine-tuned                             -> RUN_FOLDER/best.{pt,onnx}
#   small: models/emnist47-small.pt fine-tuned, --low-res 0.3 kept    -> RUN_FOLDER-small/best.{pt,onnx}
# The reader sends the glyphs of lines under 17 px (most form names) to the small model, so the small one is
# what moves the reader's figures on form-names-tune. Then the tune set judges (float models, like with like):
# each main model alone (`bench --model` replaces the main model only), and the reader's three models with
# the new main and small against the shipped ones; eval scores each on derived47-test. The tune set chooses;
# form-names-train, which they learned from, never does.
#
# Usage: scripts/train-degraded.sh [RUN_FOLDER]             (default runs/emnist47-degraded)
#   EPOCHS=3 LR=3e-4 DEGRADE=0.3 SEED=1 WHICH=both            the full recipe (WHICH: main, small or both)
#   DEVICE=cuda|cpu                                           default: cuda where torch sees one, else cpu
#   LIMIT=N                                                   only the first N derived47 images (short CPU tries)
#   EXTRA=FOLDER  DATA=FOLDER                                 crops to harvest; the data folder
# Measured on the shared 2-core CPU of this workplace: 0.7-2.3 s a step of 256, with the load of the other
# work (an epoch of the full set, 183,900 images + 4 x 2,961 harvested glyphs = 765 steps: 9-29 minutes); on a
# GPU the network and the augmentation run there (the random numbers are still drawn on the CPU, seeded).
set -euo pipefail
out=${1:-runs/emnist47-degraded}
hcr=${HCR_OCR:-.venv/bin/hcr-ocr}
python=${PYTHON:-.venv/bin/python}
data=${DATA:-../shared/data}
extra=${EXTRA:-$data/real-dev/form-names-train}
tune=$data/real-dev/form-names-tune
which=${WHICH:-both}
device=${DEVICE:-$("$python" -c 'import torch; print("cuda" if torch.cuda.is_available() else "cpu")')}
limit=()
if [[ -n ${LIMIT:-} ]]; then limit=(--limit "$LIMIT"); fi

finetune() {  # finetune FROM FOLDER [more train options]
    local from=$1 folder=$2
    shift 2
    echo "fine-tuning $from on $device into $folder"
    "$hcr" train --dataset emnist --init "$from" --epochs "${EPOCHS:-3}" --lr "${LR:-3e-4}" \
        --degrade "${DEGRADE:-0.3}" --extra-glyphs "$extra" --seed "${SEED:-1}" --device "$device" \
        --data-dir "$data" ${limit[@]+"${limit[@]}"} --out "$folder" "$@"
    echo "model: $folder/best.pt and $folder/best.onnx"
}
main=models/emnist47.onnx small=models/emnist47-small.onnx
if [[ $which == main || $which == both ]]; then
    finetune models/emnist47.pt "$out"
    main=$out/best.onnx
fi
if [[ $which == small || $which == both ]]; then
    finetune models/emnist47-small.pt "$out-small" --low-res 0.3
    small=$out-small/best.onnx
fi

# The judges: two model folders of float models for the reader (HCR_OCR_MODELS), shipped and new.
judge=$out-judge
rm -rf "$judge" && mkdir -p "$judge/shipped" "$judge/new"
cp models/emnist47.onnx models/emnist47-small.onnx models/emnist47-second.onnx "$judge/shipped/"
cp "$main" "$judge/new/emnist47.onnx" && cp "$small" "$judge/new/emnist47-small.onnx"
cp models/emnist47-second.onnx "$judge/new/"
"$hcr" bench "$tune" --model models/emnist47.onnx --json >"$judge/tune-main-shipped.json"
"$hcr" bench "$tune" --model "$main" --json >"$judge/tune-main-new.json"
HCR_OCR_MODELS=$judge/shipped "$hcr" bench "$tune" --json >"$judge/tune-reader-shipped.json"
HCR_OCR_MODELS=$judge/new "$hcr" bench "$tune" --json >"$judge/tune-reader-new.json"
# The same under the degradations of `bench --conditions`, where this hcr-ocr has it (CONDITIONS="" skips).
conditions=${CONDITIONS-gauss-30,blur-2.5,marker,hairline,salt-pepper-8,jpeg-10,scale-0.6}
if [[ -n $conditions ]] && "$hcr" bench --help | grep -q -- --conditions; then
    for set in shipped new; do
        HCR_OCR_MODELS=$judge/$set "$hcr" bench "$tune" --conditions "$conditions" --json \
            >"$judge/tune-reader-$set-conditions.json"
    done
fi
for m in models/emnist47.onnx models/emnist47-small.onnx "$main" "$small"; do
    "$hcr" eval --dataset emnist --data-dir "$data" --model "$m" --json
done >"$judge/eval-derived47.jsonl"
"$python" - "$judge" <<'EOF'
import json, sys
judge = sys.argv[1]
for name in ("tune-main-shipped", "tune-main-new", "tune-reader-shipped", "tune-reader-new"):
    (result,) = json.load(open(f"{judge}/{name}.json")).values()
    r = result["hcr"]
    print(f"{name:20s} CER {r['cer']:.4f}  caseless {r['cer_caseless']:.4f}  exact {r['exact_match']:.3f}")
for name in ("tune-reader-shipped-conditions", "tune-reader-new-conditions"):
    try:
        result = json.load(open(f"{judge}/{name}.json"))
    except FileNotFoundError:
        continue
    cers = "  ".join(f"{k} {v['pooled']['cer']:.3f}" for k, v in result["conditions"].items())
    print(f"{name:32s} mean CER {result['summary']['mean_cer']:.4f}  {cers}")
for line in open(f"{judge}/eval-derived47.jsonl"):
    r = json.loads(line)
    print(f"derived47 test {r['accuracy']:.4f}  {r['model']}")
EOF
echo "to ship (only where the tune set says it pays): cp $out/best.pt models/emnist47.pt, best.onnx likewise;" \
    "cp $out-small/best.pt models/emnist47-small.pt, best.onnx likewise; then scripts/quantize-models.py"
