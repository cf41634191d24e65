#!/usr/bin/env bash
# Regenerates the committed Kotlin and Swift sources from the release cdylib
# with the workspace's pinned uniffi-bindgen. With --check, writes nothing and
# fails when the committed sources differ from what would be generated.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"

HERE="$ROOT/bindings/uniffi"
LIB="$ROOT/target/release/libhooksig_uniffi.so"
KOTLIN_FILE="kotlin/src/main/kotlin/dev/hooksig/hooksig.kt"
SWIFT_API="swift/Sources/Hooksig/Hooksig.swift"
SWIFT_HEADER="swift/Sources/HooksigFFI/HooksigFFI.h"
SWIFT_MODULEMAP="swift/Sources/HooksigFFI/module.modulemap"

(cd "$ROOT" && cargo build --release --quiet --lib -p hooksig-uniffi)
(cd "$ROOT" && cargo build --quiet --features bindgen --bin uniffi-bindgen -p hooksig-uniffi)

raw="$(mktemp -d)"; staged="$(mktemp -d)"
trap 'rm -rf "$raw" "$staged"' EXIT
# --no-format: the output must not depend on whether ktlint or swift-format
# happens to be installed.
"$ROOT/target/debug/uniffi-bindgen" generate --no-format \
  --language kotlin --language swift --out-dir "$raw" "$LIB" >/dev/null

# SwiftPM wants a system-library target: `module.modulemap` beside the header.
mkdir -p "$staged/$(dirname "$KOTLIN_FILE")" "$staged/$(dirname "$SWIFT_API")" \
  "$staged/$(dirname "$SWIFT_HEADER")"
cp "$raw/dev/hooksig/hooksig.kt" "$staged/$KOTLIN_FILE"
cp "$raw/Hooksig.swift" "$staged/$SWIFT_API"
cp "$raw/HooksigFFI.h" "$staged/$SWIFT_HEADER"
cp "$raw/HooksigFFI.modulemap" "$staged/$SWIFT_MODULEMAP"

drift=0
for f in "$KOTLIN_FILE" "$SWIFT_API" "$SWIFT_HEADER" "$SWIFT_MODULEMAP"; do
  if [ "${1:-}" = "--check" ]; then
    if ! diff -u "$HERE/$f" "$staged/$f" >/dev/null 2>&1; then
      echo "generated source out of date: bindings/uniffi/$f" >&2
      diff -u "$HERE/$f" "$staged/$f" 2>&1 | head -20 >&2 || true
      drift=1
    fi
  else
    mkdir -p "$HERE/$(dirname "$f")"
    cp "$staged/$f" "$HERE/$f"
  fi
done
if [ "$drift" -ne 0 ]; then
  echo "run bindings/uniffi/generate.sh and commit the result" >&2
  exit 1
fi
[ "${1:-}" = "--check" ] && echo "generated Kotlin and Swift sources are up to date"
exit 0
