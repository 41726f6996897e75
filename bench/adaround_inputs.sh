#!/bin/bash
# AdaRound on float vs quantized layer inputs (issue 5, item 4): for each
# model, W4A8 per-channel and per-tensor, the naive pipeline of
# bench/ptq_ablation.py's ablation (b) with rounding to nearest, AdaRound on
# the float model's layer inputs and AdaRound on the quantized model's; top-1
# on the first 2000 evaluation images (quant-run), wall time, CPU time and
# peak memory of quant-opt (/usr/bin/time -v).
#
#   bench/adaround_inputs.sh BUILD_DIR OUT_DIR ITERATIONS MODEL...
#
# One line per cell on stdout; OUT_DIR keeps each run's stderr (.log) and
# /usr/bin/time report (.time). A cell whose .done exists is skipped.
set -u
BUILD=$1 OUT=$2 ITER=$3
shift 3
ROOT=$(cd "$(dirname "$0")/.." && pwd)
B=$BUILD/bin
D=$ROOT/data
NAIVE="equalize=false bias-correction=none weight-range=minmax act-range=minmax"
mkdir -p "$OUT"
for model in "$@"; do
  "$B/quant-translate" --import-onnx "$ROOT/models/$model.onnx" -o "$OUT/$model.mlir" || exit 1
  for pc in true false; do
    for method in rtn float quantized; do
      if [ $method = rtn ]; then
        A="adaround=false"
      else
        A="adaround=true adaround-iterations=$ITER adaround-input=$method"
      fi
      tag=$OUT/$model-$pc-$method-$ITER
      [ -f "$tag.done" ] && continue
      if ! /usr/bin/time -v -o "$tag.time" "$B/quant-opt" "$OUT/$model.mlir" \
          "--qnt-ptq-pipeline=calibration-data=$D/calib_images.npy weight-bits=4 act-bits=8 per-channel=$pc $NAIVE $A" \
          -o "$tag.mlir" 2> "$tag.log"; then
        echo "$model per-channel=$pc $method: quant-opt failed (see $tag.log)"
        continue
      fi
      "$B/quant-run" "$tag.mlir" --input "$D/eval_images.npy" --labels "$D/eval_labels.npy" \
        --limit 2000 --json --quiet > "$tag.json"
      acc=$(python3 -c "import json, sys; print('%.2f' % (100 * json.load(open(sys.argv[1]))['accuracy']))" "$tag.json")
      wall=$(grep 'Elapsed (wall clock)' "$tag.time" | awk '{print $NF}')
      user=$(grep 'User time' "$tag.time" | awk '{print $NF}')
      rss=$(grep 'Maximum resident' "$tag.time" | awk '{print $NF}')
      echo "$model per-channel=$pc $method iterations=$ITER: top-1 $acc %, quant-opt wall $wall, user ${user} s, max RSS ${rss} kB"
      rm -f "$tag.mlir"
      touch "$tag.done"
    done
  done
done
