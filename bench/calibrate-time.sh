#!/usr/bin/env bash
# Wall time and peak memory of qnt-calibrate over the 1000 calibration images
# on the example models. Each model is imported, batch norms folded,
# activations fused, and an uncalibrated 8-bit quantizer put on the input and
# on every activation (test/Calibration/Inputs/insert_quantizers.py, until
# qnt-insert-quantizers exists); then `quant-opt --qnt-calibrate` runs under
# /usr/bin/time -v. Prints the pass's own timing line (total and JIT compile)
# and the process's wall time and maximum resident set size.
#
#   bench/calibrate-time.sh                  (BUILD_DIR=build, MODELS="mlp resnet mobilenetv2")
#   MODELS=vit BATCH=25 bench/calibrate-time.sh
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
MODELS=${MODELS:-"mlp resnet mobilenetv2"}
BATCH=${BATCH:-50}
WORK=${WORK:-$(mktemp -d)}
mkdir -p "$WORK"
[ -x "$BUILD_DIR/bin/quant-opt" ] || { echo "calibrate-time: build $BUILD_DIR first" >&2; exit 1; }
[ -f data/calib_images.npy ] || /usr/bin/python3 scripts/fashion_mnist.py --out data >/dev/null

for model in $MODELS; do
  "$BUILD_DIR/bin/quant-translate" --import-onnx "models/$model.onnx" -o "$WORK/$model.mlir"
  "$BUILD_DIR/bin/quant-opt" "$WORK/$model.mlir" --qnt-fold-batch-norm \
    --qnt-fuse-activations -o "$WORK/$model.ff.mlir"
  inserted=$(/usr/bin/python3 test/Calibration/Inputs/insert_quantizers.py \
    "$WORK/$model.ff.mlir" "$WORK/$model.q.mlir")
  /usr/bin/time -v "$BUILD_DIR/bin/quant-opt" "$WORK/$model.q.mlir" \
    --qnt-calibrate="calibration-data=data/calib_images.npy batch-size=$BATCH" \
    -o "$WORK/$model.calib.mlir" 2> "$WORK/$model.err"
  summary=$(grep 'tensors over' "$WORK/$model.err")
  wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$WORK/$model.err")
  rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$WORK/$model.err")
  echo "$model: $inserted; $summary; process wall $wall, max RSS $((rss / 1024)) MB"
done
