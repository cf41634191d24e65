#!/usr/bin/env bash
# Builds the hooksig wheel, installs it into a fresh virtualenv with the test
# dependencies, and runs the whole suite there (vectors, bad inputs, interop,
# adapters, examples, stubtest, mypy --strict, doctests of the installed package).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"   # gives $ROOT, say, apt_ensure, hooksig_cli
source "$ROOT/bindings/python/env.sh"

wheel="$(python_wheel)"
say "hooksig CLI (for the examples' tests)"
HOOKSIG_CLI="$(hooksig_cli)"
export HOOKSIG_CLI

venv="$PY_TARGET/test"
say "fresh virtualenv with $(basename "$wheel")"
rm -rf "$venv"
python_venv "$venv" "$wheel" -r "$PY_HERE/tests/requirements.txt"
site="$("$venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"

say "pytest"
cd "$PY_HERE"
"$venv/bin/python" -m pytest -p no:cacheprovider --rootdir "$PY_HERE" \
  --doctest-modules --ignore-glob='*/_native.pyi' "$PY_HERE/tests" "$site/hooksig" "$@"
