#!/usr/bin/env bash
# For each built-in scheme: sign a sample event, verify it through hooksig-wasm
# (the Node build of the package), tamper with the body, print the rejection
# code and the diagnose sentence.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"
WASM_DIR="$ROOT/bindings/wasm"
[ -f "$WASM_DIR/pkg/index.js" ] || bash "$WASM_DIR/build.sh" >&2
node "$WASM_DIR/scripts/demo.mjs" "$WASM_DIR/pkg"
