#!/usr/bin/env bash
# Builds the hooksig wheel, installs it into a fresh virtualenv with the test
# dependencies, and runs the whole suite there (vectors, bad inputs, interop,
# adapters, examples, stubtest, mypy --strict, doctests of the installed package).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"   # gives $ROOT, say, apt_ensure, hooksig_cli
source "$ROOT/bindings/python/env.sh"

apt_ensure redis-server   # test_replay.py and the python-replay example start their own
wheel="$(python_wheel)"
say "hooksig CLI (for the examples' tests)"
HOOKSIG_CLI="$(hooksig_cli)"
export HOOKSIG_CLI

venv="$PY_TARGET/test"
say "fresh virtualenv with $(basename "$wheel")"
rm -rf "$venv"
python_venv "$venv" "$wheel" -r "$PY_HERE/tests/requirements.txt"
site="$("$venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"

# The wheel is abi3 for CPython >= 3.9: where a 3.9 interpreter exists (pyenv,
# deadsnakes), the core of the suite runs on it too. Debian 12 has only 3.11.
oldest=""
for candidate in python3.9 "$(pyenv root 2>/dev/null || echo /nonexistent)"/versions/3.9*/bin/python3.9; do
  if "$candidate" -c 'import sys; assert sys.version_info[:2] == (3, 9)' 2>/dev/null; then
    oldest="$candidate"; break
  fi
done
if [ -n "$oldest" ]; then
  say "pytest on $("$oldest" --version) (vectors, inputs, API, events)"
  rm -rf "$PY_TARGET/test-py39"
  "$oldest" -m venv "$PY_TARGET/test-py39"
  "$PY_TARGET/test-py39/bin/python" -m pip install --quiet --disable-pip-version-check "$wheel" pytest
  (cd "$PY_HERE" && "$PY_TARGET/test-py39/bin/python" -m pytest -p no:cacheprovider -q --rootdir "$PY_HERE" \
    tests/test_vectors.py tests/test_inputs.py tests/test_api.py tests/test_events.py -k "not werkzeug and not starlette and not django")
fi

say "pytest"
cd "$PY_HERE"
"$venv/bin/python" -m pytest -p no:cacheprovider --rootdir "$PY_HERE" \
  --doctest-modules --ignore-glob='*/_native.pyi' "$PY_HERE/tests" "$site/hooksig" "$@"
