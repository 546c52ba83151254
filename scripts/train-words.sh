#!/usr/bin/env bash
# The recipe of the shipped word reader, models/words.onnx (see models/README.md): two runs of
# `hcr-ocr train-words` on one CPU-hour of the 2-core machine. First 120,000 words written in EMNIST
# training glyphs (seeds 1 and 2); then the same with 30,000 words set in the print training fonts
# (seeds 3 and 4; `scripts/install-deps.sh train-fonts`), from the first run's weights. The word images
# are cached in the run folders (about 1.2 GB).
# Usage: scripts/train-words.sh [RUN_FOLDER]       (default runs/words)
#   DATA=FOLDER   the data folder (default ../shared/data)
set -euo pipefail
out=${1:-runs/words}
hcr=${HCR_OCR:-.venv/bin/hcr-ocr}
data=${DATA:-../shared/data}
"$hcr" train-words --words 120000 --print-words 0 --minutes 18 --out "$out/written" --data-dir "$data"
"$hcr" train-words --words 120000 --print-words 30000 --minutes 38 --init "$out/written/best.pt" \
    --out "$out/written-and-print" --data-dir "$data"
echo "the word reader: $out/written-and-print/words.onnx (copy it to models/words.onnx)"
