#!/usr/bin/env bash
# The Kotlin package's part of `make demo`: per built-in scheme, sign a sample
# event, verify it through the jar, tamper with the body, show code and diagnosis.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"   # gives $ROOT, say, apt_ensure, hooksig_cli
source "$ROOT/bindings/uniffi/env.sh"

kotlin_run dev.hooksig.tools.DemoKt
