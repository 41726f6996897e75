#!/usr/bin/env bash
# The README's main-job command: sets up, builds, and runs the flow on a
# bundled example model (default models/mobilenetv2.onnx, or the .onnx given
# as the first argument):
#   1. the reproducible Fashion-MNIST split (scripts/fashion_mnist.py)
#   2. import with quant-translate --import-onnx
#   3. quantize with quant-opt --qnt-ptq-pipeline (W8A8, per-channel weights,
#      calibrated on the 1000 calibration images) to the int8 form
#   4. evaluate the float and the int8 model with quant-run (JIT) on the
#      evaluation images (all 9000, or $IMAGES) and print both accuracies
#   5. compile the int8 model ahead of time to an object file and a header
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
MODEL=${1:-models/mobilenetv2.onnx}
IMAGES=${IMAGES:-9000}

scripts/build.sh >&2

BIN="$BUILD_DIR/bin"
WORK="$BUILD_DIR/example"
DATA=${DATA:-data}
mkdir -p "$WORK"
name=$(basename "$MODEL" .onnx)

[ -f "$DATA/eval_images.npy" ] || /usr/bin/python3 scripts/fashion_mnist.py --out "$DATA"

echo "== $MODEL"
"$BIN/quant-translate" --import-onnx "$MODEL" -o "$WORK/$name.mlir"
echo "imported: $(grep -c '= qnt\.' "$WORK/$name.mlir") qnt ops -> $WORK/$name.mlir"

echo "== quant-opt --qnt-ptq-pipeline (W8A8, calibration on $DATA/calib_images.npy)"
"$BIN/quant-opt" "$WORK/$name.mlir" \
  --qnt-ptq-pipeline="calibration-data=$DATA/calib_images.npy weight-bits=8 act-bits=8 quantize=true" \
  -o "$WORK/$name.int8.mlir"
echo "int8 model: $(grep -c 'qnt.requantize' "$WORK/$name.int8.mlir") requantizations -> $WORK/$name.int8.mlir"

accuracy() { # model -> "accuracy% (samples/s)"
  "$BIN/quant-run" "$1" --input "$DATA/eval_images.npy" \
    --labels "$DATA/eval_labels.npy" --limit "$IMAGES" --json --quiet |
    /usr/bin/python3 -c 'import json, sys; r = json.load(sys.stdin); print("%.2f%% (%.0f images/s)" % (100 * r["accuracy"], r["samples_per_second"]))'
}
echo "== quant-run on $IMAGES evaluation images"
fp32=$(accuracy "$WORK/$name.mlir")
echo "FP32  $fp32"
int8=$(accuracy "$WORK/$name.int8.mlir")
echo "int8  $int8"

"$BIN/quant-compile" "$WORK/$name.int8.mlir" -o "$WORK/$name.int8.o" --header "$WORK/$name.int8.h"
echo "== ahead of time: $WORK/$name.int8.o, $WORK/$name.int8.h"
