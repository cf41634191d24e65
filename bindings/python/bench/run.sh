#!/usr/bin/env bash
# The benchmark of the README: builds the wheel and the Rust-core timer, installs
# the wheel and the contenders (standardwebhooks, svix, stripe) into a virtualenv,
# and prints the table. Not a test: it asserts nothing.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../../../scripts/lib.sh"
source "$ROOT/bindings/python/env.sh"

apt_ensure redis-server   # the replay guard's Redis case
wheel="$(python_wheel)"
venv="$PY_TARGET/bench"
python_venv "$venv" --force-reinstall --no-deps "$wheel"
python_venv "$venv" standardwebhooks svix stripe

say "Rust core timer"
(cd "$ROOT" && cargo build --release --quiet -p hooksig-python --example core_verify)

say "benchmark"
"$venv/bin/python" "$PY_HERE/bench/bench.py" --core "$ROOT/target/release/examples/core_verify" "$@"
