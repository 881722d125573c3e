#!/usr/bin/env bash
# The README's first command: set up, build, run the quickstart sweep on Fashion-MNIST in dev
# mode (local worker threads), then print its analysis and write its HTML report. Each run gets
# a fresh folder under runs/. Builds only the hpsweep executable (scripts/test.sh builds the tests
# and benchmarks too).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh hpsweep
out="runs/quickstart-$(date +%Y%m%d-%H%M%S)"
./build/app/hpsweep run experiments/quickstart.yaml --out "$out"
echo
./build/app/hpsweep analyze "$out"
./build/app/hpsweep report "$out"
