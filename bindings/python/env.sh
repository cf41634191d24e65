# Shared by test.sh, demo.sh and bench/run.sh: source it after scripts/lib.sh.
# Builds the wheel (only when a source changed) and makes virtualenvs under
# target/python, so nothing is installed outside them.

PY_HERE="$ROOT/bindings/python"
PY_TARGET="$ROOT/target/python"
PY_WHEELS="$PY_TARGET/wheels"

# python3, plus Debian's venv module when the interpreter is the system one.
python_ensure() {
  command -v python3 >/dev/null || apt_ensure python3
  python3 -c 'import sys; assert sys.version_info >= (3, 9), sys.version' \
    || { echo "python3 >= 3.9 is required" >&2; return 1; }
  if ! python3 -c 'import ensurepip, venv' 2>/dev/null; then
    apt_ensure "python3-venv"
  fi
}

# python_venv DIR [PIP ARGS...]: creates DIR if missing, then installs what is asked
# (pip skips what is already there).
python_venv() {
  local dir="$1"; shift
  [ -x "$dir/bin/python" ] || python3 -m venv "$dir"
  "$dir/bin/python" -m pip install --quiet --disable-pip-version-check "$@"
}

# Builds the wheel if any source is newer than it; prints its path.
python_wheel() {
  python_ensure
  python_venv "$PY_TARGET/build" "maturin>=1.9.4,<2"
  local wheel
  wheel="$(ls -t "$PY_WHEELS"/hooksig-*.whl 2>/dev/null | head -n1 || true)"
  if [ -z "$wheel" ] || [ -n "$(find "$ROOT/core" "$PY_HERE/src" "$PY_HERE/python" "$PY_HERE/Cargo.toml" \
      "$PY_HERE/pyproject.toml" "$ROOT/Cargo.lock" -newer "$wheel" -type f -print -quit)" ]; then
    say "maturin build --release (hooksig wheel)" >&2
    rm -f "$PY_WHEELS"/hooksig-*.whl
    (cd "$PY_HERE" && "$PY_TARGET/build/bin/maturin" build --release -o "$PY_WHEELS") \
      >"$PY_TARGET/maturin.log" 2>&1 || { cat "$PY_TARGET/maturin.log" >&2; return 1; }
    wheel="$(ls -t "$PY_WHEELS"/hooksig-*.whl | head -n1)"
  fi
  echo "$wheel"
}
