#!/usr/bin/env bash
# Interop test: mAP against a numpy reimplementation of VOC's (average_precision.py).
#   bash tests/interop/run_average_precision.sh DETECTION_PROBE
# Needs Debian's /usr/bin/python3 with python3-numpy; without it prints SKIP and exits 77.
set -euo pipefail

if [[ $# -ne 1 ]]; then
  echo "usage: $0 DETECTION_PROBE" >&2
  exit 2
fi
python=${HPSWEEP_PYTHON:-/usr/bin/python3}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [[ ! -x $python ]] || ! "$python" -c "import numpy" 2>/dev/null; then
  echo "SKIP: $python lacks numpy (apt-get install python3-numpy)"
  exit 77
fi
"$python" "$here/average_precision.py" "$1"
