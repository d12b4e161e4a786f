#!/bin/sh
# Runs one Node test script with Node 24, or skips it (exit 77, CTest's
# SKIP_RETURN_CODE) when Node 24 is not installed.
#   run.sh <node binary> <script.mjs> [arguments...]
node="$1"
shift
if [ ! -x "$node" ] || ! "$node" --version 2>/dev/null | grep -q '^v24\.'; then
  echo "SKIPPED: Node 24 not found at $node; run scripts/install-node-tools.sh to install it"
  exit 77
fi
exec "$node" "$@"
