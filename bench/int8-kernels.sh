#!/usr/bin/env bash
# Throughput of the int8 example models with each int8 micro-kernel target
# (qnt-lower-int8-kernels) against the reference loops (kernel-target=none).
# Each model is quantized W8A8 by qnt-ptq-pipeline (100 calibration images,
# no AdaRound: the kernels do not depend on the weights' values) and run by
# quant-run on IMAGES evaluation images at batch BATCH; prints images/s and
# top-1 per target. Timings on a shared machine are noisy: run it alone.
#
#   bench/int8-kernels.sh        (BUILD_DIR=build MODELS="resnet mobilenetv2"
#                                 TARGETS="none portable avx2 avx512-vnni"
#                                 IMAGES=1000 BATCH=64)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
MODELS=${MODELS:-"resnet mobilenetv2"}
TARGETS=${TARGETS:-"none portable avx2 avx512-vnni"}
IMAGES=${IMAGES:-1000}
BATCH=${BATCH:-64}
WORK=${WORK:-$(mktemp -d)}
mkdir -p "$WORK"
[ -x "$BUILD_DIR/bin/quant-run" ] || { echo "int8-kernels: build $BUILD_DIR first" >&2; exit 1; }
[ -f data/calib_images.npy ] || /usr/bin/python3 scripts/fashion_mnist.py --out data >/dev/null

for model in $MODELS; do
  int="$WORK/$model.int.mlir"
  if [ ! -f "$int" ]; then
    "$BUILD_DIR/bin/quant-translate" --import-onnx "models/$model.onnx" -o "$WORK/$model.mlir"
    "$BUILD_DIR/bin/quant-opt" "$WORK/$model.mlir" \
      "--qnt-ptq-pipeline=calibration-data=data/calib_images.npy num-samples=100 adaround=false quantize=true" \
      -o "$int" 2>/dev/null
  fi
  for target in $TARGETS; do
    json=$("$BUILD_DIR/bin/quant-run" "$int" --input data/eval_images.npy \
      --labels data/eval_labels.npy --limit "$IMAGES" --batch "$BATCH" \
      --kernel-target "$target" --json --quiet)
    /usr/bin/python3 -c "import json, sys; r = json.loads(sys.argv[1]); \
print(f\"$model  kernel-target=$target  {r['samples_per_second']:.1f} img/s  \
top-1 {r['accuracy']:.4f}  compile {r['compile_seconds']:.1f} s\")" "$json"
  done
done
