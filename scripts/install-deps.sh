#!/usr/bin/env bash
# Installs what building and testing fact needs and is not yet installed.
# Idempotent: with everything present it changes nothing and needs no network.
#
# Debian packages come from apt. npm packages (tools that tests run, such as
# a Node.js build or a component toolchain) go into a prefix inside the
# repository, FACT_NPM_PREFIX (default: build-npm/, ignored by git), so that
# nothing global is touched; their executables are in $FACT_NPM_PREFIX/node_modules/.bin.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# Build and test dependencies.
#   wabt: libwabt.a and its CMake package, used by the tool and the tests to
#         validate, print and run modules.
#   clang-14, libclang-rt-14-dev: the fuzzing targets (libFuzzer).
#   clang-format-14: the format check of scripts/test.sh (scripts/format.sh).
#   python3: runs the Canonical ABI reference and helper scripts, never the build.
DEBIAN_PACKAGES=(
  cmake
  make
  g++
  wabt
  libcli11-dev
  libgtest-dev
  libgmock-dev
  libbenchmark-dev
  nlohmann-json3-dev
  clang-14
  libclang-rt-14-dev
  clang-format-14
  python3
)

# npm packages as name@version-range. To add one, append it here: it is
# installed when node_modules/<name> is missing from the prefix.
NPM_PACKAGES=(
)

FACT_NPM_PREFIX="${FACT_NPM_PREFIX:-$FACT_ROOT/build-npm}"

as_root() {
  if [[ "$(id -u)" == 0 ]]; then
    "$@"
  else
    sudo "$@"
  fi
}

debian_installed() {
  [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" == "install ok installed" ]]
}

# Waits for a dpkg lock held by another apt (say, a machine's first-boot
# upgrade) instead of failing at once.
APT_OPTIONS=(-q -o DPkg::Lock::Timeout=600)

apt_updated=0
apt_install() {
  if [[ $apt_updated == 0 ]]; then
    # Stale package lists may still serve, so a failed update is not fatal:
    # the install below says whether it was.
    as_root env DEBIAN_FRONTEND=noninteractive apt-get "${APT_OPTIONS[@]}" update ||
      fact_log "apt-get update failed; trying with the package lists there are"
    apt_updated=1
  fi
  as_root env DEBIAN_FRONTEND=noninteractive \
    apt-get "${APT_OPTIONS[@]}" install -y --no-install-recommends "$@"
}

install_debian_packages() {
  local missing=() package
  for package in "$@"; do
    debian_installed "$package" || missing+=("$package")
  done
  if ((${#missing[@]} == 0)); then
    fact_log "Debian packages: all ${#DEBIAN_PACKAGES[@]} present"
    return
  fi
  fact_log "Debian packages: installing ${missing[*]}"
  apt_install "${missing[@]}"
}

# The package name of an npm spec: "@scope/name@1.2" -> "@scope/name".
npm_name() {
  local spec="$1"
  if [[ "$spec" == @* ]]; then
    local rest="${spec#@}"
    printf '@%s\n' "${rest%%@*}"
  else
    printf '%s\n' "${spec%%@*}"
  fi
}

install_npm_packages() {
  (($# == 0)) && return
  local missing=() spec
  for spec in "$@"; do
    [[ -f "$FACT_NPM_PREFIX/node_modules/$(npm_name "$spec")/package.json" ]] || missing+=("$spec")
  done
  if ((${#missing[@]} == 0)); then
    fact_log "npm packages: all $# present in $FACT_NPM_PREFIX"
    return
  fi
  if ! command -v npm >/dev/null; then
    apt_install nodejs npm
  fi
  fact_log "npm packages: installing ${missing[*]} into $FACT_NPM_PREFIX"
  mkdir -p "$FACT_NPM_PREFIX"
  # A package.json of its own keeps npm from walking up into the repository.
  [[ -f "$FACT_NPM_PREFIX/package.json" ]] || printf '{ "private": true }\n' >"$FACT_NPM_PREFIX/package.json"
  npm install --prefix "$FACT_NPM_PREFIX" --no-audit --no-fund --loglevel=error "${missing[@]}"
}

install_debian_packages "${DEBIAN_PACKAGES[@]}"
install_npm_packages ${NPM_PACKAGES[@]+"${NPM_PACKAGES[@]}"}
