#!/usr/bin/env bash
# C-API verify vs core verify, 256 B and 1 MiB: builds and installs the
# library to a temporary prefix, times both sides on the same input, and
# prints a table with the ratio (target at 256 B: at most 1.2x).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../../../scripts/lib.sh"

prefix="$ROOT/target/hooksig-c-prefix"
make -s -C "$ROOT/bindings/c" install PREFIX="$prefix" >/dev/null
cc -std=c11 -Wall -Wextra -Werror -pedantic -O2 -o "$ROOT/target/release/hooksig-c-bench" \
  "$ROOT/bindings/c/bench/bench_verify.c" $(PKG_CONFIG_PATH="$prefix/lib/pkgconfig" pkg-config --cflags --libs hooksig)
(cd "$ROOT" && cargo build --release --quiet -p hooksig-c --example bench_core)

# Alternating runs, best of each: a busy machine slows whichever runs during the load.
results=$(for _ in 1 2 3; do
  LD_LIBRARY_PATH="$prefix/lib" "$ROOT/target/release/hooksig-c-bench"
  "$ROOT/target/release/examples/bench_core"
done)
echo "$results" | awk '
  { key = $1 " " $2; if (!(key in t) || $3 < t[key]) t[key] = $3 }
  END {
    printf "%-8s %14s %14s %8s\n", "body", "core ns/op", "C API ns/op", "ratio"
    n = split("256 1048576", order, " ")
    for (i = 1; i <= n; i++) {
      s = order[i]; label = (s == 256) ? "256 B" : "1 MiB"
      printf "%-8s %14.1f %14.1f %7.3fx\n", label, t["rust " s], t["c " s], t["c " s] / t["rust " s]
    }
  }'
