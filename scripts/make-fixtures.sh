#!/usr/bin/env bash
# Regenerates tests/fixtures/components/*.wasm and examples/components/*.wasm
# from the .wat sources next to them, with wasm-tools' parser as shipped in
# jco (bench/node, installed by scripts/install-node-tools.sh). The tests only read the committed .wasm
# files, so Node is needed only when a fixture changes.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

NODE24="$("$FACT_ROOT/scripts/install-node-tools.sh")"
JCO="$FACT_ROOT/bench/node/node_modules/.bin/jco"
DIR="$FACT_ROOT/tests/fixtures/components"

count=0
for wat in "$DIR"/*.wat "$FACT_ROOT"/examples/components/*.wat; do
  "$NODE24" "$JCO" parse "$wat" -o "${wat%.wat}.wasm" ||
    fact_die "jco parse failed on $wat"
  count=$((count + 1))
done
fact_log "wrote $count fixtures in $DIR and examples/components"
