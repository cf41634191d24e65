#!/usr/bin/env bash
# Builds the npm package hooksig-wasm into bindings/wasm/pkg, from nothing:
# installs Debian's wasm32 Rust toolchain, binaryen and wasm-bindgen-cli when
# missing, compiles the crate for wasm32-unknown-unknown twice (the full API
# and the light `hooksig-wasm/verify`), generates the JS glue for the web (ES
# module) and for Node (CommonJS), shrinks both with wasm-opt, and lays out
# the package with the JS API shared with the native addon.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"
WASM_DIR="$ROOT/bindings/wasm"
OUT="$ROOT/target/wasm"
WASM_BINDGEN_VERSION=0.2.130   # = the wasm-bindgen pin in Cargo.toml

# rustup cannot add the wasm32 target here; Debian's rustc-web ships its std source.
apt_ensure rustc-web cargo-web rust-web-src lld binaryen

if ! wasm-bindgen --version 2>/dev/null | grep -qx "wasm-bindgen $WASM_BINDGEN_VERSION"; then
  say "cargo install wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 10 minutes, once)"
  # Its lock file names a webpki-roots release the registry no longer serves;
  # fall back to fresh resolution when --locked cannot be honoured.
  cargo install --quiet --locked wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" ||
    cargo install --quiet wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi

# Two builds of one crate: the full API (default features) for the package's
# main entry, and the light one (`--no-default-features`: no diagnose, routing
# or Tratta) for `hooksig-wasm/verify`, which must fit a 40 KB budget. Cargo
# keeps both fingerprints, so an unchanged tree recompiles neither.
PKG="$WASM_DIR/pkg"
rm -rf "$PKG" && mkdir -p "$PKG"
for variant in full verify; do
  features=()
  [ "$variant" = verify ] && features=(--no-default-features)
  say "cargo build hooksig-wasm, $variant API (wasm32-unknown-unknown)"
  # Size over speed everywhere except sha2, whose compression loop is the whole
  # cost of verifying a large body. panic=immediate-abort drops the panic
  # formatting machinery the core never reaches (it does not panic on any input).
  # No reference types: Debian's binaryen 108 rewrites an externref table as
  # anyref, which engines reject, so wasm-bindgen keeps JS values in its JS-side
  # heap instead (what it did before reference types were on by default).
  # simd128 selects sha2's SIMD message schedule (about 1.1-1.3x faster SHA-256 than
  # the scalar one, measured by bench.sh); every engine since 2021-23 has it
  # (Chrome 91, Firefox 89, Safari 16.4, Node 16.4, Deno, workerd).
  (
    cd "$ROOT"
    PATH="/usr/bin:$PATH" \
    RUSTFLAGS="-C linker=wasm-ld -Zunstable-options -C panic=immediate-abort -C target-feature=-reference-types,+simd128 -Zlocation-detail=none -Zfmt-debug=none" \
    RUSTC_BOOTSTRAP=1 \
      cargo build --quiet --release --target wasm32-unknown-unknown \
        --config 'profile.release.panic="abort"' \
        --config 'profile.release.opt-level="z"' \
        --config 'profile.release.package.sha2.opt-level=3' \
        -Zbuild-std=std,panic_abort -Zbuild-std-features=optimize_for_size \
        -p hooksig-wasm "${features[@]}" --target-dir "$OUT"
  )
  RAW="$OUT/wasm32-unknown-unknown/release/hooksig_wasm.wasm"

  say "wasm-bindgen + wasm-opt ($variant API)"
  # The full API's glue lands in node/ and web/, the light one's in
  # node/verify/ and web/verify/ (same file names, one level down).
  for target in web nodejs; do
    dir="$PKG/${target/nodejs/node}"
    [ "$variant" = verify ] && dir="$dir/verify"
    wasm-bindgen --target "$target" --out-dir "$dir" --no-typescript "$RAW"
    # --zero-filled-memory: the module owns its memory (not imported), which
    # starts zeroed, so data segments need not spell zeros out.
    wasm-opt -Oz --converge --zero-filled-memory --strip-debug --strip-producers --strip-target-features \
      --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
      --enable-mutable-globals --enable-multivalue --enable-simd \
      -o "$dir/hooksig_wasm_bg.wasm" "$dir/hooksig_wasm_bg.wasm"
  done
done

node "$WASM_DIR/scripts/assemble.mjs" "$PKG"

# What a browser downloads is minified (names kept: the error classes' `name`
# comes from them); the Node build stays as generated.
ESBUILD_VERSION=0.28.2
TOOLS="$OUT/tools"
if [ ! -x "$TOOLS/node_modules/.bin/esbuild" ] ||
  ! grep -q "\"version\": \"$ESBUILD_VERSION\"" "$TOOLS/node_modules/esbuild/package.json"; then
  say "npm install esbuild $ESBUILD_VERSION (build tool, into $TOOLS)"
  mkdir -p "$TOOLS"
  (cd "$TOOLS" && npm install --silent --no-audit --no-fund --no-save --prefix . "esbuild@$ESBUILD_VERSION")
fi
ESBUILD="$TOOLS/node_modules/.bin/esbuild"
MINIFY=(--minify --keep-names --format=esm --log-level=warning)

# The light entry is what must fit the 40 KB budget: each of its two ES
# entries becomes one self-contained file (one download, one gzip stream),
# with the glue's unused half (the other entry's loader) and the shared
# API's routing/Tratta blocks (labelled `routing`) and replay guard (labelled
# `replay`: the light backend names no replay keys) left out. Then the glue,
# the ES copies of the shared API and any wasm-bindgen snippets are no longer
# needed there.
LIGHT="$PKG/web/verify"
for entry in index workerd; do
  "$ESBUILD" "$LIGHT/$entry.js" --bundle "${MINIFY[@]}" --drop-labels=routing,replay \
    --external:'*.wasm' --outfile="$LIGHT/$entry.bundle.js"
done
rm -rf "$LIGHT"/{hooksig_wasm,errors,api,adapter}.js "$LIGHT/snippets"
for entry in index workerd; do mv "$LIGHT/$entry.bundle.js" "$LIGHT/$entry.js"; done

find "$PKG/web" -path "$LIGHT" -prune -o -name '*.js' -print0 | while IFS= read -r -d '' file; do
  "$ESBUILD" "$file" "${MINIFY[@]}" --allow-overwrite --outfile="$file"
done
