# shellcheck shell=bash
# Shared helpers for the scripts in this directory; sourced, never run.
# Every script works from any current directory: paths are taken relative to
# the repository root, which is found from this file's own location.

FACT_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# Parallelism for builds and ctest; JOBS overrides.
# shellcheck disable=SC2034 # used by the scripts that source this file
FACT_JOBS="${JOBS:-$(nproc 2>/dev/null || echo 2)}"

fact_log() {
  printf '==> %s\n' "$*" >&2
}

fact_die() {
  printf 'error: %s\n' "$*" >&2
  exit 1
}

# An absolute path for a path given relative to the current directory.
fact_abs_path() {
  case "$1" in
    /*) printf '%s\n' "$1" ;;
    *) printf '%s\n' "$PWD/$1" ;;
  esac
}

# Installs missing dependencies unless a calling script already did
# (FACT_SKIP_DEPS=1).
fact_ensure_deps() {
  if [[ "${FACT_SKIP_DEPS:-0}" != 1 ]]; then
    bash "$FACT_ROOT/scripts/install-deps.sh"
    export FACT_SKIP_DEPS=1
  fi
}
