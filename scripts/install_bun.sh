#!/usr/bin/env bash
# Install bun (the dashboard's JavaScript runtime and package manager) from the npm registry into the
# project-local prefix .tools/, unless the pinned version is already there; print the bun binary's path.
#
# Reflex 0.10.1 would download bun from github.com, which is not reachable here; with bun on PATH and
# REFLEX_USE_SYSTEM_BUN=1 (see sales_dashboard/launch.py) it uses this one instead.
# Keep BUN_VERSION at or above reflex_base.constants.Bun.MIN_VERSION (1.4.4 for Reflex 0.10.1).
set -euo pipefail

BUN_VERSION=${BUN_VERSION:-1.4.4}
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
prefix="$root/.tools"
bun="$prefix/node_modules/.bin/bun"

if [ -x "$bun" ] && [ "$("$bun" --version 2>/dev/null)" = "$BUN_VERSION" ]; then
  echo "$bun"
  exit 0
fi

if ! command -v npm >/dev/null 2>&1; then
  echo "install_bun: npm is not installed; install Node.js 20+ (for example: apt-get install -y nodejs npm)" >&2
  exit 1
fi

echo "install_bun: installing bun@$BUN_VERSION from the npm registry into $prefix" >&2
mkdir -p "$prefix"
npm install --prefix "$prefix" --no-audit --no-fund --loglevel=error "bun@$BUN_VERSION" >&2
# bun's postinstall script places the platform binary; run it ourselves if npm skipped install scripts.
if ! "$bun" --version >/dev/null 2>&1; then
  (cd "$prefix/node_modules/bun" && node install.js) >&2
fi

installed="$("$bun" --version 2>/dev/null || true)"
if [ "$installed" != "$BUN_VERSION" ]; then
  echo "install_bun: expected bun $BUN_VERSION at $bun, found '${installed:-nothing runnable}'" >&2
  exit 1
fi
echo "$bun"
