#!/usr/bin/env bash
# Creates .venv-peers at the repository root with the peer implementations of
# bench/requirements-peers.txt (AIMET: aimet-onnx and torch, about 6 GB), for
# bench/ptq_ablation.py. Idempotent: an existing venv is kept and pip runs only
# when a pinned package is missing or at another version.
#
#   bench/setup-peers.sh        (PYTHON=python3)
#   .venv-peers/bin/python bench/ptq_ablation.py --images 2000
set -euo pipefail
cd "$(dirname "$0")/.."
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
