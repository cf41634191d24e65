#!/usr/bin/env bash
# Signs, verifies and tampers a sample event per built-in scheme through the
# Node package (building the addon first if needed).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"

cd "$ROOT/bindings/node"
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm install --no-save --no-audit --no-fund --loglevel=error
fi
# Rebuild only when a Rust source is newer than the addon.
if [ ! -f hooksig.node ] || [ -n "$(find src "$ROOT/core/src" Cargo.toml -newer hooksig.node -print -quit)" ]; then
  npx napi build --release --dts native.d.ts --no-const-enum >&2
fi
node demo.mjs
