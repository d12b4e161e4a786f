#!/usr/bin/env bash
# Builds the libFuzzer targets with clang-14 (ASan + UBSan, fuzz/), re-runs
# each target's regression inputs and seed corpora, then fuzzes each target
# for a bounded time. docs/fuzzing.md says what each target checks and how to
# run them for hours.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]
#
# SECONDS is per target (default 60; FUZZ_TIME also works). The targets are
# component_reader_fuzz, frontend_fuzz, adapter_fuzz and text_fuzz (default:
# all). Environment: FUZZ_BUILD_DIR (default build-fuzz), CXX (default
# clang++-14), FUZZ_JOBS (parallel fuzzing processes per target, default 1).
# Exits non-zero on any crash, leak, timeout or sanitizer report; the
# failing input is left in $FUZZ_BUILD_DIR/artifacts/TARGET/ and belongs in
# tests/corpus/fuzz-regressions/ (the reader's) or
# tests/corpus/fuzz-regressions/TARGET/ once fixed.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

seconds="${1:-${FUZZ_TIME:-60}}"
shift || true
targets=("$@")
if ((${#targets[@]} == 0)); then
  targets=(component_reader_fuzz frontend_fuzz adapter_fuzz text_fuzz)
fi
build="$(fact_abs_path "${FUZZ_BUILD_DIR:-$FACT_ROOT/build-fuzz}")"
cxx="${CXX:-clang++-14}"
jobs="${FUZZ_JOBS:-1}"
command -v "$cxx" >/dev/null || fact_die "$cxx not found (install clang-14 and libclang-rt-14-dev)"

fact_log "building the fuzz targets in $build"
cmake -S "$FACT_ROOT/fuzz" -B "$build" -DCMAKE_CXX_COMPILER="$cxx" >/dev/null
cmake --build "$build" -j"$FACT_JOBS" --target "${targets[@]}"

# Reports a leak as a failure too.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

corpus="$FACT_ROOT/tests/corpus"
# The inputs every run starts from (read-only), and the regressions that
# must pass first, per target.
seeds_of() {
  case "$1" in
    component_reader_fuzz) echo "$FACT_ROOT/fuzz/corpus" ;;
    frontend_fuzz) echo "$FACT_ROOT/fuzz/corpus $FACT_ROOT/tests/fixtures/components $corpus/valid" ;;
    adapter_fuzz) echo "$FACT_ROOT/fuzz/corpus-adapter" ;;
    text_fuzz) echo "$FACT_ROOT/tests/wast" ;;
    *) fact_die "unknown fuzz target $1" ;;
  esac
}
regressions_of() {
  case "$1" in
    component_reader_fuzz)
      find "$corpus/fuzz-regressions" -maxdepth 1 -type f ! -name '*.md'
      find "$corpus/malformed" "$corpus/valid" -type f ! -name '*.md' ! -name '*.txt' ! -name '*.wat'
      ;;
    frontend_fuzz)
      find "$corpus/malformed" "$corpus/valid" -type f ! -name '*.md' ! -name '*.txt' ! -name '*.wat'
      ;;
  esac
  if [[ -d "$corpus/fuzz-regressions/${1%_fuzz}" ]]; then
    find "$corpus/fuzz-regressions/${1%_fuzz}" -type f ! -name '*.md'
  fi
}

for target in "${targets[@]}"; do
  fuzzer="$build/$target"
  mapfile -t inputs < <(regressions_of "$target" | sort)
  if ((${#inputs[@]} > 0)); then
    fact_log "$target: re-running ${#inputs[@]} regression and corpus inputs"
    "$fuzzer" -runs=1 "${inputs[@]}" >"$build/$target.regressions.log" 2>&1 ||
      { cat "$build/$target.regressions.log" >&2; fact_die "$target: a regression input failed"; }
  fi
  # Fuzz into a scratch corpus, so that the committed seeds stay as they are.
  work="$build/corpus/$target"
  artifacts="$build/artifacts/$target"
  mkdir -p "$work" "$artifacts"
  read -r -a seed_dirs <<<"$(seeds_of "$target")"
  fact_log "$target: fuzzing for ${seconds}s (corpus $work)"
  parallel=()
  # Several processes share the corpus; each writes fuzz-N.log in the
  # build directory.
  if ((jobs > 1)); then parallel=(-jobs="$jobs" -workers="$jobs"); fi
  status=0
  (cd "$build" && "$fuzzer" "$work" "${seed_dirs[@]}" -max_total_time="$seconds" -max_len=16384 \
    -timeout=10 -rss_limit_mb=2048 "${parallel[@]}" -artifact_prefix="$artifacts/" \
    -print_final_stats=1) >"$build/$target.log" 2>&1 || status=$?
  grep -E "^Done|stat::number_of_executed_units|ERROR|SUMMARY" "$build/$target.log" | tail -n 5 || true
  if ((status != 0)); then
    tail -n 40 "$build/$target.log" >&2
    fact_die "$target failed (exit $status); see $build/$target.log and $artifacts/"
  fi
done
fact_log "no failures"
