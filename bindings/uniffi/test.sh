#!/usr/bin/env bash
# Kotlin/Swift bindings: release cdylib, generated-source drift check, the jar
# built by Maven with its JUnit 5 suite run against it, then the example
# receiver (examples/kotlin-httpserver) driven by `hooksig send`.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"   # gives $ROOT, say, apt_ensure, hooksig_cli
source "$ROOT/bindings/uniffi/env.sh"
ensure_jvm_tools

say "uniffi: release cdylib; generated Kotlin and Swift sources must not drift"
"$UNIFFI_HERE/generate.sh" --check

say "uniffi: jar (Maven) and its JUnit 5 suite (vectors, bad input) against the jar"
# install: the example below depends on the jar through the local repository.
mvn_logged "$KOTLIN_DIR" "$KOTLIN_DIR/target/test.log" install

say "uniffi: examples/kotlin-httpserver receiver, sent signed and tampered events"
cli="$(hooksig_cli)"
mvn_logged "$ROOT/examples/kotlin-httpserver" "$ROOT/examples/kotlin-httpserver/target/test.log" \
  test -Dhooksig.cli="$cli"
