#!/usr/bin/env bash
# Interop test: boxes, IoU, NMS and RoI pooling against torchvision.ops (detection_ops.py).
#   bash tests/interop/run_detection_ops.sh DETECTION_PROBE
# Needs Debian's /usr/bin/python3 with python3-numpy, -torch and -torchvision; without them
# prints SKIP and exits 77. It needs no data set nor work folder, so it does without
# interop_setup.sh.
set -euo pipefail

if [[ $# -ne 1 ]]; then
  echo "usage: $0 DETECTION_PROBE" >&2
  exit 2
fi
probe=$1
python=${HPSWEEP_PYTHON:-/usr/bin/python3}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [[ ! -x $python ]] || ! "$python" -c "import numpy, torch, torchvision" 2>/dev/null; then
  echo "SKIP: $python lacks numpy, torch or torchvision" \
    "(apt-get install python3-numpy python3-torch python3-torchvision)"
  exit 77
fi
"$python" "$here/detection_ops.py" "$probe"
