#!/usr/bin/env bash
# Builds the libFuzzer target for the component reader with clang-14
# (ASan + UBSan), re-runs every input in tests/corpus/fuzz-regressions/, then
# fuzzes for a bounded time starting from fuzz/corpus/.
#
#   scripts/fuzz.sh [SECONDS]      (default 60; FUZZ_TIME also works)
#
# Environment: FUZZ_BUILD_DIR (default build-reader-fuzz), CXX (default
# clang++-14). Exits non-zero on any crash, leak, timeout or sanitizer
# report; the failing input is left in $FUZZ_BUILD_DIR/artifacts/ and should
# be added to tests/corpus/fuzz-regressions/ once fixed.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

seconds="${1:-${FUZZ_TIME:-60}}"
build="$(fact_abs_path "${FUZZ_BUILD_DIR:-$FACT_ROOT/build-reader-fuzz}")"
cxx="${CXX:-clang++-14}"
command -v "$cxx" >/dev/null || fact_die "$cxx not found (install clang-14 and libclang-rt-14-dev)"

fact_log "building the fuzz target in $build"
cmake -S "$FACT_ROOT/fuzz" -B "$build" -DCMAKE_CXX_COMPILER="$cxx" >/dev/null
cmake --build "$build" -j"$FACT_JOBS" --target component_reader_fuzz
fuzzer="$build/component_reader_fuzz"

# Reports a leak as a failure too.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

fact_log "re-running the regression, malformed and valid corpora"
mapfile -t inputs < <(find "$FACT_ROOT/tests/corpus/fuzz-regressions" "$FACT_ROOT/tests/corpus/malformed" \
  "$FACT_ROOT/tests/corpus/valid" -type f ! -name '*.md' ! -name '*.txt' ! -name '*.wat' | sort)
if ((${#inputs[@]} > 0)); then
  "$fuzzer" -runs=1 "${inputs[@]}" >"$build/regressions.log" 2>&1 ||
    { cat "$build/regressions.log" >&2; fact_die "a regression input failed"; }
fi

# Fuzz on a scratch copy so that fuzz/corpus/ only holds the committed seeds.
work="$build/corpus"
mkdir -p "$work" "$build/artifacts"
cp -n "$FACT_ROOT/fuzz/corpus/"* "$work/" 2>/dev/null || true
fact_log "fuzzing for ${seconds}s (corpus $work)"
"$fuzzer" "$work" -max_total_time="$seconds" -max_len=16384 -timeout=10 -rss_limit_mb=2048 \
  -artifact_prefix="$build/artifacts/" -print_final_stats=1 2>&1 | tee "$build/fuzz.log" | tail -n 25
status=${PIPESTATUS[0]}
if ((status != 0)); then
  fact_die "the fuzzer failed (exit $status); see $build/fuzz.log and $build/artifacts/"
fi
fact_log "no failures"
