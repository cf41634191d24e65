<?php
// Quiltt's PHP webhook receiver from its docs, with the hand-written checks
// replaced by hooksig: the timestamp is checked in both directions, the
// signature in constant time over the raw body, and a bad request gets 401
// instead of a silent 204.
//
//   QUILTT_WEBHOOK_SECRET=... php -d ffi.enable=1 -S 127.0.0.1:8000 index.php
declare(strict_types=1);

require __DIR__ . '/hooksig.php';

if ($_SERVER['REQUEST_METHOD'] !== 'POST') {
    http_response_code(405);
    exit;
}

$verifier = new Hooksig\Verifier('quiltt', (string) getenv('QUILTT_WEBHOOK_SECRET'), 300);
// Quiltt's parent-type semantics: 'connection.synced.successful' also routes
// every 'connection.synced.successful.*' event.
$routes = new Hooksig\EventMatcher(['connection.synced.successful', 'account.verified'], true);
$headers = getallheaders();
$payload = file_get_contents('php://input');
try {
    $verifier->verify($headers, $payload);
} catch (Hooksig\VerificationError $e) {
    error_log("rejected webhook ({$e->hooksigCode}): " . $verifier->diagnose($headers, $payload));
    http_response_code(401);
    echo $e->hooksigCode;
    exit;
}

$webhook = json_decode($payload, true);
foreach ($webhook['events'] as $event) {
    match ($routes->matching($event['type'])[0] ?? null) {
        0 => error_log("Connection with ID {$event['record']['id']} has synced successfully!"),
        1 => error_log("Account with ID {$event['record']['id']} is ready for payment processing!"),
        default => error_log("Unhandled event {$event['type']}"),
    };
}
http_response_code(204);
