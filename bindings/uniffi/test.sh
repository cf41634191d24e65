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

# No Swift toolchain here: at least hold the hand-written code table to the
# generated enum and to the Kotlin table (which JUnit checks against the core).
swift_cases() { grep -oE "$1" "$2" | sed -E 's/^ *case \.?([A-Za-z]+).*/\1/' | sort; }
diff <(swift_cases '^    case [A-Za-z]+\(message: String\)' "$UNIFFI_HERE/swift/Sources/Hooksig/Hooksig.swift") \
     <(swift_cases 'case \.[A-Za-z]+:' "$UNIFFI_HERE/swift/Sources/Hooksig/HooksigError+Code.swift") \
  || { echo "HooksigError+Code.swift does not cover the generated HooksigError cases" >&2; exit 1; }
diff <(grep -oE '"[a-z_]+"$' "$UNIFFI_HERE/swift/Sources/Hooksig/HooksigError+Code.swift" | sort) \
     <(grep -oE -e '-> "[a-z_]+"$' "$KOTLIN_DIR/src/main/kotlin/dev/hooksig/Conveniences.kt" | grep -oE '"[a-z_]+"' | sort) \
  || { echo "the Swift and Kotlin error-code tables differ" >&2; exit 1; }

say "uniffi: jar (Maven) and its JUnit 5 suite (vectors, bad input) against the jar"
# install: the example below depends on the jar through the local repository.
mvn_logged "$KOTLIN_DIR" "$KOTLIN_DIR/target/test.log" install

say "uniffi: examples/kotlin-httpserver receiver, sent signed and tampered events"
cli="$(hooksig_cli)"
mvn_logged "$ROOT/examples/kotlin-httpserver" "$ROOT/examples/kotlin-httpserver/target/test.log" \
  test -Dhooksig.cli="$cli"
