#!/usr/bin/env bash
# Installs what is missing, builds the fact tool, and compiles the adapter of
# every signature in examples/*.sig with `fact adapter`: the WAT goes to
# standard output, the binary to out/NAME.wasm (OUT_DIR overrides), which
# wabt's wasm-validate checks once more. Then runs the bundled composed
# component examples/components/shout.wasm with `fact run`.
# A .sig file holds one function type; lines starting with '#' are comments.
# Arguments are CMake options for the build, e.g. -DFACT_WERROR=OFF.
# Environment: BUILD_DIR, JOBS, OUT_DIR, FACT_SKIP_DEPS=1.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

build_dir="$(fact_abs_path "${BUILD_DIR:-$FACT_ROOT/build}")"
out_dir="$(fact_abs_path "${OUT_DIR:-$FACT_ROOT/out}")"

fact_ensure_deps >&2
BUILD_TARGETS=fact_tool bash "$FACT_ROOT/scripts/build.sh" "$build_dir" "$@" >&2

fact="$build_dir/fact"
[[ -x "$fact" ]] || fact_die "the build produced no $fact"
mkdir -p "$out_dir"

shopt -s nullglob
signatures=("$FACT_ROOT"/examples/*.sig)
((${#signatures[@]} > 0)) || fact_die "no examples/*.sig"

for file in "${signatures[@]}"; do
  name="$(basename "$file" .sig)"
  signature="$(grep -v '^[[:space:]]*#' "$file" | tr '\n' ' ' | sed -E 's/[[:space:]]+/ /g; s/^ //; s/ $//')"
  [[ -n "$signature" ]] || fact_die "$file holds no signature"
  wasm="$out_dir/$name.wasm"
  printf ';; examples/%s.sig: %s\n' "$name" "$signature"
  "$fact" adapter "$signature" -t
  "$fact" adapter "$signature" -o "$wasm"
  wasm-validate --enable-all "$wasm"
  fact_log "$name: $(stat -c %s "$wasm") bytes in $wasm, valid"
  echo
done

# A composed component (examples/components/shout.wasm, made from the .wat
# next to it by scripts/make-fixtures.sh): run its export through the fused
# adapter fact compiles for it, in libwabt's interpreter.
component="$FACT_ROOT/examples/components/shout.wasm"
invocation='greet("hello, wörld")'
printf ';; fact run examples/components/shout.wasm --invoke %s\n' "'$invocation'"
result="$("$fact" run "$component" --invoke "$invocation")"
printf '%s\n' "$result"
[[ "$result" == '"HELLO, WöRLD"' ]] || fact_die "fact run printed $result, expected \"HELLO, WöRLD\""
fact_log "shout: ran through its adapter"
