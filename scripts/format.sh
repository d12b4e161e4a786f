#!/usr/bin/env bash
# Formats every C++ file of the repository with clang-format-14 and the
# repository's .clang-format, or, with --check, only reports the files that
# are not formatted (exit status 1).
#
#   scripts/format.sh            # format in place
#   scripts/format.sh --check    # what scripts/test.sh runs
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

CLANG_FORMAT="${CLANG_FORMAT:-clang-format-14}"
command -v "$CLANG_FORMAT" >/dev/null ||
  fact_die "$CLANG_FORMAT is missing (scripts/install-deps.sh installs it; CLANG_FORMAT names another)"

cd "$FACT_ROOT"
mapfile -t files < <(git ls-files -- '*.cpp' '*.h')
((${#files[@]} > 0)) || fact_die "no C++ files found (is $FACT_ROOT a git checkout?)"

if [[ "${1:-}" == --check ]]; then
  if "$CLANG_FORMAT" --dry-run -Werror "${files[@]}"; then
    fact_log "format: all ${#files[@]} C++ files are formatted"
  else
    fact_log "format: the files above are not formatted; run scripts/format.sh"
    exit 1
  fi
else
  "$CLANG_FORMAT" -i "${files[@]}"
  fact_log "format: formatted ${#files[@]} C++ files"
fi
