#!/bin/sh
# Runs `fact wast` with Node 24 and jco converting text components, or skips
# (exit 77, CTest's SKIP_RETURN_CODE) when Node 24 is not installed.
#   run.sh <node> <jco> <fact> - FILE.wast...
#     passes when every assertion holds (fact exits 0);
#   run.sh <node> <jco> <fact> EXPECTED FILE.wast...
#     passes when fact prints exactly EXPECTED and exits 1 (scripts that
#     must fail); run it in the directory of the scripts, so that the paths
#     in the output are the ones EXPECTED has.
node="$1"
jco="$2"
fact="$3"
expected="$4"
shift 4
if [ ! -x "$node" ] || ! "$node" --version 2>/dev/null | grep -q '^v24\.'; then
  echo "SKIPPED: Node 24 not found at $node; run scripts/install-node-tools.sh to install it"
  exit 77
fi
if [ "$expected" = "-" ]; then
  exec "$fact" wast --jco "$node $jco" "$@"
fi
actual="$(mktemp)"
trap 'rm -f "$actual"' EXIT
rc=0
"$fact" wast --jco "$node $jco" "$@" >"$actual" || rc=$?
if [ "$rc" -ne 1 ]; then
  echo "expected exit status 1, got $rc; output:"
  cat "$actual"
  exit 1
fi
if ! diff -u "$expected" "$actual"; then
  echo "the output differs from $expected (diff above)"
  exit 1
fi
echo "the failures were reported as expected"
