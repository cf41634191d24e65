# Sourced by test.sh and bench.sh (after scripts/lib.sh): builds the addon
# (release), checks the generated native.d.ts against the committed one, packs
# the npm tarball and installs it into $PROJECT (under target/) together with
# the libraries it is tested and benchmarked against.
NODE_DIR="$ROOT/bindings/node"
PACK_DIR="$ROOT/target/node-pack"
PROJECT="$ROOT/target/node-test"

say "node: npm dependencies of bindings/node"
cd "$NODE_DIR"
# Only when the lock changed since the last install. Not `npm ci`: npm leaves
# the platform packages of an optional dependency out of the lock it writes,
# then refuses that same lock in `npm ci`.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm install --no-save --no-audit --no-fund --loglevel=error
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

