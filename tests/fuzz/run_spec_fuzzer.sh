#!/usr/bin/env bash
# Builds the spec-loader fuzzer with clang (libFuzzer, AddressSanitizer, UBSan) and runs it
# for a bounded time over a copy of the corpus in tests/fuzz/corpus (new inputs it finds go to
# the copy, not the repository).
#   tests/fuzz/run_spec_fuzzer.sh [SECONDS] [WORK_DIR]
set -euo pipefail
seconds=${1:-60}
root=$(cd "$(dirname "$0")/../.." && pwd)
work=${2:-$(mktemp -d)}
mkdir -p "$work/corpus"
cp "$root"/tests/fuzz/corpus/* "$work/corpus/"
cp "$root"/experiments/*.yaml "$work/corpus/"

source "$root/tests/fuzz/spec_sources.sh"
clang++ -std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
  -I"$root" "$root/tests/fuzz/spec_fuzzer.cpp" "${spec_sources[@]/#/$root/}" -lyaml-cpp \
  -o "$work/spec_fuzzer"

# -timeout: one input taking over 5 s counts as a hang; -rss_limit_mb: a runaway allocation.
"$work/spec_fuzzer" -max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 \
  -artifact_prefix="$work/" -print_final_stats=1 "$work/corpus"
