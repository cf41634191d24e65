# Shared helpers for the set-up and test scripts. Source it; do not run it.
# Every script installs what it needs itself, idempotently, so a fresh machine
# with only the base image can run `make demo` and `make test`.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export ROOT

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

# apt_ensure PKG... installs the Debian packages that are not installed yet
# (apt-get update runs at most once per machine boot of this script family).
apt_ensure() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  if [ ! -f /tmp/.hooksig-apt-updated ]; then
    $sudo apt-get update -qq && touch /tmp/.hooksig-apt-updated
  fi
  say "apt-get install ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# The release build of the CLI, used by demos and by every example's test.
hooksig_cli() {
  (cd "$ROOT" && cargo build --release --quiet -p hooksig-cli) >&2 && echo "$ROOT/target/release/hooksig"
}

# The napi-rs CLI (pinned), installed once under target/ and printed as a path.
# Not a devDependency of bindings/node: installing those would also resolve the
# package's own dependencies (hooksig-wasm, the platform packages), which the
# registry has only once they are published.
NAPI_CLI_VERSION=3.10.12
napi_cli() {
  local tools="$ROOT/target/node-tools"
  if ! grep -qs "\"version\": \"$NAPI_CLI_VERSION\"" "$tools/node_modules/@napi-rs/cli/package.json"; then
    say "npm install @napi-rs/cli $NAPI_CLI_VERSION (into $tools)" >&2
    mkdir -p "$tools"
    npm install --silent --no-audit --no-fund --no-save --prefix "$tools" "@napi-rs/cli@$NAPI_CLI_VERSION" >&2
  fi
  echo "$tools/node_modules/.bin/napi"
}
