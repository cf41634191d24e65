<?php
// Serves index.php with `php -S` on a local port and sends it signed and
// tampered Quiltt events with `hooksig send`; also runs the conformance
// vectors through the PHP wrapper. Needs HOOKSIG_CLI (the hooksig binary)
// and the installed library (HOOKSIG_PREFIX or pkg-config).
//
//   php -d ffi.enable=1 tests/receiver_test.php
declare(strict_types=1);

require __DIR__ . '/../hooksig.php';

const SECRET = 'quiltt-subscription-secret';
$passed = 0;
$failed = 0;

function check(bool $ok, string $name, string $detail = ''): void
{
    global $passed, $failed;
    if ($ok) {
        $passed++;
    } else {
        $failed++;
        echo "FAIL $name" . ($detail === '' ? '' : ": $detail") . "\n";
    }
}

function free_port(): int
{
    $socket = stream_socket_server('tcp://127.0.0.1:0');
    $port = (int) substr(strrchr(stream_socket_get_name($socket, false), ':'), 1);
    fclose($socket);
    return $port;
}

/** @return array{string, int} what `hooksig send` printed and its exit status */
function send_event(string $url, string $secret, string ...$args): array
{
    $cli = getenv('HOOKSIG_CLI') ?: 'hooksig';
    $command = array_merge([$cli, 'send', '--scheme', 'quiltt', '--secret-env', 'SECRET', '--url', $url], $args);
    $env = array_merge(getenv(), ['SECRET' => $secret]);
    $process = proc_open($command, [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes, null, $env);
    $out = trim(stream_get_contents($pipes[1]));
    stream_get_contents($pipes[2]);
    return [$out, proc_close($process)];
}

// The receiver, on a port of its own.
$port = free_port();
$log = sys_get_temp_dir() . "/hooksig-php-$port.log";
$server = proc_open(
    [PHP_BINARY, '-d', 'ffi.enable=1', '-S', "127.0.0.1:$port", __DIR__ . '/../index.php'],
    [0 => ['file', '/dev/null', 'r'], 1 => ['file', $log, 'w'], 2 => ['file', $log, 'a']],
    $pipes,
    null,
    array_merge(getenv(), ['QUILTT_WEBHOOK_SECRET' => SECRET]),
);
for ($i = 0; $i < 200 && !@fsockopen('127.0.0.1', $port); $i++) {
    usleep(50000);
}
try {
    $url = "http://127.0.0.1:$port/quiltt_webhook";
    check(send_event($url, SECRET) === ['204', 0], 'signed event is accepted');
    check(send_event($url, SECRET, '--event', 'account.verified') === ['204', 0], 'signed account event is accepted');
    check(str_contains((string) file_get_contents($log), 'is ready for payment processing'), 'account event is routed');
    check(send_event($url, SECRET, '--tamper') === ['401', 1], 'tampered event is rejected');
    check(send_event($url, 'not-the-subscription-secret') === ['401', 1], 'event signed with another secret is rejected');
} finally {
    proc_terminate($server);
    proc_close($server);
    @unlink($log);
}

// Every verify vector through the wrapper.
$vectors = json_decode((string) file_get_contents(__DIR__ . '/../../../tests/vectors/verify.json'), true);
foreach ($vectors['cases'] as $case) {
    $name = $case['name'];
    $expect = $case['expect'];
    $scheme = is_string($case['scheme']) ? $case['scheme'] : json_encode($case['scheme']);
    $body = array_key_exists('body', $case) ? $case['body'] : base64_decode($case['body_base64']);
    // Repeated headers grouped under one name, as getallheaders() gives them.
    $headers = [];
    foreach ($case['headers'] as [$header, $value]) {
        $headers[$header][] = $value;
    }
    try {
        $verifier = new Hooksig\Verifier($scheme, $case['secrets'], $case['tolerance'] ?? 300);
        $got = $verifier->verify($headers, $body, $case['now']);
        check(
            $expect['ok'] && [$got->keyIndex, $got->timestamp, $got->webhookId] === [$expect['key_index'], $expect['timestamp'], $expect['webhook_id']],
            $name,
            'verified with ' . json_encode([$got->keyIndex, $got->timestamp, $got->webhookId]),
        );
    } catch (Hooksig\HooksigError $e) {
        check(!$expect['ok'] && $e->hooksigCode === $expect['code'], $name, "$e->hooksigCode: {$e->getMessage()}");
    }
}

// Configuration errors are not verification errors.
try {
    new Hooksig\Verifier('acme', SECRET);
    check(false, 'unknown scheme is rejected');
} catch (Hooksig\HooksigError $e) {
    check($e->hooksigCode === 'invalid_scheme' && !$e instanceof Hooksig\VerificationError, 'unknown scheme is rejected');
}

// The matcher routes Quiltt's parent types.
$routes = new Hooksig\EventMatcher(['connection.synced.successful', 'card*', 'account.verified'], true);
check($routes->matching('connection.synced.successful.historical') === [0], 'parent type routes its children');
check($routes->matching('cardholder.updated') === [1] && !$routes->matches('accounts.verified'), 'globs and boundaries');
try {
    new Hooksig\EventMatcher(['Card Created!']);
    check(false, 'bad pattern is rejected');
} catch (Hooksig\HooksigError $e) {
    check($e->hooksigCode === 'invalid_pattern', 'bad pattern is rejected');
}

echo "php: $passed passed, $failed failed\n";
exit($failed === 0 ? 0 : 1);
