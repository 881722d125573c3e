#!/usr/bin/env bash
# Installs the Debian packages (scripts/setup.sh), then configures and builds hpsweep in
# build/ (Release). Safe to run again: both steps only do what is missing or changed.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)"
