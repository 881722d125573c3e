#!/usr/bin/env bash
# Installs every Debian package hpsweep needs to build, test, benchmark and run.
# Safe to run twice: apt-get skips what is already installed, and the package index is
# refreshed only when a package is actually missing.
set -euo pipefail

packages=(
  # build
  cmake g++ make clang-format
  # libraries
  libopenmpi-dev openmpi-bin libboost-dev libboost-program-options-dev
  libhdf5-dev hdf5-tools libblis-dev libyaml-cpp-dev zlib1g-dev
  libgtest-dev libbenchmark-dev
  # plots for `hpsweep analyze --plots`
  gnuplot-nox
  # the spec fuzzer (tests/fuzz): clang with libFuzzer and the sanitizers
  clang libclang-rt-14-dev
  # memcheck of training steps on BLIS's small-matrix kernels (tests/CMakeLists.txt)
  valgrind
  # the two-node testbed (cluster/testbed): Slurm, munge, network namespaces
  slurm-wlm munge iproute2 util-linux
  # the status page's end-to-end test (tests/test_status_server.cpp), in headless Chromium
  chromium
  # data
  dataset-fashion-mnist
  # text corpora (docs/text-data.md): English fortunes, and the Tang poems in fortunes-zh
  fortunes-min fortunes fortunes-zh
)
# Interop tests (h5py reads our files; torchvision checks the detection ops) and the baselines
# of bench/ (PyTorch, Optuna's TPE).
if [[ "${HPSWEEP_WITH_PYTHON:-1}" == 1 ]]; then
  packages+=(python3-h5py python3-numpy python3-pandas python3-torch python3-torchvision
    python3-optuna)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  sudo_cmd=()
  [[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -q
  "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
