#!/usr/bin/env bash
# Builds verify_request against the installed hooksig (PKG_CONFIG_PATH must
# find hooksig.pc), checks requests given on stdin, then serves it on a local
# port through socat and sends it events with `hooksig send` (HOOKSIG_CLI).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
cli=${HOOKSIG_CLI:?set HOOKSIG_CLI to the hooksig binary}
make -s -B verify_request

export WEBHOOK_SCHEME=quiltt WEBHOOK_SECRET=quiltt-subscription-secret
passed=0 failed=0
expect() { # NAME WANTED GOT
  if [ "$2" = "$3" ]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL $1: got '$3', expected '$2'"; fi
}
work=$(mktemp -d)
socat_pid=
cleanup() { [ -n "$socat_pid" ] && kill "$socat_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

# On stdin: the headers `hooksig sign` prints, a blank line, the body.
printf '{"events":[{"type":"account.verified","record":{"id":"acct_1"}}]}' > "$work/body.json"
{ "$cli" sign --scheme quiltt --secret-env WEBHOOK_SECRET --body-file "$work/body.json"; echo; cat "$work/body.json"; } > "$work/request"
status=0; ./verify_request < "$work/request" > "$work/response" 2>/dev/null || status=$?
expect "stdin, signed" "0 HTTP/1.1 204 No Content" "$status $(head -n 1 "$work/response" | tr -d '\r')"
sed 's/acct_1/acct_2/' "$work/request" > "$work/tampered"
status=0; ./verify_request < "$work/tampered" > "$work/response" 2>/dev/null || status=$?
expect "stdin, tampered" "1 HTTP/1.1 401 Unauthorized" "$status $(head -n 1 "$work/response" | tr -d '\r')"

# On a port, one verify_request per connection.
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# `|| true`: socat may drop the connection before relaying the answer when its
# child exits non-zero, which verify_request does for every rejected request.
socat "TCP-LISTEN:$port,bind=127.0.0.1,reuseaddr,fork" SYSTEM:'./verify_request || true' 2> "$work/socat.log" &
socat_pid=$!
for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.05; done
url="http://127.0.0.1:$port/webhook"
expect "port, signed" "204" "$("$cli" send --scheme quiltt --secret-env WEBHOOK_SECRET --url "$url" || true)"
expect "port, tampered" "401" "$("$cli" send --scheme quiltt --secret-env WEBHOOK_SECRET --url "$url" --tamper || true)"
expect "port, another secret" "401" "$(OTHER=another-quiltt-secret "$cli" send --scheme quiltt --secret-env OTHER --url "$url" || true)"

echo "c-example: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
