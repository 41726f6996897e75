#!/usr/bin/env bash
# The README's main-job command: sets up, builds, and runs quant-opt on a
# bundled example model (default examples/tiny-cnn.mlir, or the .mlir file
# given as the first argument): verifies it, checks that it round-trips
# through quant-opt (custom and generic form) and through the stock LLVM 22
# mlir-opt with the qnt plugin, and bypasses its quantizers as the debugging
# flow does.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
MODEL=${1:-examples/tiny-cnn.mlir}

scripts/build.sh >&2

QUANT_OPT="$BUILD_DIR/bin/quant-opt"
MLIR_OPT=/usr/lib/llvm-22/bin/mlir-opt
PLUGIN="$BUILD_DIR/lib/QuantOptPlugin.so"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

count() { grep -c "$1" "$2" || true; }
step() { printf '%-34s %s\n' "$1" "$2"; }

echo "== quant-opt on $MODEL"
"$QUANT_OPT" "$MODEL" -o "$work/printed.mlir"
step "parse + verify" "ok: $(count '= qnt\.' "$work/printed.mlir") qnt ops in $(count 'func.func' "$work/printed.mlir") functions"

"$QUANT_OPT" "$work/printed.mlir" -o "$work/reprinted.mlir"
cmp -s "$work/printed.mlir" "$work/reprinted.mlir" ||
  { echo "round trip changed the IR" >&2; diff "$work/printed.mlir" "$work/reprinted.mlir" >&2; exit 1; }
step "round trip (custom form)" "identical"

"$QUANT_OPT" "$MODEL" --mlir-print-op-generic | "$QUANT_OPT" -o "$work/generic.mlir"
cmp -s "$work/printed.mlir" "$work/generic.mlir" ||
  { echo "generic-form round trip changed the IR" >&2; exit 1; }
step "round trip (generic form)" "identical"

"$MLIR_OPT" "$MODEL" --load-dialect-plugin="$PLUGIN" -o "$work/stock.mlir"
cmp -s "$work/printed.mlir" "$work/stock.mlir" ||
  { echo "stock mlir-opt with the plugin printed different IR" >&2; exit 1; }
step "stock mlir-opt + QuantOptPlugin" "identical"

before=$(count 'qnt.fake_quant' "$work/printed.mlir")
for which in weights activations all; do
  "$QUANT_OPT" "$MODEL" --qnt-bypass-quantizers="which=$which" -o "$work/bypass-$which.mlir"
  step "qnt-bypass-quantizers=$which" \
    "fake_quant ops: $before -> $(count 'qnt.fake_quant' "$work/bypass-$which.mlir")"
done
