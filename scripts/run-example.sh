#!/usr/bin/env bash
# The README's main-job command: sets up, builds, and runs the flow on a
# bundled example model (default models/mobilenetv2.onnx, or the .onnx given
# as the first argument):
#   1. the reproducible Fashion-MNIST split (scripts/fashion_mnist.py)
#   2. import with quant-translate --import-onnx
#   3. fold batch norms and fuse activations (quant-opt)
#   4. evaluate the result with quant-run (JIT) on the 9000 evaluation
#      images (the folded model computes what the imported one does; the
#      tests check that)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
MODEL=${1:-models/mobilenetv2.onnx}

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
"$BIN/quant-opt" "$WORK/$name.mlir" --qnt-fold-batch-norm --qnt-fuse-activations \
  -o "$WORK/$name.folded.mlir"
echo "folded batch norms, fused activations: $(grep -c '= qnt\.' "$WORK/$name.folded.mlir") qnt ops -> $WORK/$name.folded.mlir"

echo "== quant-run $WORK/$name.folded.mlir on $DATA/eval_images.npy"
"$BIN/quant-run" "$WORK/$name.folded.mlir" --input "$DATA/eval_images.npy" \
  --labels "$DATA/eval_labels.npy"
