#!/usr/bin/env bash
# Builds the model-language fuzzer (fuzz/dsl_fuzzer.cpp) with clang's libFuzzer, AddressSanitizer
# and UndefinedBehaviorSanitizer straight from the dsl sources (no CMake), then runs it for a
# bounded time. New interesting inputs go to build/fuzz/corpus, never into fuzz/corpus.
#   usage: scripts/fuzz-dsl.sh [seconds=60] [extra libFuzzer flags...]
# Exit status is non-zero when the fuzzer finds a crash; the reproducer is in build/fuzz/.
set -euo pipefail

seconds="${1:-60}"
shift || true
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/build/fuzz"
mkdir -p "$out/corpus"

cxx="${CXX_FUZZ:-clang++}"
"$cxx" -std=c++20 -g -O1 -fno-omit-frame-pointer \
  -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -DFMT_HEADER_ONLY \
  -I"$root/include" \
  "$root"/src/nnbench/dsl/*.cpp "$root/src/nnbench/core/suggest.cpp" \
  "$root/src/nnbench/core/parse.cpp" "$root/src/nnbench/core/printable.cpp" \
  "$root/src/nnbench/core/utf8.cpp" "$root/fuzz/dsl_fuzzer.cpp" \
  -o "$out/dsl_fuzzer"

cd "$out"
echo "fuzzing the dsl for ${seconds}s (corpus: $out/corpus + $root/fuzz/corpus)"
./dsl_fuzzer -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=8192 \
  -dict="$root/fuzz/dsl.dict" -print_final_stats=1 "$@" \
  "$out/corpus" "$root/fuzz/corpus"
