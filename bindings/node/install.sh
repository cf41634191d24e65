# Sourced by test.sh and bench.sh (after scripts/lib.sh): builds the addon
# (release), checks the generated native.d.ts and loader (native.js) against
# the committed ones, packs the npm packages as they are published and installs
# them into $PROJECT (under target/) together with the libraries it is tested
# and benchmarked against:
#   hooksig                 the JS, no binary (its `files` name none)
#   hooksig-$NATIVE_PLATFORM  the addon, from npm/$NATIVE_PLATFORM/ (napi-rs's layout)
#   hooksig-wasm            the fallback, a regular dependency of hooksig
NODE_DIR="$ROOT/bindings/node"
PACK_DIR="$ROOT/target/node-pack"
PROJECT="$ROOT/target/node-test"
# This machine's platform package: the test machines are Debian (glibc).
case "$(uname -m)" in
  x86_64) NATIVE_PLATFORM=linux-x64-gnu ;;
  aarch64) NATIVE_PLATFORM=linux-arm64-gnu ;;
  *) echo "no hooksig platform package for $(uname -m)" >&2; exit 1 ;;
esac

NAPI="$(napi_cli)"
cd "$NODE_DIR"
say "node: build the addon (release) and check native.d.ts and native.js for drift"
generated=(native.d.ts native.js)
committed="$(mktemp -d)"
trap 'rm -rf "$committed"' EXIT
cp "${generated[@]}" "$committed/"
"$NAPI" build --release --platform --js native.js --dts native.d.ts --no-const-enum
for file in "${generated[@]}"; do
  if ! diff -u "$committed/$file" "$file"; then
    echo "$file changed when regenerated: commit the new one (and update index.d.ts / api.js to match)" >&2
    exit 1
  fi
done

# hooksig depends on hooksig-wasm, which the registry has only once published:
# the test project gets it from its tarball.
bash "$ROOT/bindings/wasm/build.sh"

say "node: pack hooksig, hooksig-$NATIVE_PLATFORM and hooksig-wasm"
# The addon goes where `napi artifacts` puts it in a release (npm/<platform>/).
cp "hooksig.$NATIVE_PLATFORM.node" "npm/$NATIVE_PLATFORM/"
mkdir -p "$PACK_DIR" "$PROJECT"
rm -f "$PACK_DIR"/hooksig-*.tgz
pack() { echo "$PACK_DIR/$(cd "$1" && npm pack --silent --pack-destination "$PACK_DIR" | tail -n1)"; }
TARBALL="$(pack "$NODE_DIR")"
PLATFORM_TARBALL="$(pack "npm/$NATIVE_PLATFORM")"
WASM_TARBALL="$(pack "$ROOT/bindings/wasm/pkg")"
if tar -tzf "$TARBALL" | grep '\.node$'; then
  echo "the hooksig tarball holds a binary: the addons belong in the platform packages" >&2
  exit 1
fi

say "node: install into $PROJECT"
cd "$PROJECT"
cat > package.json <<JSON
{
  "name": "hooksig-node-test",
  "private": true,
  "type": "module",
  "dependencies": {
    "hooksig": "file:$TARBALL",
    "hooksig-$NATIVE_PLATFORM": "file:$PLATFORM_TARBALL",
    "hooksig-wasm": "file:$WASM_TARBALL",
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
# The tarballs keep their names across builds: naming them makes npm read the
# new ones instead of reinstalling the old ones its lockfile and cache remember.
npm install --no-audit --no-fund --loglevel=error "$TARBALL" "$PLATFORM_TARBALL" "$WASM_TARBALL"
