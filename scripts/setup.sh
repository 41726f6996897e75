#!/usr/bin/env bash
# Installs what quant-opt needs to build and test, where it is missing, on
# Debian bookworm: Debian packages (apt-get), and a Python environment in
# .venv with the PyPI packages of scripts/requirements.txt (onnxruntime, the
# reference the tests compare against). Safe to rerun: what is there is kept.
#
#   scripts/setup.sh           build and test dependencies
#   scripts/setup.sh --train   also PyTorch (Debian's python3-torch), to
#                              retrain the example models (models/train.py)
set -euo pipefail
cd "$(dirname "$0")/.."

DEBIAN_PACKAGES=(
  cmake ninja-build g++ python3 python3-venv python3-numpy python3-onnx
  llvm-22-dev libmlir-22-dev mlir-22-tools llvm-22-tools libomp-22-dev
  libgtest-dev libonnx-dev libprotobuf-dev libopenblas-dev
  dataset-fashion-mnist libonnx-testdata
)
if [ "${1:-}" = "--train" ]; then
  DEBIAN_PACKAGES+=(python3-torch)
fi

source scripts/debian-packages.sh
install_debian_packages setup "${DEBIAN_PACKAGES[@]}"

# Debian's python3 with its numpy and onnx, plus PyPI packages in .venv.
if [ ! -x .venv/bin/python3 ]; then
  echo "setup: creating .venv" >&2
  /usr/bin/python3 -m venv --system-site-packages .venv
fi
# pip keeps what already satisfies the pinned requirements (no download).
.venv/bin/python3 -m pip install -q --disable-pip-version-check \
  -r scripts/requirements.txt
