#!/usr/bin/env bash
# The recipe of the shipped word reader, models/words.onnx (see models/README.md): six runs of
# `hcr-ocr train-words` on about 5 CPU-hours of the 2-core machine, then a weight average.
#   1. 120,000 words written in EMNIST training glyphs (seeds 1 and 2);
#   2. the same with 30,000 words set in the print training fonts (seeds 3 and 4;
#      `scripts/install-deps.sh train-fonts`), from the first run's weights;
#   3. 150,000 new words (seeds 5-8) from the second run's weights, a lower learning rate;
#   4. 150,000 new words (seeds 9-12) written as small as 10-pixel capitals, from the third run's weights;
#   5. 300,000 new words (seeds 13-20), as small, from the average of the third and fourth runs;
#   then the mean of the third, fourth and fifth runs' weights (`hcr-ocr average`);
#   6. 150,000 new words (seeds 21-24), as small, from that mean, 38 minutes; then the mean of it and run 6,
#   judged by `hcr-ocr bench`.
# The word images are cached in the run folders (about 140 MB a run, 280 MB the fifth).
# Usage: scripts/train-words.sh [RUN_FOLDER]       (default runs/words)
#   DATA=FOLDER   the data folder (default ../shared/data)
set -euo pipefail
out=${1:-runs/words}
hcr=${HCR_OCR:-.venv/bin/hcr-ocr}
data=${DATA:-../shared/data}
"$hcr" train-words --words 120000 --print-words 0 --minutes 18 --out "$out/written" --data-dir "$data"
"$hcr" train-words --words 120000 --print-words 30000 --minutes 38 --init "$out/written/best.pt" \
    --out "$out/written-and-print" --data-dir "$data"
"$hcr" train-words --words 120000 --print-words 30000 --seed 5 --lr 4e-4 --minutes 50 \
    --init "$out/written-and-print/best.pt" --out "$out/new-words" --data-dir "$data"
"$hcr" train-words --words 120000 --print-words 30000 --seed 9 --smallest-cap 10 --lr 4e-4 --minutes 45 \
    --init "$out/new-words/best.pt" --out "$out/small-words" --data-dir "$data"
"$hcr" average "$out/new-words/best.pt" "$out/small-words/best.pt" --out "$out/average-3-4"
"$hcr" train-words --words 240000 --print-words 60000 --seed 13 --smallest-cap 10 --lr 3e-4 --minutes 55 \
    --init "$out/average-3-4/best.pt" --out "$out/more-words" --data-dir "$data"
"$hcr" average "$out/new-words/best.pt" "$out/small-words/best.pt" "$out/more-words/best.pt" --out "$out/average-3-4-5"
"$hcr" train-words --words 120000 --print-words 30000 --seed 21 --smallest-cap 10 --lr 3e-4 --minutes 38 \
    --init "$out/average-3-4-5/best.pt" --out "$out/sixth" --data-dir "$data"
"$hcr" average "$out/average-3-4-5/best.pt" "$out/sixth/best.pt" --out "$out/average"
echo "the word reader: $out/average/best.onnx (copy it to models/words.onnx, best.pt to models/words.pt)"
