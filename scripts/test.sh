#!/usr/bin/env bash
# Sets up, builds and runs every test (lit + FileCheck suites, gtest unit
# tests): the README's test command, and what CI runs (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}

scripts/build.sh
cmake --build "$BUILD_DIR" --target check-quant-opt
