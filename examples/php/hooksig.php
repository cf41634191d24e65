<?php
// PHP access to the hooksig C library through PHP's FFI extension: a
// Verifier that checks a webhook's headers and raw body.
//
//   $verifier = new Hooksig\Verifier('quiltt', getenv('QUILTT_WEBHOOK_SECRET'));
//   $verifier->verify(getallheaders(), file_get_contents('php://input'));
//
// The declarations come from the installed hooksig.h, so they never drift
// from the library. The library is found through HOOKSIG_PREFIX, else
// `pkg-config --variable=prefix hooksig`, else /usr/local. FFI must be enabled
// for the SAPI (`php -d ffi.enable=1 -S ...`; in production, preload it).
declare(strict_types=1);

namespace Hooksig;

/** A configuration problem (bad secret, unknown scheme) or a bad call. */
class HooksigError extends \RuntimeException
{
    /** @param string $hooksigCode the stable code, e.g. "invalid_secret", as in every hooksig binding */
    public function __construct(public readonly string $hooksigCode, string $message)
    {
        parent::__construct($message);
    }
}

/** A request that fails verification: answer it with 401. */
class VerificationError extends HooksigError
{
}

/** What a successful verification found. */
final class Verified
{
    public function __construct(
        public readonly int $keyIndex,
        public readonly ?int $timestamp,
        public readonly ?string $webhookId,
    ) {
    }
}

final class Native
{
    public const NOW = PHP_INT_MIN; // HOOKSIG_NOW
    private static ?\FFI $ffi = null;

    public static function ffi(): \FFI
    {
        if (self::$ffi === null) {
            $prefix = getenv('HOOKSIG_PREFIX') ?: trim((string) @shell_exec('pkg-config --variable=prefix hooksig 2>/dev/null')) ?: '/usr/local';
            $header = (string) file_get_contents("$prefix/include/hooksig.h");
            // FFI::cdef takes declarations only: drop the C++ guard and every directive.
            $header = preg_replace('/^#ifdef __cplusplus$.*?^#endif.*?$/ms', '', $header);
            $header = preg_replace('/^\s*#.*$/m', '', $header);
            self::$ffi = \FFI::cdef($header, "$prefix/lib/libhooksig.so");
        }
        return self::$ffi;
    }

    /** A NUL-terminated copy of $text, owned by PHP (freed with the returned CData). */
    public static function cString(string $text): \FFI\CData
    {
        $buffer = self::ffi()->new('char[' . (strlen($text) + 1) . ']');
        \FFI::memcpy($buffer, $text, strlen($text));
        return $buffer;
    }

    /**
     * A `const char *[]` of NUL-terminated copies of $strings.
     *
     * @return array{\FFI\CData, \FFI\CData[]} the array and the copies it points into
     */
    public static function stringArray(array $strings): array
    {
        $copies = array_map([self::class, 'cString'], array_values($strings));
        $array = self::ffi()->new('const char *[' . max(count($copies), 1) . ']');
        foreach ($copies as $i => $copy) {
            $array[$i] = \FFI::cast('const char *', \FFI::addr($copy[0]));
        }
        return [$array, $copies];
    }

    /** Throws the error a failed call left in $error, if any. */
    public static function check(int $status, \FFI\CData $error): void
    {
        if ($status === 0) {
            return;
        }
        $ffi = self::ffi();
        $code = $ffi->hooksig_error_code($error);
        $message = $ffi->hooksig_error_message($error);
        $verification = $ffi->hooksig_error_is_verification_error($error);
        $ffi->hooksig_error_free($error);
        throw $verification ? new VerificationError($code, $message) : new HooksigError($code, $message);
    }
}

/**
 * Verifies webhooks of one scheme ("quiltt", "standard", "stripe", ... or a
 * custom-scheme JSON string) against one or more secrets (newest first).
 */
final class Verifier
{
    private \FFI\CData $handle;

    /** @param string|string[] $secrets */
    public function __construct(string $scheme, string|array $secrets, int $tolerance = 300)
    {
        $ffi = Native::ffi();
        $secrets = (array) $secrets;
        [$array, $copies] = Native::stringArray($secrets);
        $out = $ffi->new('hooksig_verifier *');
        $error = $ffi->new('hooksig_error *');
        Native::check(
            $ffi->hooksig_verifier_new($scheme, $array, count($secrets), $tolerance, \FFI::addr($out), \FFI::addr($error)),
            $error,
        );
        $this->handle = $out;
    }

    public function __destruct()
    {
        Native::ffi()->hooksig_verifier_free($this->handle);
    }

    /**
     * Checks $headers (name => value or list of values, as getallheaders()
     * returns) and the raw $body. Returns a Verified or throws VerificationError.
     * $now (Unix seconds) replaces the clock in tests.
     */
    public function verify(array $headers, string $body, ?int $now = null): Verified
    {
        $ffi = Native::ffi();
        [$array, $count, $keep] = self::headerArray($headers);
        $result = $ffi->new('hooksig_verified *');
        $error = $ffi->new('hooksig_error *');
        Native::check(
            $ffi->hooksig_verify($this->handle, $array, $count, $body, strlen($body), $now ?? Native::NOW, \FFI::addr($result), \FFI::addr($error)),
            $error,
        );
        $timestamp = $ffi->new('int64_t');
        $hasTimestamp = $ffi->hooksig_verified_timestamp($result, \FFI::addr($timestamp));
        $verified = new Verified(
            $ffi->hooksig_verified_key_index($result),
            $hasTimestamp ? $timestamp->cdata : null,
            $ffi->hooksig_verified_webhook_id($result),
        );
        $ffi->hooksig_verified_free($result);
        return $verified;
    }

    /** Why the request fails to verify, as one sentence for a log; null when it verifies. */
    public function diagnose(array $headers, string $body, ?int $now = null): ?string
    {
        $ffi = Native::ffi();
        [$array, $count, $keep] = self::headerArray($headers);
        $explanation = $ffi->new('char *');
        $error = $ffi->new('hooksig_error *');
        Native::check(
            $ffi->hooksig_diagnose($this->handle, $array, $count, $body, strlen($body), $now ?? Native::NOW, \FFI::addr($explanation), \FFI::addr($error)),
            $error,
        );
        if (\FFI::isNull($explanation)) {
            return null;
        }
        $sentence = \FFI::string($explanation);
        $ffi->hooksig_string_free($explanation);
        return $sentence;
    }

    /** @return array{\FFI\CData, int, \FFI\CData[]} the array, its length, and the buffers it points into */
    private static function headerArray(array $headers): array
    {
        $pairs = [];
        foreach ($headers as $name => $values) {
            foreach ((array) $values as $value) {
                $pairs[] = [(string) $name, (string) $value];
            }
        }
        $array = Native::ffi()->new('hooksig_header[' . max(count($pairs), 1) . ']');
        $keep = [];
        foreach ($pairs as $i => [$name, $value]) {
            $keep[] = $nameBuffer = Native::cString($name);
            $keep[] = $valueBuffer = Native::cString($value);
            $array[$i]->name = \FFI::cast('const char *', \FFI::addr($nameBuffer[0]));
            $array[$i]->name_len = strlen($name);
            $array[$i]->value = \FFI::cast('const char *', \FFI::addr($valueBuffer[0]));
            $array[$i]->value_len = strlen($value);
        }
        return [$array, count($pairs), $keep];
    }
}

/**
 * Event-type subscriptions, compiled once: `*` alone matches everything,
 * `card*` / `card.*` are globs, and with $scope a plain pattern (Quiltt's
 * parent types) also matches every type below it.
 */
final class EventMatcher
{
    private \FFI\CData $handle;
    private int $size;

    /** @param string[] $patterns */
    public function __construct(array $patterns, bool $scope = false)
    {
        $ffi = Native::ffi();
        $this->size = count($patterns);
        [$array, $copies] = Native::stringArray($patterns);
        $out = $ffi->new('hooksig_matcher *');
        $error = $ffi->new('hooksig_error *');
        Native::check($ffi->hooksig_matcher_new($array, $this->size, $scope, \FFI::addr($out), \FFI::addr($error)), $error);
        $this->handle = $out;
    }

    public function __destruct()
    {
        Native::ffi()->hooksig_matcher_free($this->handle);
    }

    /** @return int[] the indexes of the patterns $eventType matches, ascending */
    public function matching(string $eventType): array
    {
        $ffi = Native::ffi();
        $indexes = $ffi->new('size_t[' . max($this->size, 1) . ']');
        $count = $ffi->new('size_t');
        $error = $ffi->new('hooksig_error *');
        Native::check(
            $ffi->hooksig_matcher_matching($this->handle, $eventType, $indexes, $this->size, \FFI::addr($count), \FFI::addr($error)),
            $error,
        );
        $found = [];
        for ($i = 0; $i < min($count->cdata, $this->size); $i++) {
            $found[] = $indexes[$i];
        }
        return $found;
    }

    public function matches(string $eventType): bool
    {
        return $this->matching($eventType) !== [];
    }
}
