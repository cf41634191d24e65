#!/usr/bin/env bash
# C-API verify vs core verify, 256 B and 1 MiB: builds and installs the
# library to a temporary prefix, times both sides on the same input, and
# prints a table with the ratio (target at 256 B: at most 1.2x); then the cost
# of the replay guard per request, with a memory store and a local Redis.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../../../scripts/lib.sh"
apt_ensure redis-server python3

prefix="$ROOT/target/hooksig-c-prefix"
make -s -C "$ROOT/bindings/c" install PREFIX="$prefix" >/dev/null
cc -std=c11 -Wall -Wextra -Werror -pedantic -O2 -o "$ROOT/target/release/hooksig-c-bench" \
  "$ROOT/bindings/c/bench/bench_verify.c" $(PKG_CONFIG_PATH="$prefix/lib/pkgconfig" pkg-config --cflags --libs hooksig)
(cd "$ROOT" && cargo build --release --quiet -p hooksig-c --example bench_core)

# The replay rows: a redis-server of our own on a free loopback port, stopped on exit.
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no >/dev/null &
redis_pid=$!
trap 'kill "$redis_pid" 2>/dev/null; wait "$redis_pid" 2>/dev/null' EXIT
for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
export HOOKSIG_BENCH_REDIS_URL="redis://127.0.0.1:$port/0"

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
    printf "\n%-34s %14s %8s\n", "256 B, through the C API", "ns/request", "vs plain"
    printf "%-34s %14.1f %7.3fx\n", "verify", t["c 256"], 1
    printf "%-34s %14.1f %7.3fx\n", "verify_once + complete, memory", t["c-memory 256"], t["c-memory 256"] / t["c 256"]
    printf "%-34s %14.1f %7.3fx\n", "verify_once + complete, Redis", t["c-redis 256"], t["c-redis 256"] / t["c 256"]
  }'
