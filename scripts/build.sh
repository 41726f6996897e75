#!/usr/bin/env bash
# Sets up (scripts/setup.sh), configures and builds quant-opt in $BUILD_DIR
# (default: build/).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}

scripts/setup.sh
if [ ! -f "$BUILD_DIR/build.ninja" ]; then
  cmake -G Ninja -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release \
    ${QUANTOPT_CMAKE_ARGS:-}
fi
cmake --build "$BUILD_DIR"
