#!/usr/bin/env bash
# Peak memory of `quant-translate --import-onnx` on a synthetic model with
# about 100 MB of float32 weights (bench/import-memory.py), written to
# /dev/null and to a file. Prints the maximum resident set size of each run,
# its ratio to the model file, and the part above the RSS of importing a
# tiny model (the shared libraries: the baseline).
#
#   bench/import-memory.sh            (BUILD_DIR=build, MEGABYTES=100)
#   BUILD_DIR=build-import MEGABYTES=400 bench/import-memory.sh
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
MEGABYTES=${MEGABYTES:-100}
WORK=${WORK:-$(mktemp -d)}
mkdir -p "$WORK"
TOOL="$BUILD_DIR/bin/quant-translate"
[ -x "$TOOL" ] || { echo "import-memory: build $TOOL first" >&2; exit 1; }

/usr/bin/python3 bench/import-memory.py "$WORK/tiny.onnx" --megabytes 0 --width 8 >/dev/null
/usr/bin/python3 bench/import-memory.py "$WORK/big.onnx" --megabytes "$MEGABYTES"
model_bytes=$(stat -c %s "$WORK/big.onnx")
echo "model file: $((model_bytes / 1000000)) MB"

rss_kb() { # rss_kb MODEL OUTPUT: max RSS of one import, in KB
  /usr/bin/time -v "$TOOL" --import-onnx "$1" -o "$2" 2> "$WORK/time.txt"
  sed -n 's/.*Maximum resident set size (kbytes): //p' "$WORK/time.txt"
}
base_kb=$(rss_kb "$WORK/tiny.onnx" /dev/null)
echo "baseline (tiny model): max RSS $((base_kb / 1000)) MB"
measure() { # measure LABEL OUTPUT
  local kb
  kb=$(rss_kb "$WORK/big.onnx" "$2")
  awk -v l="$1" -v r="$kb" -v b="$base_kb" -v m="$model_bytes" 'BEGIN {
    printf "%-14s max RSS %7.1f MB = %.2f x the model file; above the baseline %.2f x\n",
           l, r * 1024 / 1e6, r * 1024 / m, (r - b) * 1024 / m }'
}
measure "-o /dev/null:" /dev/null
measure "-o big.mlir:" "$WORK/big.mlir"
echo "big.mlir: $(($(stat -c %s "$WORK/big.mlir") / 1000000)) MB"
rm -f "$WORK/big.mlir"
