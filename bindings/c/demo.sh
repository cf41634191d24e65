#!/usr/bin/env bash
# For each built-in scheme: sign a sample event, verify it through the C
# library, tamper with the body, print the rejection code and the diagnose
# sentence. Then one line each through the Ruby (ffi) and PHP (FFI) wrappers
# of examples/, on headers signed by the hooksig CLI.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"
apt_ensure gcc make pkg-config ruby ruby-ffi php-cli

prefix="$ROOT/target/hooksig-c-prefix"
make -s -C "$ROOT/bindings/c" install PREFIX="$prefix"
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig" LD_LIBRARY_PATH="$prefix/lib" HOOKSIG_PREFIX="$prefix"
cc -std=c11 -Wall -Wextra -Werror -pedantic -o "$ROOT/target/release/hooksig-c-demo" \
  "$ROOT/bindings/c/demo/demo.c" $(pkg-config --cflags --libs hooksig)
"$ROOT/target/release/hooksig-c-demo"

cli=$(hooksig_cli)
export DEMO_SECRET=quiltt-subscription-secret
body='{"events":[{"type":"account.verified","record":{"id":"acct_1"}}]}'
headers=$(printf '%s' "$body" | "$cli" sign --scheme quiltt --secret-env DEMO_SECRET --json)
ruby -I "$ROOT/examples/ruby-sinatra/lib" -rhooksig -rjson -e '
  headers, body = JSON.parse(ARGV[0]), ARGV[1]
  v = Hooksig::Verifier.new("quiltt", ENV["DEMO_SECRET"])
  ok = v.verify(headers, body)
  begin
    v.verify(headers, body.sub("acct_1", "acct_2"))
  rescue Hooksig::VerificationError => e
    puts "Ruby quiltt   signed -> ok (key #{ok.key_index}); tampered -> #{e.code}"
  else
    abort "Ruby quiltt   tampered body accepted"
  end' "$headers" "$body"
php -r '
  require getenv("ROOT") . "/examples/php/hooksig.php";
  [$headers, $body] = [json_decode($argv[1], true), $argv[2]];
  $v = new Hooksig\Verifier("quiltt", getenv("DEMO_SECRET"));
  $ok = $v->verify($headers, $body);
  try { $v->verify($headers, str_replace("acct_1", "acct_2", $body)); }
  catch (Hooksig\VerificationError $e) { exit("PHP  quiltt   signed -> ok (key {$ok->keyIndex}); tampered -> {$e->hooksigCode}\n"); }
  fwrite(STDERR, "PHP  quiltt   tampered body accepted\n"); exit(1);
' "$headers" "$body"
