#!/usr/bin/env bash
# Installs what building and testing Liseuse needs, skipping whatever is already there.
# Usage: scripts/setup.sh [--with-browser]
#   --with-browser  also install Chromium and ChromeDriver (for the browser tests), and the
#                   WebDAV servers of the sync tests (Apache httpd, WsgiDAV in target/webdav-venv)
# Afterwards, put node_modules/.bin first on PATH (the Makefile does) so Trunk finds the
# project's wasm-opt (npm binaryen 132; Debian's older binaryen produces a broken wasm).
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1msetup:\033[0m %s\n' "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

with_browser=false
[ "${1:-}" = "--with-browser" ] && with_browser=true

# Rust target for the browser.
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# std's sources: the release wasm rebuilds std for size (`build-std`, see the Makefile).
if ! rustup component list --installed | grep -q '^rust-src'; then
  say "adding the rust-src component"
  rustup component add rust-src
fi

# Trunk 0.21 (0.22 needs a newer rustc).
if ! trunk --version 2>/dev/null | grep -q '^trunk 0\.21\.'; then
  say "installing trunk 0.21 (compiles for several minutes)"
  cargo install trunk --version '~0.21' --locked
fi

# wasm-bindgen-cli at exactly the version in Cargo.lock: Trunk would try to download it.
wbg_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if [ -z "$wbg_version" ]; then
  echo "setup: cannot read the wasm-bindgen version from Cargo.lock" >&2
  exit 1
fi
if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $wbg_version" ]; then
  say "installing wasm-bindgen-cli $wbg_version"
  # Not --locked: its lock file names a dependency version that is not on the registry.
  cargo install wasm-bindgen-cli --version "$wbg_version"
fi

# wasm-split-cli: the release build cuts the pages a first visit does not need out of the main
# wasm (scripts/split/wasm-bindgen). Pinned at the version the wasm_split_helpers of Cargo.lock
# were made for.
if ! { command -v wasm-split-cli >/dev/null && cargo install --list | grep -qx 'wasm_split_cli_support v0.2.4:'; }; then
  say "installing wasm-split-cli 0.2.4 (compiles for a few minutes)"
  cargo install --locked wasm_split_cli_support --version 0.2.4 --features build-binary
fi

# Node tooling: wasm-opt (binaryen) and the browser driver, pinned by package-lock.json.
if ! cmp -s package-lock.json node_modules/.installed-lock.json 2>/dev/null; then
  say "installing node tooling (npm ci)"
  npm ci --no-audit --no-fund
  cp package-lock.json node_modules/.installed-lock.json
fi

if $with_browser && ! { [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; }; then
  say "installing Chromium and ChromeDriver (Debian packages)"
  as_root apt-get update
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium chromium-driver
fi

# WebDAV servers for the sync tests, which start and stop them themselves: Debian's Apache httpd
# (mod_dav; installed without starting or enabling its system service) and WsgiDAV, pinned in a
# Python venv (target/webdav-venv).
if $with_browser && [ ! -x /usr/sbin/apache2 ]; then
  say "installing Apache httpd (Debian package, no service started)"
  # A policy that forbids starting services while the package installs, unless one is in place.
  policy=/usr/sbin/policy-rc.d
  if [ ! -e "$policy" ]; then
    as_root sh -c "printf '#!/bin/sh\nexit 101\n' > $policy && chmod 755 $policy"
    trap 'as_root rm -f "$policy"' EXIT
  fi
  as_root apt-get update
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y apache2
  if [ -d /run/systemd/system ]; then
    as_root systemctl disable --now apache2 apache-htcacheclean 2>/dev/null || true
  fi
fi
if $with_browser && ! cmp -s tests/webdav/requirements.txt target/webdav-venv/.installed-requirements.txt 2>/dev/null; then
  if ! python3 -c 'import venv, ensurepip' 2>/dev/null; then
    say "installing python3-venv (Debian package)"
    as_root apt-get update
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y python3 python3-venv
  fi
  say "installing WsgiDAV (pinned, in target/webdav-venv)"
  rm -rf target/webdav-venv
  python3 -m venv target/webdav-venv
  target/webdav-venv/bin/pip install --quiet --disable-pip-version-check -r tests/webdav/requirements.txt
  cp tests/webdav/requirements.txt target/webdav-venv/.installed-requirements.txt
fi
say "ready"
