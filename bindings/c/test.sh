#!/usr/bin/env bash
# The C binding end to end: pinned cbindgen and a header drift check, the
# crate's unit tests, `make install` to a temporary prefix, the C tests against
# the installed library (plain, valgrind, ASan + UBSan), and the four examples
# (C, Ruby/Sinatra, PHP, Go) each serving a local port and sent events by
# `hooksig send`.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"
HERE="$ROOT/bindings/c"
CBINDGEN_VERSION=0.29.4

# redis-server: the C tests start their own for the Redis replay store.
apt_ensure gcc make pkg-config libcjson-dev valgrind socat python3 redis-server \
  ruby ruby-ffi ruby-sinatra ruby-webrick php-cli

say "cbindgen $CBINDGEN_VERSION"
# Pinned, and kept outside the work tree so a fresh clone does not rebuild it.
cbindgen=$(command -v cbindgen || true)
if [ "$("${cbindgen:-false}" --version 2>/dev/null)" != "cbindgen $CBINDGEN_VERSION" ]; then
  tools="${XDG_CACHE_HOME:-$HOME/.cache}/hooksig/cbindgen-$CBINDGEN_VERSION"
  cbindgen="$tools/bin/cbindgen"
  if [ "$("$cbindgen" --version 2>/dev/null)" != "cbindgen $CBINDGEN_VERSION" ]; then
    cargo install --quiet --locked cbindgen --version "$CBINDGEN_VERSION" --root "$tools"
  fi
fi
fresh=$(mktemp)
trap 'rm -f "$fresh"' EXIT
(cd "$HERE" && "$cbindgen" --quiet --config cbindgen.toml --crate hooksig-c --output "$fresh" .)
if ! diff -u "$HERE/include/hooksig.h" "$fresh"; then
  echo "include/hooksig.h is stale: run 'make -C bindings/c header CBINDGEN=$cbindgen' and commit it" >&2
  exit 1
fi

say "cargo test -p hooksig-c"
(cd "$ROOT" && cargo test --quiet -p hooksig-c)

# A fresh prefix each run, at a fixed path: Go's build cache keeps the -L path
# of the cgo package it built last time.
prefix="$ROOT/target/hooksig-c-test-prefix"
rm -rf "$prefix"
say "make install PREFIX=$prefix"
make -s -C "$HERE" install PREFIX="$prefix"
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig" LD_LIBRARY_PATH="$prefix/lib" HOOKSIG_PREFIX="$prefix"
# Nor does that cache see a changed header or library outside the module; a
# digest of both in CGO_CFLAGS (part of its key) rebuilds the cgo package when they change.
export CGO_CFLAGS="-O2 -g -DHOOKSIG_INSTALLED=0x$(cat "$prefix/include/hooksig.h" "$prefix/lib/libhooksig.so" | sha256sum | cut -c1-15)"
HOOKSIG_CLI=$(hooksig_cli)
export HOOKSIG_CLI

passed=0 failed=0
suite() { # NAME COMMAND...: runs one suite, keeps going when it fails
  say "$1"
  if (shift; "$@"); then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAILED: $1"; fi
}
suite "C tests: plain, valgrind, ASan + UBSan" make -s -C "$HERE" check PREFIX="$prefix"
suite "examples/c" "$ROOT/examples/c/test.sh"
suite "examples/ruby-sinatra" ruby "$ROOT/examples/ruby-sinatra/test/receiver_test.rb"
suite "examples/php" php -d ffi.enable=1 "$ROOT/examples/php/tests/receiver_test.php"
go_example() { cd "$ROOT/examples/go" && test -z "$(gofmt -l .)" && go vet ./... && go test -count=1 ./...; }
suite "examples/go" go_example

say "bindings/c"
echo "c-suites: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
