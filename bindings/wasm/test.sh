#!/usr/bin/env bash
# Builds hooksig-wasm from nothing (build.sh), installs the packed tarball into
# a scratch project under target/wasm, and tests the installed package:
#   - the JS API test shared with the native addon (every vector, bad input, typings)
#   - the same shared test through `hooksig` installed with --omit=optional, so
#     without its platform package: the fallback, as on a platform with no addon
#   - the shared test again on the light entry, hooksig-wasm/verify
#   - every vector in headless Chromium (both entries), the browser example
#     (with screenshots), the size budget, the Workers entries, examples/edge-fetch.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"
WASM_DIR="$ROOT/bindings/wasm"
OUT="$ROOT/target/wasm"
PROJECT="$OUT/project"
SHARED_TEST="$ROOT/bindings/node/__test__/api.shared.test.mjs"
PLAYWRIGHT_VERSION=1.65.1

bash "$WASM_DIR/build.sh"
# The browser: Debian's Chromium, driven by playwright-core (which downloads nothing).
apt_ensure chromium

say "npm pack + install into $PROJECT"
rm -f "$OUT"/hooksig-wasm-*.tgz "$OUT"/hooksig-[0-9]*.tgz
TARBALL="$OUT/$(cd "$WASM_DIR/pkg" && npm pack --silent --pack-destination "$OUT")"
# The native package, for the fallback run: its JS, no binary.
NODE_TARBALL="$OUT/$(cd "$ROOT/bindings/node" && npm pack --silent --ignore-scripts --pack-destination "$OUT")"
mkdir -p "$PROJECT"
cat > "$PROJECT/package.json" <<JSON
{ "name": "hooksig-wasm-tests", "private": true, "type": "module",
  "dependencies": { "playwright-core": "$PLAYWRIGHT_VERSION" } }
JSON
(
  cd "$PROJECT"
  rm -rf node_modules/hooksig-wasm node_modules/hooksig package-lock.json test edge-fetch
  rm -rf fallback
  # --omit=optional: the platform packages (none published yet, in any case).
  npm install --silent --no-audit --no-fund --no-save --omit=optional "$TARBALL" "$NODE_TARBALL"
  mkdir -p test edge-fetch fallback
  cp -r "$WASM_DIR"/tests/. test/
  cp "$SHARED_TEST" test/api.shared.test.mjs
  cp "$ROOT/bindings/node/__test__/backend.test.mjs" fallback/
  cp "$ROOT"/examples/edge-fetch/*.mjs edge-fetch/
)

CLI="$(hooksig_cli)"
export HOOKSIG_ROOT="$ROOT" HOOKSIG_VECTORS="$ROOT/tests/vectors" HOOKSIG_CLI="$CLI"
cd "$PROJECT"

say "hooksig without its platform package (--omit=optional): backend, shared API test"
HOOKSIG_EXPECT_BACKEND=wasm node --test --test-reporter=dot fallback/backend.test.mjs
HOOKSIG_PACKAGE=hooksig node --test --test-reporter=dot test/api.shared.test.mjs
echo "hooksig without an addon: backend 'wasm', one warning, the shared API test passes"

say "hooksig-wasm/verify (the light entry): shared API test"
HOOKSIG_PACKAGE=hooksig-wasm/verify node --test --test-reporter=dot test/api.shared.test.mjs
echo "hooksig-wasm/verify: the shared API test passes on the light build (routing and Tratta tests skipped)"

say "hooksig-wasm: shared API test, Chromium (both entries), example pages, size, edge example"
HOOKSIG_PACKAGE=hooksig-wasm node --test --test-concurrency=1 test/*.test.mjs edge-fetch/*.test.mjs
