#!/usr/bin/env bash
# Builds the addon (release), packs the npm packages as published (hooksig, its
# platform package, hooksig-wasm), installs them into a fresh project under
# target/ with the libraries they are tested against, and runs every test
# there: the backend in use (native), the shared API test (vectors, bad input,
# export drift), the Node-only tests (thread pool, Express, Fastify, interop),
# the replay guard against a redis-server it starts, the type check, and the
# examples (both receivers driven by `hooksig send`, two processes sharing Redis). Also fails when
# the generated native.d.ts or loader drifts from the committed one.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"

apt_ensure redis-server
source "$(dirname "${BASH_SOURCE[0]}")/install.sh"
cd "$PROJECT"

rm -rf test examples
mkdir -p test examples
cp "$NODE_DIR"/__test__/*.mjs "$NODE_DIR"/__test__/types.ts "$NODE_DIR"/__test__/tsconfig.json test/
for example in node-express node-fastify node-replay; do
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
HOOKSIG_EXPECT_BACKEND=native node --test --test-reporter=spec \
  test/backend.test.mjs test/api.shared.test.mjs test/node.test.mjs test/replay.test.mjs \
  examples/node-express/test/receiver.test.mjs examples/node-fastify/test/receiver.test.mjs
