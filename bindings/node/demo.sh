#!/usr/bin/env bash
# Signs, verifies and tampers a sample event per built-in scheme through the
# Node package (building the addon first if needed).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"

cd "$ROOT/bindings/node"
# index.js loads ./hooksig.<platform>.node (napi-rs's loader, native.js) in this
# tree. Rebuild only when a Rust source is newer than the addon.
addon="$(ls hooksig.*.node 2>/dev/null | head -n1)"
if [ -z "$addon" ] || [ -n "$(find src "$ROOT/core/src" Cargo.toml -newer "$addon" -print -quit)" ]; then
  "$(napi_cli)" build --release --platform --js native.js --dts native.d.ts --no-const-enum >&2
fi
node demo.mjs
