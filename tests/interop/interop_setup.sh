# Sourced by the interop scripts after `set -euo pipefail`, with the modules they import:
#   source "$(dirname "${BASH_SOURCE[0]}")/interop_setup.sh" "$@" -- h5py numpy torch
# Reads the arguments HPSWEEP_BINARY WORK_DIR into $binary and $work, sets $python, $here and
# $dataset, and exits 77 (ctest's SKIP) when Python lacks a module or Fashion-MNIST is missing.
arguments=()
while [[ $# -gt 0 && $1 != -- ]]; do arguments+=("$1"); shift; done
shift  # --
if [[ ${#arguments[@]} -ne 2 ]]; then
  echo "usage: $0 HPSWEEP_BINARY WORK_DIR" >&2
  exit 2
fi
binary=${arguments[0]}
work=${arguments[1]}
python=${HPSWEEP_PYTHON:-/usr/bin/python3}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
dataset=/usr/share/datasets/fashion-mnist

modules=$(IFS=,; echo "$*")
if [[ ! -x $python ]] || ! "$python" -c "import $modules" 2>/dev/null; then
  echo "SKIP: $python lacks one of $modules (apt-get install$(printf ' python3-%s' "$@"))"
  exit 77
fi
if [[ ! -e $dataset/t10k-images-idx3-ubyte.gz && ! -e $dataset/t10k-images-idx3-ubyte ]]; then
  echo "SKIP: Fashion-MNIST is not in $dataset (apt-get install dataset-fashion-mnist)"
  exit 77
fi
