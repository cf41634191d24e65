#!/usr/bin/env bash
# The benchmark of the issue (a script, not a test): hooksig's verify at 256 B,
# 4 KiB, 64 KiB and 1 MiB against hand-rolled node:crypto, the Rust core,
# @octokit/webhooks-methods, stripe, svix and standardwebhooks, in one run.
# Runs on the packed package, installed the way test.sh installs it.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"

source "$(dirname "${BASH_SOURCE[0]}")/install.sh"

say "node: the Rust core baseline (release)"
(cd "$ROOT" && cargo build --release --quiet -p hooksig-node --example node_core_verify)
export CORE_BENCH="$ROOT/target/release/examples/node_core_verify"

say "node: benchmark"
cp "$NODE_DIR/bench/bench.mjs" "$PROJECT/bench.mjs"
cd "$PROJECT"
node bench.mjs
