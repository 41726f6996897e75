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
missing=()
for pkg in "${DEBIAN_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null |
      grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done
if ((${#missing[@]})); then
  echo "setup-peers: installing Debian packages: ${missing[*]}" >&2
  sudo=()
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null || {
      echo "setup-peers: need root or sudo to install ${missing[*]}" >&2
      exit 1
    }
    sudo=(sudo)
  fi
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq \
    --no-install-recommends "${missing[@]}"
else
  echo "setup-peers: Debian packages installed: ${DEBIAN_PACKAGES[*]}"
fi
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
