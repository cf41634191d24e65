#!/usr/bin/env bash
# The Python package's part of `make demo`: builds the wheel if needed, installs it
# into a virtualenv, and signs / verifies / tampers a sample event per scheme.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"   # gives $ROOT, say, apt_ensure, hooksig_cli
source "$ROOT/bindings/python/env.sh"

wheel="$(python_wheel)"
python_venv "$PY_TARGET/demo" --force-reinstall --no-deps "$wheel"
"$PY_TARGET/demo/bin/python" "$PY_HERE/demo.py"
