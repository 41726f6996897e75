#!/usr/bin/env bash
# Installs the peer implementations the benchmarks compare against:
#  - Debian packages (apt-get): libdnnl-dev (oneDNN), the peer of the int8
#    GEMM benchmark bench/int8_gemm.py, and clang, which compiles its vpdpbusd
#    peak probe (GCC 12 spills the probe's accumulators);
#  - .venv-peers at the repository root with bench/requirements-peers.txt
#    (AIMET: aimet-onnx and torch, about 6 GB), for bench/ptq_ablation.py.
# Idempotent: installed Debian packages are kept, an existing venv is kept and
# pip runs only when a pinned package is missing or at another version.
#
#   bench/setup-peers.sh             both (PYTHON=python3)
#   bench/setup-peers.sh --apt-only  only the Debian packages (oneDNN, clang)
#   .venv-peers/bin/python bench/ptq_ablation.py --images 2000
set -euo pipefail
cd "$(dirname "$0")/.."

APT_ONLY=0
case "${1:-}" in
  --apt-only) APT_ONLY=1 ;;
  "") ;;
  *)
    echo "setup-peers: unknown option '$1' (expected --apt-only or nothing)" >&2
    exit 2
    ;;
esac

DEBIAN_PACKAGES=(libdnnl-dev clang)
source scripts/debian-packages.sh
install_debian_packages setup-peers "${DEBIAN_PACKAGES[@]}"
((${#MISSING_PACKAGES[@]})) ||
  echo "setup-peers: Debian packages installed: ${DEBIAN_PACKAGES[*]}"
[ "${APT_ONLY}" = 1 ] && exit 0
PYTHON=${PYTHON:-python3}
REQUIREMENTS=bench/requirements-peers.txt
VENV=.venv-peers

[ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"

# Exit status 0 when every name==version line of the requirements is installed.
satisfied() {
  "$VENV/bin/python" - "$REQUIREMENTS" <<'PY'
import sys
from importlib import metadata

ok = True
for line in open(sys.argv[1]):
    line = line.split("#", 1)[0].strip()
    if not line:
        continue
    name, _, version = line.partition("==")
    try:
        have = metadata.version(name)
    except metadata.PackageNotFoundError:
        have = None
    if have != version:
        print(f"setup-peers: {name}: want {version}, have {have}", file=sys.stderr)
        ok = False
sys.exit(0 if ok else 1)
PY
}

if satisfied; then
  echo "setup-peers: $VENV already satisfies $REQUIREMENTS"
  exit 0
fi
"$VENV/bin/python" -m pip install --upgrade pip
"$VENV/bin/python" -m pip install -r "$REQUIREMENTS"
satisfied
echo "setup-peers: $VENV ready"
