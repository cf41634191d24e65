#!/usr/bin/env bash
# Builds the addon (release), packs the npm tarball, installs it into a fresh
# project under target/ with the libraries it is tested against, and runs every
# test there: the shared API test (vectors, bad input, export drift), the
# Node-only tests (thread pool, Express, Fastify, interop), the type check, and
# both examples driven by `hooksig send`. Also fails when the generated
# native.d.ts drifts from the committed one.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"

NODE_DIR="$ROOT/bindings/node"
PACK_DIR="$ROOT/target/node-pack"
PROJECT="$ROOT/target/node-test"

say "node: npm dependencies of bindings/node"
cd "$NODE_DIR"
# npm ci only when the lock changed since the last install.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi

say "node: build the addon (release) and check native.d.ts for drift"
committed_dts="$(mktemp)"
trap 'rm -f "$committed_dts"' EXIT
cp native.d.ts "$committed_dts"
npx napi build --release --dts native.d.ts --no-const-enum
if ! diff -u "$committed_dts" native.d.ts; then
  echo "native.d.ts changed when regenerated: commit the new one (and update index.d.ts / api.js to match)" >&2
  exit 1
fi

say "node: pack and install into $PROJECT"
mkdir -p "$PACK_DIR" "$PROJECT"
rm -f "$PACK_DIR"/hooksig-*.tgz
tarball="$PACK_DIR/$(npm pack --silent --pack-destination "$PACK_DIR" | tail -n1)"
cd "$PROJECT"
cat > package.json <<JSON
{
  "name": "hooksig-node-test",
  "private": true,
  "type": "module",
  "dependencies": {
    "hooksig": "file:$tarball",
    "@octokit/webhooks-methods": "6.0.0",
    "@types/express": "5.0.6",
    "@types/node": "20.19.43",
    "express": "5.3.0",
    "fastify": "5.12.8",
    "standardwebhooks": "1.1.1",
    "stripe": "23.1.0",
    "svix": "1.99.1",
    "typescript": "5.9.3"
  }
}
JSON
# The tarball keeps its name across builds: naming it makes npm read the new
# one instead of reinstalling the old one its lockfile and cache remember.
npm install --no-audit --no-fund --loglevel=error "$tarball"

rm -rf test examples
mkdir -p test examples
cp "$NODE_DIR"/__test__/*.mjs "$NODE_DIR"/__test__/types.ts "$NODE_DIR"/__test__/tsconfig.json test/
for example in node-express node-fastify; do
  mkdir -p "examples/$example"
  (cd "$ROOT/examples/$example" && tar --exclude=node_modules --exclude=dist -cf - .) | tar -xf - -C "examples/$example"
done

say "node: type-check the declarations and compile the TypeScript example"
npx tsc -p test/tsconfig.json
npx tsc -p examples/node-express

say "node: node --test on the installed package"
HOOKSIG_CLI="$(hooksig_cli)"
export HOOKSIG_CLI
export HOOKSIG_VECTORS="$ROOT/tests/vectors"
node --test --test-reporter=spec \
  test/api.shared.test.mjs test/node.test.mjs \
  examples/node-express/test/receiver.test.mjs examples/node-fastify/test/receiver.test.mjs
