#!/usr/bin/env bash
# Configures and builds one build tree.
#
#   scripts/build.sh [BUILD_DIR] [-DOPTION=VALUE ...]
#
# BUILD_DIR (argument or environment; default: build/ in the repository) is
# taken relative to the current directory. Defaults: RelWithDebInfo and
# -DFACT_WERROR=ON; options given here come later and so win.
# Environment: JOBS (parallel jobs), BUILD_TARGETS (space-separated targets,
# default all), FACT_SKIP_DEPS=1 (do not run install-deps.sh).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

build_dir="${BUILD_DIR:-$FACT_ROOT/build}"
if (($# > 0)) && [[ "$1" != -* ]]; then
  build_dir="$1"
  shift
fi
build_dir="$(fact_abs_path "$build_dir")"

fact_ensure_deps

fact_log "configuring $build_dir"
cmake -S "$FACT_ROOT" -B "$build_dir" \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DFACT_WERROR=ON \
  "$@"

targets=()
for target in ${BUILD_TARGETS:-}; do
  targets+=(--target "$target")
done
fact_log "building $build_dir with $FACT_JOBS jobs"
cmake --build "$build_dir" --parallel "$FACT_JOBS" ${targets[@]+"${targets[@]}"}
