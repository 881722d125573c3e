#!/usr/bin/env bash
# Builds the status server's request fuzzer with clang (libFuzzer, AddressSanitizer, UBSan)
# and runs it for a bounded time over a copy of tests/fuzz/status_corpus.
#   tests/fuzz/run_status_fuzzer.sh [SECONDS] [WORK_DIR]
set -euo pipefail
seconds=${1:-60}
root=$(cd "$(dirname "$0")/../.." && pwd)
work=${2:-$(mktemp -d)}
mkdir -p "$work/status_corpus"
cp "$root"/tests/fuzz/status_corpus/* "$work/status_corpus/"
cmake -DINPUT="$root/status/status_page.html" -DOUTPUT="$work/status_page.cpp" \
  -DFUNCTION=status_page_html -P "$root/status/embed_file.cmake"

source "$root/tests/fuzz/spec_sources.sh"
clang++ -std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
  -I"$root" -I/usr/include/hdf5/serial "$root/tests/fuzz/status_request_fuzzer.cpp" \
  "$root/status/status_api.cpp" "$root/status/status_board.cpp" "$work/status_page.cpp" \
  "$root/common/json_writer.cpp" "${spec_sources[@]/#/$root/}" "$root/coordinator/progress.cpp" \
  -lyaml-cpp -o "$work/status_fuzzer"

"$work/status_fuzzer" -max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 \
  -artifact_prefix="$work/" -print_final_stats=1 "$work/status_corpus"
