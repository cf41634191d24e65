# Shared by test.sh, demo.sh and bench.sh. Source it after scripts/lib.sh.

UNIFFI_HERE="$ROOT/bindings/uniffi"
KOTLIN_DIR="$UNIFFI_HERE/kotlin"
KOTLIN_JAR="$KOTLIN_DIR/target/hooksig-0.1.0.jar"
NATIVE_LIB="$ROOT/target/release/libhooksig_uniffi.so"

# Maven and a JDK come with the machine image; install them where they do not.
ensure_jvm_tools() {
  command -v mvn >/dev/null && command -v javac >/dev/null && return 0
  apt_ensure openjdk-17-jdk-headless maven
}

# mvn_logged DIR LOG ARGS...: runs Maven quietly into LOG; prints the test
# summary lines on success and the end of the log on failure.
mvn_logged() {
  local dir="$1" log="$2"; shift 2
  mkdir -p "$(dirname "$log")"
  if ! (cd "$dir" && mvn -B -ntp "$@") >"$log" 2>&1; then
    tail -n 80 "$log"
    echo "Maven failed in $dir (full log: $log)" >&2
    return 1
  fi
  grep -E '^\[(INFO|WARNING|ERROR)\] Tests run: [0-9]+, Failures: [0-9]+, Errors: [0-9]+, Skipped: [0-9]+$' "$log" \
    | sed 's/^\[[A-Z]*\] //' || true
}

# Builds the cdylib and the jar (with the demo/bench classes) when either is
# missing or older than what it is built from.
ensure_kotlin_jar() {
  ensure_jvm_tools
  (cd "$ROOT" && cargo build --release --quiet --lib -p hooksig-uniffi)
  if [ ! -f "$KOTLIN_JAR" ] || [ -n "$(find "$KOTLIN_DIR/src" "$KOTLIN_DIR/pom.xml" "$NATIVE_LIB" -newer "$KOTLIN_JAR" -print -quit)" ]; then
    say "building the Kotlin jar"
    mvn_logged "$KOTLIN_DIR" "$KOTLIN_DIR/target/package.log" package -DskipITs
  fi
}

# kotlin_run CLASS ARGS...: runs a main class of the test sources against the jar.
kotlin_run() {
  ensure_kotlin_jar
  local cp_file="$KOTLIN_DIR/target/test-classpath.txt"
  if [ ! -f "$cp_file" ] || [ "$KOTLIN_DIR/pom.xml" -nt "$cp_file" ]; then
    mvn_logged "$KOTLIN_DIR" "$KOTLIN_DIR/target/classpath.log" dependency:build-classpath \
      -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=test >/dev/null
  fi
  local main="$1"; shift
  java -cp "$KOTLIN_DIR/target/test-classes:$KOTLIN_JAR:$(cat "$cp_file")" "$main" "$@"
}
