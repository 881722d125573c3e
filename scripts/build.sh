#!/usr/bin/env bash
# Installs the Debian packages (scripts/setup.sh), then configures and builds hpsweep in
# build/ (Release). Safe to run again: both steps only do what is missing or changed.
#   bash scripts/build.sh             everything: hpsweep, the tests and the benchmarks
#   bash scripts/build.sh hpsweep     only the targets named (what the quickstart runs)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
targets=()
for target in "$@"; do targets+=(--target "$target"); done
cmake --build build -j"$(nproc)" "${targets[@]}"
