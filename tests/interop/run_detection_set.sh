#!/usr/bin/env bash
# Interop test: `hpsweep dataset export` of a small fmnist-detection set against the Python
# recipe of docs/detection.md (detection_set.py), bitwise.
#   bash tests/interop/run_detection_set.sh HPSWEEP_BINARY WORK_DIR
# Needs Debian's /usr/bin/python3 with python3-numpy and -h5py, and the Fashion-MNIST files;
# without them prints SKIP and exits 77.
set -euo pipefail

if [[ $# -ne 2 ]]; then
  echo "usage: $0 HPSWEEP_BINARY WORK_DIR" >&2
  exit 2
fi
binary=$1
work=$2
python=${HPSWEEP_PYTHON:-/usr/bin/python3}
data=/usr/share/datasets/fashion-mnist
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [[ ! -x $python ]] || ! "$python" -c "import numpy, h5py" 2>/dev/null; then
  echo "SKIP: $python lacks numpy or h5py (apt-get install python3-numpy python3-h5py)"
  exit 77
fi
if [[ ! -e $data/t10k-images-idx3-ubyte.gz ]]; then
  echo "SKIP: $data missing (apt-get install dataset-fashion-mnist)"
  exit 77
fi

mkdir -p "$work"
spec=$work/detection.yaml
# Seed 7, five objects at most and 48-pixel canvases: none of the defaults hides a mistake.
cat > "$spec" <<SPEC
method: grid
model: {type: simulated}
dataset: {name: fmnist-detection, path: $data, train_subset: 300, test_subset: 200, seed: 7,
          max_objects: 5, input_size: 48}
SPEC
echo "== hpsweep dataset export $spec --out $work/detection.h5"
"$binary" dataset export "$spec" --out "$work/detection.h5"
"$python" "$here/detection_set.py" "$here/../../docs/detection.md" "$work/detection.h5" "$data"
