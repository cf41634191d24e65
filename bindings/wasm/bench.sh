#!/usr/bin/env bash
# Benchmark (not a test): verify a Standard Webhooks request at 256 B and 1 MiB
# with hooksig-wasm, hash-wasm, @noble/hashes, awaited WebCrypto, standardwebhooks
# and svix, once in Node and once in headless Chromium; prints the tables.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"
WASM_DIR="$ROOT/bindings/wasm"
OUT="$ROOT/target/wasm"
BENCH="$OUT/bench"

bash "$WASM_DIR/build.sh" >&2
apt_ensure chromium
rm -f "$OUT"/hooksig-wasm-*.tgz
TARBALL="$OUT/$(cd "$WASM_DIR/pkg" && npm pack --silent --pack-destination "$OUT")"
mkdir -p "$BENCH"
cat > "$BENCH/package.json" <<JSON
{ "name": "hooksig-wasm-bench", "private": true, "type": "module",
  "dependencies": { "hash-wasm": "4.13.0", "@noble/hashes": "2.4.0", "standardwebhooks": "1.1.1",
    "svix": "2.5.0", "playwright-core": "1.65.1", "esbuild": "0.28.2" } }
JSON
cd "$BENCH"
rm -rf node_modules/hooksig-wasm package-lock.json
npm install --silent --no-audit --no-fund --no-save "$TARBALL" >&2
cp "$WASM_DIR"/bench/{cases.mjs,bench.mjs,bench.html,chromium.mjs} "$WASM_DIR/tests/support.mjs" .
npx esbuild cases.mjs --bundle --format=esm --platform=browser --external:hooksig-wasm \
  --outfile=cases.browser.js --log-level=warning

say "Node"
node bench.mjs
say "Chromium"
node chromium.mjs
