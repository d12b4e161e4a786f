#!/usr/bin/env bash
# The full test run, as CI does it:
#   1. install missing dependencies;
#   2. build BUILD_DIR (default build/) with -DFACT_WERROR=ON and run ctest;
#   3. build BUILD_DIR-asan with ASan+UBSan (Debug, so asserts are live) and
#      run ctest there;
#   4. install the library into a temporary prefix and build and run the
#      consumer project tests/install against it;
#   5. check that every C++ file is formatted (scripts/format.sh --check);
#   6. fuzz each libFuzzer target for FUZZ_SECONDS (default 15).
# Every stage runs even when an earlier one failed, so that one run reports
# everything. The last line is "N passed, N failed": the tests of both ctest
# runs plus the install test; a build that fails counts as one failure.
# Exits non-zero when anything failed.
# Arguments are extra CMake options for both builds (CI passes none).
# Environment: BUILD_DIR, JOBS, FACT_SKIP_DEPS=1.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

main_dir="$(fact_abs_path "${BUILD_DIR:-$FACT_ROOT/build}")"
main_dir="${main_dir%/}"
asan_dir="$main_dir-asan"

passed=0
failed=0
stage_results=()

scratch="$(mktemp -d "${TMPDIR:-/tmp}/fact-test.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT

record() {
  stage_results+=("$(printf '%-24s %s' "$1" "$2")")
}

# Runs ctest in $1 and adds its counts to the totals. A run without a
# summary line (no tests, ctest itself failing) counts as one failure.
run_ctest() {
  local dir="$1" label="$2" log="$scratch/ctest-${1##*/}.log" rc=0
  fact_log "ctest in $dir"
  ctest --test-dir "$dir" --output-on-failure --no-tests=error -j "$FACT_JOBS" 2>&1 | tee "$log" || rc=$?
  local line
  line="$(grep -E '^[0-9]+% tests passed, [0-9]+ tests? failed out of [0-9]+' "$log" | tail -n 1 || true)"
  if [[ -z "$line" ]]; then
    failed=$((failed + 1))
    record "$label" "FAILED (no ctest summary, exit $rc)"
    return
  fi
  local nfailed total
  nfailed="$(sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\1/' <<<"$line")"
  total="$(sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\2/' <<<"$line")"
  if ((rc != 0 && nfailed == 0)); then
    nfailed=1
  fi
  passed=$((passed + total - nfailed))
  failed=$((failed + nfailed))
  record "$label" "$((total - nfailed)) passed, $nfailed failed"
}

build_and_test() {
  local label="$1" dir="$2"
  shift 2
  local start=$SECONDS
  if FACT_SKIP_DEPS=1 bash "$FACT_ROOT/scripts/build.sh" "$dir" "$@"; then
    run_ctest "$dir" "$label"
    fact_log "$label took $((SECONDS - start)) s"
  else
    failed=$((failed + 1))
    record "$label" "FAILED (build)"
    return 1
  fi
}

# The installed package must not drag in anything beyond the C++ standard
# library: no wabt, test frameworks or CLI parser, and its targets link
# nothing but each other (fact::wasm, fact::types, fact::adapter,
# fact::component, fact::host and the umbrella fact::fact).
check_installed_config() {
  local prefix="$1" config_dir
  config_dir="$(find "$prefix" -type f -name factConfig.cmake -printf '%h\n' | head -n 1)"
  if [[ -z "$config_dir" ]]; then
    echo "install test: no factConfig.cmake under $prefix" >&2
    return 1
  fi
  local code
  code="$(cat "$config_dir"/*.cmake | grep -Ev '^[[:space:]]*#')"
  if grep -Ei 'wabt|gtest|gmock|cli11|benchmark|find_dependency' <<<"$code" >&2; then
    echo "install test: the installed package refers to a dependency (lines above)" >&2
    return 1
  fi
  local links
  links="$(grep -o 'INTERFACE_LINK_LIBRARIES "[^"]*"' <<<"$code" | sed 's/.*"\(.*\)"/\1/' | tr ';' '\n' | sort -u)"
  if grep -Ev '^(fact::(wasm|types|adapter|component|host))?$' <<<"$links" >&2; then
    echo "install test: an installed library links something else than the package's own libraries (above)" >&2
    return 1
  fi
}

install_test() {
  local prefix="$scratch/prefix" consumer="$scratch/consumer"
  fact_log "installing $main_dir into $prefix"
  cmake --install "$main_dir" --prefix "$prefix" || return 1
  check_installed_config "$prefix" || return 1
  fact_log "building the consumer project tests/install against it"
  # No package registry and no system fact: the package must come from $prefix.
  cmake -S "$FACT_ROOT/tests/install" -B "$consumer" \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_PREFIX_PATH="$prefix" \
    -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF \
    -DCMAKE_FIND_USE_SYSTEM_PACKAGE_REGISTRY=OFF || return 1
  local found
  found="$(sed -n 's/^fact_DIR:PATH=//p' "$consumer/CMakeCache.txt")"
  if [[ "$found" != "$prefix"/* ]]; then
    echo "install test: the consumer found fact in '$found', not in $prefix" >&2
    return 1
  fi
  cmake --build "$consumer" --parallel "$FACT_JOBS" || return 1
  "$consumer/fact_consumer" "$FACT_ROOT/examples/components/shout.wasm" || return 1
}

fact_ensure_deps

# Node 24 runs the tests libwabt cannot (tests/node); ctest skips them
# without it, so a failed install counts as a failure here.
if ! bash "$FACT_ROOT/scripts/install-node-tools.sh" >/dev/null; then
  failed=$((failed + 1))
  record "node tools install" "FAILED (tests/node will be skipped)"
fi

extra_options=("$@")
main_options=()
if [[ -f "$FACT_ROOT/bench/CMakeLists.txt" ]]; then
  main_options+=(-DFACT_BUILD_BENCH=ON)
fi
main_built=0
if build_and_test "ctest" "$main_dir" ${main_options[@]+"${main_options[@]}"} \
  ${extra_options[@]+"${extra_options[@]}"}; then
  main_built=1
fi

# Only the sanitized tree's tests (and gtest_discover_tests, which runs them
# at build time) see these; the other stages do not run sanitized code.
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
build_and_test "ctest (ASan+UBSan)" "$asan_dir" \
  -DFACT_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-g -O1" \
  ${extra_options[@]+"${extra_options[@]}"} || true

if ((main_built)); then
  start=$SECONDS
  if install_test; then
    passed=$((passed + 1))
    record "install test" "passed"
  else
    failed=$((failed + 1))
    record "install test" "FAILED"
  fi
  fact_log "install test took $((SECONDS - start)) s"
else
  failed=$((failed + 1))
  record "install test" "FAILED (main build failed)"
fi

start=$SECONDS
if bash "$FACT_ROOT/scripts/format.sh" --check; then
  passed=$((passed + 1))
  record "format check" "passed"
else
  failed=$((failed + 1))
  record "format check" "FAILED"
fi
fact_log "format check took $((SECONDS - start)) s"

# The libFuzzer targets (reader, front end to plan, differential adapters,
# text readers), for a bounded time: regressions and corpora first, then
# FUZZ_SECONDS (default 15) of fuzzing per target.
start=$SECONDS
if FUZZ_BUILD_DIR="$main_dir-fuzz" bash "$FACT_ROOT/scripts/fuzz.sh" "${FUZZ_SECONDS:-15}"; then
  passed=$((passed + 1))
  record "fuzz (4 targets)" "passed"
else
  failed=$((failed + 1))
  record "fuzz (4 targets)" "FAILED"
fi
fact_log "fuzzing took $((SECONDS - start)) s"

echo
echo "Summary:"
printf '  %s\n' "${stage_results[@]}"
echo "$passed passed, $failed failed"
((failed == 0))
