#!/usr/bin/env bash
# Timed loop, not a test: Kotlin Verifier.verify (uniffi + JNA) against a
# hand-rolled javax.crypto.Mac check, at 256 B and 1 MiB. Optional argument:
# seconds of warm-up and of measurement per body size (default 4).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"   # gives $ROOT, say, apt_ensure, hooksig_cli
source "$ROOT/bindings/uniffi/env.sh"

kotlin_run dev.hooksig.tools.BenchKt "${1:-4}"
