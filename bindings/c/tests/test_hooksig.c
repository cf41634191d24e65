/*
 * Tests of the installed C library: every case of tests/vectors/{verify,sign,match,decrypt}.json,
 * a table of bad inputs (NULLs, zero and impossible lengths, invalid UTF-8),
 * one verifier shared by several threads, and the replay guard over a memory
 * store, a store of C callbacks and a real Redis server the test starts on a
 * free loopback port (redis-server, or $HOOKSIG_REDIS_SERVER) and stops.
 *
 * Usage: test_hooksig VECTORS_DIR. Prints one line per failure and closes with
 * "hooksig-c: N passed, N failed"; exits 1 when anything failed. Built with
 * -std=c11 -Wall -Wextra -Werror -pedantic and run plain, under valgrind and
 * with ASan + UBSan by `make check` (bindings/c/test.sh).
 */
#define _POSIX_C_SOURCE 200809L /* fork, kill, sockets: the Redis server */
#include <hooksig.h>

#include <arpa/inet.h>
#include <cJSON.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <threads.h>
#include <time.h>
#include <unistd.h>

static int passed;
static int failed;

static void check(int ok, const char *name, const char *format, ...) {
    if (ok) {
        passed++;
        return;
    }
    failed++;
    va_list args;
    va_start(args, format);
    printf("FAIL %s: ", name);
    vprintf(format, args);
    printf("\n");
    va_end(args);
}

static char *read_file(const char *dir, const char *file) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "cannot open %s\n", path);
        exit(2);
    }
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *text = malloc((size_t)size + 1);
    if (!text || fread(text, 1, (size_t)size, f) != (size_t)size) {
        fprintf(stderr, "cannot read %s\n", path);
        exit(2);
    }
    text[size] = '\0';
    fclose(f);
    return text;
}

static int base64_value(char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+' || c == '-') return 62;
    if (c == '/' || c == '_') return 63;
    return -1;
}

/* Standard or URL-safe base64, padding optional; the vectors' binary bodies. */
static unsigned char *base64_decode(const char *text, size_t *len) {
    unsigned char *out = malloc(strlen(text) / 4 * 3 + 3);
    unsigned bits = 0;
    int nbits = 0;
    *len = 0;
    for (const char *p = text; *p && *p != '='; p++) {
        int value = base64_value(*p);
        if (value < 0) continue;
        bits = (bits << 6) | (unsigned)value;
        nbits += 6;
        if (nbits >= 8) {
            nbits -= 8;
            out[(*len)++] = (unsigned char)((bits >> nbits) & 0xff);
        }
    }
    return out;
}

static const char *string_field(const cJSON *object, const char *key) {
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(object, key);
    return cJSON_IsString(item) ? item->valuestring : NULL;
}

/* The case's body as bytes (malloc'd): "body" text or "body_base64". */
static unsigned char *case_body(const cJSON *c, size_t *len) {
    const char *text = string_field(c, "body");
    if (text) {
        *len = strlen(text);
        unsigned char *body = malloc(*len + 1);
        memcpy(body, text, *len + 1);
        return body;
    }
    return base64_decode(string_field(c, "body_base64"), len);
}

/* A built-in name as is, a custom scheme object as JSON text (malloc'd). */
static char *case_scheme(const cJSON *c) {
    const cJSON *scheme = cJSON_GetObjectItemCaseSensitive(c, "scheme");
    if (cJSON_IsString(scheme)) {
        char *name = malloc(strlen(scheme->valuestring) + 1);
        strcpy(name, scheme->valuestring);
        return name;
    }
    return cJSON_PrintUnformatted(scheme);
}

/* The bytes a case's header text stands for, as the text bindings take it
 * (hooksig::wire_bytes): Latin-1 when every character fits in one byte, else
 * the UTF-8 itself. Rewrites `text` in place (Latin-1 is never longer) and
 * returns its length; the vectors' JSON strings are valid UTF-8. */
static size_t wire_bytes(char *text) {
    unsigned char *s = (unsigned char *)text;
    size_t len = strlen(text);
    for (size_t i = 0; i < len; i++) {
        if (s[i] < 0x80) continue;
        if (s[i] != 0xC2 && s[i] != 0xC3) return len; /* a character above U+00FF */
        i++;                                          /* its one continuation byte */
    }
    size_t out = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == 0xC2 || s[i] == 0xC3) {
            s[out++] = (unsigned char)(((s[i] & 0x03) << 6) | (s[i + 1] & 0x3F));
            i++;
        } else {
            s[out++] = s[i];
        }
    }
    return out;
}

static hooksig_header *case_headers(const cJSON *c, size_t *n) {
    const cJSON *pairs = cJSON_GetObjectItemCaseSensitive(c, "headers");
    *n = (size_t)cJSON_GetArraySize(pairs);
    hooksig_header *headers = calloc(*n + 1, sizeof *headers);
    size_t i = 0;
    const cJSON *pair;
    cJSON_ArrayForEach(pair, pairs) {
        char *name = cJSON_GetArrayItem(pair, 0)->valuestring;
        char *value = cJSON_GetArrayItem(pair, 1)->valuestring;
        size_t name_len = wire_bytes(name);
        size_t value_len = wire_bytes(value);
        headers[i++] = (hooksig_header){name, name_len, value, value_len};
    }
    return headers;
}

/* A valid case verified through a fresh memory store claims the key the
 * vector names (the same in every binding), and its copy is then refused. */
static void check_replay_key(const char *name, const cJSON *expect, const hooksig_verifier *verifier,
                             const hooksig_header *headers, size_t n_headers, const void *body, size_t body_len,
                             int64_t now) {
    const char *want = string_field(expect, "replay_key");
    hooksig_replay_store *store = NULL;
    hooksig_verified *once = NULL;
    hooksig_error *error = NULL;
    hooksig_status status = hooksig_replay_store_memory(0, 0, &store, NULL);
    if (status == HOOKSIG_OK)
        status = hooksig_verify_once(verifier, store, headers, n_headers, body, body_len, now, &once, &error);
    const char *got = hooksig_verified_replay_key(once);
    check(status == HOOKSIG_OK && want && got && strcmp(got, want) == 0, name, "replay_key %s, expected %s (%s)",
          got ? got : "(null)", want ? want : "(none in the vector)", hooksig_error_message(error));
    hooksig_error_free(error);
    hooksig_verified *copy = NULL;
    check(hooksig_verify_once(verifier, store, headers, n_headers, body, body_len, now, &copy, NULL) ==
                  HOOKSIG_REPLAYED &&
              copy == NULL,
          name, "a copy through the same store is replayed");
    hooksig_verified_free(once);
    hooksig_replay_store_free(store);
}

static void run_verify_case(const cJSON *c) {
    const char *name = string_field(c, "name");
    const cJSON *expect = cJSON_GetObjectItemCaseSensitive(c, "expect");
    int expect_ok = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(expect, "ok"));
    const char *expect_code = string_field(expect, "code");

    char *scheme = case_scheme(c);
    const cJSON *secret_items = cJSON_GetObjectItemCaseSensitive(c, "secrets");
    size_t n_secrets = (size_t)cJSON_GetArraySize(secret_items);
    const char **secrets = calloc(n_secrets + 1, sizeof *secrets);
    for (size_t i = 0; i < n_secrets; i++) secrets[i] = cJSON_GetArrayItem(secret_items, (int)i)->valuestring;
    const cJSON *tolerance_item = cJSON_GetObjectItemCaseSensitive(c, "tolerance");
    uint64_t tolerance = cJSON_IsNumber(tolerance_item) ? (uint64_t)tolerance_item->valuedouble : HOOKSIG_DEFAULT_TOLERANCE;
    size_t n_headers;
    hooksig_header *headers = case_headers(c, &n_headers);
    size_t body_len;
    unsigned char *body = case_body(c, &body_len);
    int64_t now = (int64_t)cJSON_GetObjectItemCaseSensitive(c, "now")->valuedouble;

    hooksig_verifier *verifier = NULL;
    hooksig_error *error = NULL;
    hooksig_status status = hooksig_verifier_new(scheme, secrets, n_secrets, tolerance, &verifier, &error);
    if (status != HOOKSIG_OK) {
        check(!expect_ok && strcmp(hooksig_error_code(error), expect_code) == 0, name,
              "construction failed with %s (%s), expected %s", hooksig_error_code(error),
              hooksig_error_message(error), expect_ok ? "success" : expect_code);
        check(verifier == NULL && hooksig_error_status(error) == status && strlen(hooksig_error_message(error)) > 0,
              name, "a failed construction leaves no verifier and a complete error");
    } else {
        hooksig_verified *verified = NULL;
        status = hooksig_verify(verifier, headers, n_headers, body, body_len, now, &verified, &error);
        if (expect_ok) {
            check(status == HOOKSIG_OK, name, "expected success, got %s (%s)", hooksig_status_code((int)status),
                  hooksig_error_message(error));
            if (status == HOOKSIG_OK) {
                size_t key_index = (size_t)cJSON_GetObjectItemCaseSensitive(expect, "key_index")->valuedouble;
                check(hooksig_verified_key_index(verified) == key_index, name, "key_index %zu, expected %zu",
                      hooksig_verified_key_index(verified), key_index);
                const cJSON *ts = cJSON_GetObjectItemCaseSensitive(expect, "timestamp");
                int64_t timestamp = 0;
                int has_timestamp = hooksig_verified_timestamp(verified, &timestamp);
                check(cJSON_IsNull(ts) ? !has_timestamp : has_timestamp && timestamp == (int64_t)ts->valuedouble,
                      name, "timestamp %lld (present: %d)", (long long)timestamp, has_timestamp);
                const char *id = string_field(expect, "webhook_id");
                const char *got = hooksig_verified_webhook_id(verified);
                check(id ? got && strcmp(id, got) == 0 : got == NULL, name, "webhook_id %s, expected %s",
                      got ? got : "(null)", id ? id : "(null)");
                int id_signed = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(expect, "id_signed"));
                check(hooksig_verified_id_signed(verified) == id_signed, name, "id_signed %d, expected %d",
                      hooksig_verified_id_signed(verified), id_signed);
                check(hooksig_verified_replay_key(verified) == NULL, name, "a plain verify claims no replay key");
                check_replay_key(name, expect, verifier, headers, n_headers, body, body_len, now);
            }
        } else {
            check(status != HOOKSIG_OK && strcmp(hooksig_status_code((int)status), expect_code) == 0 &&
                      strcmp(hooksig_error_code(error), expect_code) == 0,
                  name, "got %s, expected %s", hooksig_status_code((int)status), expect_code);
            check(verified == NULL && error && hooksig_error_is_verification_error(error) &&
                      strlen(hooksig_error_message(error)) > 0,
                  name, "a rejected request gives no result and a verification error with a message");
        }
        hooksig_verified_free(verified);

        char *explanation = NULL;
        hooksig_error *diagnose_error = NULL;
        status = hooksig_diagnose(verifier, headers, n_headers, body, body_len, now, &explanation, &diagnose_error);
        check(status == HOOKSIG_OK && (expect_ok ? explanation == NULL : explanation != NULL), name,
              "diagnose explains exactly the failing requests");
        hooksig_string_free(explanation);
        hooksig_error_free(diagnose_error);
    }
    hooksig_error_free(error);
    hooksig_verifier_free(verifier);
    free(body);
    free(headers);
    free(secrets);
    cJSON_free(scheme);
}

static void run_sign_case(const cJSON *c) {
    const char *name = string_field(c, "name");
    const cJSON *expect = cJSON_GetObjectItemCaseSensitive(c, "expect");
    const cJSON *expect_headers = cJSON_GetObjectItemCaseSensitive(expect, "headers");
    const cJSON *timestamp = cJSON_GetObjectItemCaseSensitive(c, "timestamp");
    hooksig_sign_options options = {
        cJSON_IsNumber(timestamp) ? (int64_t)timestamp->valuedouble : HOOKSIG_NOW,
        string_field(c, "webhook_id"),
        string_field(c, "event_type"),
    };
    char *scheme = case_scheme(c);
    size_t body_len;
    unsigned char *body = case_body(c, &body_len);
    hooksig_headers *signed_headers = NULL;
    hooksig_error *error = NULL;
    hooksig_status status =
        hooksig_sign(scheme, string_field(c, "secret"), body, body_len, &options, &signed_headers, &error);

    if (!expect_headers) {
        const char *code = string_field(expect, "code");
        check(status != HOOKSIG_OK && strcmp(hooksig_error_code(error), code) == 0 && signed_headers == NULL, name,
              "got %s, expected %s", hooksig_status_code((int)status), code);
    } else if (status != HOOKSIG_OK) {
        check(0, name, "sign failed with %s (%s)", hooksig_error_code(error), hooksig_error_message(error));
    } else {
        size_t n = hooksig_headers_len(signed_headers);
        const hooksig_header *items = hooksig_headers_items(signed_headers);
        check(n == (size_t)cJSON_GetArraySize(expect_headers), name, "%zu headers, expected %d", n,
              cJSON_GetArraySize(expect_headers));
        for (size_t i = 0; i < n && i < (size_t)cJSON_GetArraySize(expect_headers); i++) {
            const cJSON *pair = cJSON_GetArrayItem(expect_headers, (int)i);
            const char *want_name = cJSON_GetArrayItem(pair, 0)->valuestring;
            const char *want_value = cJSON_GetArrayItem(pair, 1)->valuestring;
            check(items[i].name_len == strlen(want_name) && strcmp(items[i].name, want_name) == 0 &&
                      items[i].value_len == strlen(want_value) && strcmp(items[i].value, want_value) == 0,
                  name, "header %zu is %s: %s, expected %s: %s", i, items[i].name, items[i].value, want_name,
                  want_value);
        }
    }
    hooksig_headers_free(signed_headers);
    hooksig_error_free(error);
    free(body);
    cJSON_free(scheme);
}

static void run_match_case(const cJSON *c) {
    const char *name = string_field(c, "name");
    const cJSON *expect = cJSON_GetObjectItemCaseSensitive(c, "expect");
    const cJSON *pattern_items = cJSON_GetObjectItemCaseSensitive(c, "patterns");
    size_t n = (size_t)cJSON_GetArraySize(pattern_items);
    const char **patterns = calloc(n + 1, sizeof *patterns);
    for (size_t i = 0; i < n; i++) patterns[i] = cJSON_GetArrayItem(pattern_items, (int)i)->valuestring;
    hooksig_matcher *matcher = NULL;
    hooksig_error *error = NULL;
    hooksig_status status = hooksig_matcher_new(patterns, n, cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(c, "scope")),
                                                &matcher, &error);
    if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(expect, "ok"))) {
        const char *code = string_field(expect, "code");
        check(status != HOOKSIG_OK && strcmp(hooksig_error_code(error), code) == 0, name, "got %s, expected %s",
              hooksig_status_code((int)status), code);
    } else if (status != HOOKSIG_OK) {
        check(0, name, "matcher failed: %s", hooksig_error_message(error));
    } else {
        size_t *indexes = calloc(n + 1, sizeof *indexes);
        const cJSON *lookup;
        cJSON_ArrayForEach(lookup, cJSON_GetObjectItemCaseSensitive(expect, "lookups")) {
            const char *type = string_field(lookup, "type");
            const cJSON *want = cJSON_GetObjectItemCaseSensitive(lookup, "matching");
            size_t count = 0;
            bool matched = false;
            int same = hooksig_matcher_matching(matcher, type, indexes, n, &count, NULL) == HOOKSIG_OK &&
                       count == (size_t)cJSON_GetArraySize(want);
            for (size_t i = 0; same && i < count; i++)
                same = indexes[i] == (size_t)cJSON_GetArrayItem(want, (int)i)->valuedouble;
            check(same, name, "matching(\"%s\"): %zu patterns", type, count);
            check(hooksig_matcher_matches(matcher, type, &matched, NULL) == HOOKSIG_OK && matched == (count > 0), name,
                  "matches(\"%s\") agrees with matching", type);
        }
        free(indexes);
        const char *catalog = string_field(c, "catalog");
        if (catalog) {
            const cJSON *want = cJSON_GetObjectItemCaseSensitive(expect, "unknown");
            hooksig_unknown_patterns *unknown = NULL;
            status = hooksig_matcher_unknown_patterns(matcher, catalog, &unknown, NULL);
            size_t count = hooksig_unknown_patterns_len(unknown);
            const hooksig_unknown_pattern *items = hooksig_unknown_patterns_items(unknown);
            int same = status == HOOKSIG_OK && count == (size_t)cJSON_GetArraySize(want);
            for (size_t i = 0; same && i < count; i++) {
                const cJSON *w = cJSON_GetArrayItem(want, (int)i);
                const char *suggestion = string_field(w, "suggestion");
                same = items[i].index == (size_t)cJSON_GetObjectItemCaseSensitive(w, "index")->valuedouble &&
                       strcmp(items[i].pattern, string_field(w, "pattern")) == 0 &&
                       (suggestion ? items[i].suggestion && strcmp(items[i].suggestion, suggestion) == 0
                                   : items[i].suggestion == NULL);
            }
            check(same, name, "unknown patterns of the %s catalogue: %zu", catalog, count);
            hooksig_unknown_patterns_free(unknown);
        }
    }
    hooksig_error_free(error);
    hooksig_matcher_free(matcher);
    free(patterns);
}

static void run_decrypt_case(const cJSON *c) {
    const char *name = string_field(c, "name");
    const cJSON *expect = cJSON_GetObjectItemCaseSensitive(c, "expect");
    const char *data = string_field(c, "data");
    hooksig_bytes *plaintext = NULL;
    hooksig_error *error = NULL;
    hooksig_status status = hooksig_tratta_decrypt(string_field(c, "secret"), data, strlen(data), &plaintext, &error);
    if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(expect, "ok"))) {
        const char *code = string_field(expect, "code");
        check(status != HOOKSIG_OK && strcmp(hooksig_error_code(error), code) == 0 && plaintext == NULL, name,
              "got %s, expected %s", hooksig_status_code((int)status), code);
    } else {
        const char *text = string_field(expect, "plaintext");
        size_t len = 0;
        unsigned char *want = text ? (unsigned char *)text : base64_decode(string_field(expect, "plaintext_base64"), &len);
        if (text) len = strlen(text);
        check(status == HOOKSIG_OK && hooksig_bytes_len(plaintext) == len &&
                  memcmp(hooksig_bytes_data(plaintext), want, len) == 0 && hooksig_bytes_data(plaintext)[len] == 0,
              name, "decrypted %zu bytes (%s), expected %zu", hooksig_bytes_len(plaintext),
              hooksig_error_message(error), len);
        if (!text) free(want);
    }
    hooksig_bytes_free(plaintext);
    hooksig_error_free(error);
}

static void run_vector_file(const char *dir, const char *file, void (*run)(const cJSON *)) {
    char *text = read_file(dir, file);
    cJSON *root = cJSON_Parse(text);
    if (!root) {
        fprintf(stderr, "%s/%s is not valid JSON\n", dir, file);
        exit(2);
    }
    int before = passed + failed;
    const cJSON *c;
    cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(root, "cases")) run(c);
    check(passed + failed > before, file, "has no cases");
    cJSON_Delete(root);
    free(text);
}

/* ---- bad input ------------------------------------------------------------------ */

static const char BODY[] = "{\"events\":[{\"type\":\"account.verified\"}]}";
static const int64_t SIGNED_AT = 1700000000;
static hooksig_verifier *quiltt;      /* secrets: "quiltt-secret" */
static hooksig_headers *quiltt_signed; /* BODY signed at SIGNED_AT */

static hooksig_status verify_body(const void *body, size_t len) {
    return hooksig_verify(quiltt, hooksig_headers_items(quiltt_signed), hooksig_headers_len(quiltt_signed),
                          body, len, SIGNED_AT, NULL, NULL);
}

static hooksig_status verify_with(const hooksig_header *headers, size_t n) {
    return hooksig_verify(quiltt, headers, n, BODY, strlen(BODY), SIGNED_AT, NULL, NULL);
}

static hooksig_status new_verifier(const char *scheme, const char *const *secrets, size_t n) {
    hooksig_verifier *verifier = NULL;
    hooksig_error *error = NULL;
    hooksig_status status = hooksig_verifier_new(scheme, secrets, n, 300, &verifier, &error);
    /* Whatever the outcome, the out-parameters are consistent with it. */
    if ((status == HOOKSIG_OK) != (verifier != NULL) || (status == HOOKSIG_OK) != (error == NULL) ||
        (error && hooksig_error_status(error) != status))
        status = HOOKSIG_INTERNAL_ERROR;
    hooksig_verifier_free(verifier);
    hooksig_error_free(error);
    return status;
}

static const char *const ONE_SECRET[] = {"quiltt-secret"};
static const char *const NULL_SECRET[] = {NULL};
static const char *const NOT_UTF8_SECRET[] = {"secret-\xff\xfe"};
static const char NOT_UTF8_SCHEME[] = "quil\xc3\x28tt";

static hooksig_status null_scheme(void) { return new_verifier(NULL, ONE_SECRET, 1); }
static hooksig_status null_secrets(void) { return new_verifier("quiltt", NULL, 1); }
static hooksig_status null_secrets_none(void) { return new_verifier("quiltt", NULL, 0); }
static hooksig_status null_secret_entry(void) { return new_verifier("quiltt", NULL_SECRET, 1); }
static hooksig_status no_secrets(void) { return new_verifier("quiltt", ONE_SECRET, 0); }
static hooksig_status huge_secret_count(void) { return new_verifier("quiltt", ONE_SECRET, SIZE_MAX); }
static hooksig_status secret_not_utf8(void) { return new_verifier("quiltt", NOT_UTF8_SECRET, 1); }
static hooksig_status scheme_not_utf8(void) { return new_verifier(NOT_UTF8_SCHEME, ONE_SECRET, 1); }
static hooksig_status scheme_unknown(void) { return new_verifier("acme", ONE_SECRET, 1); }
static hooksig_status scheme_empty(void) { return new_verifier("", ONE_SECRET, 1); }
static hooksig_status scheme_bad_json(void) { return new_verifier("{\"signature_header\":", ONE_SECRET, 1); }
static hooksig_status null_verifier_out(void) {
    return hooksig_verifier_new("quiltt", ONE_SECRET, 1, 300, NULL, NULL);
}

static hooksig_status verify_null_verifier(void) {
    return hooksig_verify(NULL, hooksig_headers_items(quiltt_signed), hooksig_headers_len(quiltt_signed),
                          BODY, strlen(BODY), SIGNED_AT, NULL, NULL);
}
static hooksig_status verify_signed(void) { return verify_body(BODY, strlen(BODY)); }
static hooksig_status verify_null_body(void) { return verify_body(NULL, 5); }
static hooksig_status verify_null_empty_body(void) { return verify_body(NULL, 0); }
static hooksig_status verify_empty_body(void) { return verify_body(BODY, 0); }
static hooksig_status verify_huge_body(void) { return verify_body(BODY, SIZE_MAX); }
static hooksig_status verify_body_over_ptrdiff(void) { return verify_body(BODY, (size_t)PTRDIFF_MAX + 1); }
static hooksig_status verify_not_utf8_body(void) { return verify_body("\xff\xfe\xfd", 3); }
static hooksig_status verify_null_headers(void) { return verify_with(NULL, 2); }
static hooksig_status verify_no_headers(void) { return verify_with(NULL, 0); }
static hooksig_status verify_huge_header_count(void) {
    return verify_with(hooksig_headers_items(quiltt_signed), SIZE_MAX / 2);
}
static hooksig_status verify_null_header_name(void) {
    hooksig_header headers[] = {{NULL, 16, "1700000000", 10}};
    return verify_with(headers, 1);
}
static hooksig_status verify_null_header_value(void) {
    hooksig_header headers[] = {{"Quiltt-Timestamp", 16, NULL, 10}};
    return verify_with(headers, 1);
}
static hooksig_status verify_huge_header_value(void) {
    hooksig_header headers[] = {{"Quiltt-Timestamp", 16, "1700000000", SIZE_MAX}};
    return verify_with(headers, 1);
}
static hooksig_status verify_empty_header_name(void) {
    hooksig_header headers[] = {{NULL, 0, NULL, 0}, {"Quiltt-Timestamp", 16, "1700000000", 10}};
    return verify_with(headers, 2);
}
static hooksig_status verify_not_utf8_header_value(void) {
    hooksig_header headers[] = {{"Quiltt-Timestamp", 16, "1700000000", 10}, {"Quiltt-Signature", 16, "\xff\xfe==", 4}};
    return verify_with(headers, 2);
}
static hooksig_status verify_nul_in_header_value(void) {
    hooksig_header headers[] = {{"Quiltt-Timestamp", 16, "17000\0" "0000", 10}, {"Quiltt-Signature", 16, "abc=", 4}};
    return verify_with(headers, 2);
}
static hooksig_status verify_duplicate_timestamp(void) {
    const hooksig_header *signed_items = hooksig_headers_items(quiltt_signed);
    hooksig_header headers[] = {signed_items[0], signed_items[1], {"quiltt-timestamp", 16, "1700000001", 10}};
    return verify_with(headers, 3);
}
/* More headers than hooksig converts on the stack: the heap path. */
static hooksig_status verify_many_headers(int null_name_at) {
    enum { N = 40 };
    hooksig_header headers[N];
    for (int i = 0; i < N - 2; i++) headers[i] = (hooksig_header){"X-Filler", 8, "value", 5};
    headers[N - 2] = hooksig_headers_items(quiltt_signed)[0];
    headers[N - 1] = hooksig_headers_items(quiltt_signed)[1];
    if (null_name_at >= 0) headers[null_name_at].name = NULL;
    return verify_with(headers, N);
}
static hooksig_status verify_forty_headers(void) { return verify_many_headers(-1); }
static hooksig_status verify_forty_headers_null_name(void) { return verify_many_headers(35); }
static hooksig_status verify_unchecked_clock(void) {
    /* HOOKSIG_NOW reads the real clock, years after SIGNED_AT. */
    return hooksig_verify(quiltt, hooksig_headers_items(quiltt_signed), hooksig_headers_len(quiltt_signed),
                          BODY, strlen(BODY), HOOKSIG_NOW, NULL, NULL);
}
static hooksig_status verify_min_plus_one_clock(void) {
    return hooksig_verify(quiltt, hooksig_headers_items(quiltt_signed), hooksig_headers_len(quiltt_signed),
                          BODY, strlen(BODY), INT64_MIN + 1, NULL, NULL);
}
static hooksig_status verify_max_clock(void) {
    return hooksig_verify(quiltt, hooksig_headers_items(quiltt_signed), hooksig_headers_len(quiltt_signed),
                          BODY, strlen(BODY), INT64_MAX, NULL, NULL);
}

static hooksig_status diagnose_null_out(void) {
    return hooksig_diagnose(quiltt, NULL, 0, NULL, 0, SIGNED_AT, NULL, NULL);
}
static hooksig_status diagnose_null_verifier(void) {
    char *explanation = NULL;
    hooksig_status status = hooksig_diagnose(NULL, NULL, 0, NULL, 0, SIGNED_AT, &explanation, NULL);
    return explanation == NULL ? status : HOOKSIG_INTERNAL_ERROR;
}
static hooksig_status diagnose_huge_body(void) {
    char *explanation = NULL;
    hooksig_status status = hooksig_diagnose(quiltt, NULL, 0, BODY, SIZE_MAX, SIGNED_AT,
                                             &explanation, NULL);
    return explanation == NULL ? status : HOOKSIG_INTERNAL_ERROR;
}

static hooksig_status sign(const char *scheme, const char *secret, const void *body, size_t len,
                           const hooksig_sign_options *options) {
    hooksig_headers *headers = NULL;
    hooksig_error *error = NULL;
    hooksig_status status = hooksig_sign(scheme, secret, body, len, options, &headers, &error);
    if ((status == HOOKSIG_OK) != (headers != NULL) || (status == HOOKSIG_OK) != (error == NULL))
        status = HOOKSIG_INTERNAL_ERROR;
    hooksig_headers_free(headers);
    hooksig_error_free(error);
    return status;
}
static hooksig_status sign_null_scheme(void) { return sign(NULL, "s", BODY, 3, NULL); }
static hooksig_status sign_null_secret(void) { return sign("github", NULL, BODY, 3, NULL); }
static hooksig_status sign_empty_secret(void) { return sign("github", "", BODY, 3, NULL); }
static hooksig_status sign_secret_not_utf8(void) { return sign("github", "\xc0\xaf", BODY, 3, NULL); }
static hooksig_status sign_null_body(void) { return sign("github", "s", NULL, 3, NULL); }
static hooksig_status sign_null_empty_body(void) { return sign("github", "s", NULL, 0, NULL); }
static hooksig_status sign_huge_body(void) { return sign("github", "s", BODY, SIZE_MAX, NULL); }
static hooksig_status sign_id_not_utf8(void) {
    hooksig_sign_options options = {HOOKSIG_NOW, "msg_\xff", NULL};
    return sign("standard", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", BODY, 3, &options);
}
static hooksig_status sign_event_not_utf8(void) {
    hooksig_sign_options options = {1700000000, NULL, "card.\xfe"};
    return sign("github", "s", BODY, 3, &options);
}
static hooksig_status sign_null_out(void) { return hooksig_sign("github", "s", BODY, 3, NULL, NULL, NULL); }

static const struct {
    const char *name;
    hooksig_status (*call)(void);
    hooksig_status expect;
} BAD_INPUT[] = {
    {"verifier_new: NULL scheme", null_scheme, HOOKSIG_INVALID_ARGUMENT},
    {"verifier_new: NULL secrets, count 1", null_secrets, HOOKSIG_INVALID_ARGUMENT},
    {"verifier_new: NULL secrets, count 0", null_secrets_none, HOOKSIG_INVALID_SECRET},
    {"verifier_new: a NULL secret", null_secret_entry, HOOKSIG_INVALID_ARGUMENT},
    {"verifier_new: zero secrets", no_secrets, HOOKSIG_INVALID_SECRET},
    {"verifier_new: SIZE_MAX secrets", huge_secret_count, HOOKSIG_INVALID_ARGUMENT},
    {"verifier_new: secret not UTF-8", secret_not_utf8, HOOKSIG_INVALID_SECRET},
    {"verifier_new: scheme not UTF-8", scheme_not_utf8, HOOKSIG_INVALID_SCHEME},
    {"verifier_new: unknown scheme", scheme_unknown, HOOKSIG_INVALID_SCHEME},
    {"verifier_new: empty scheme", scheme_empty, HOOKSIG_INVALID_SCHEME},
    {"verifier_new: truncated custom JSON", scheme_bad_json, HOOKSIG_INVALID_SCHEME},
    {"verifier_new: NULL out-parameter", null_verifier_out, HOOKSIG_INVALID_ARGUMENT},
    {"verify: the signed request", verify_signed, HOOKSIG_OK},
    {"verify: NULL verifier", verify_null_verifier, HOOKSIG_INVALID_ARGUMENT},
    {"verify: NULL body, length 5", verify_null_body, HOOKSIG_INVALID_ARGUMENT},
    {"verify: NULL body, length 0", verify_null_empty_body, HOOKSIG_SIGNATURE_MISMATCH},
    {"verify: empty body", verify_empty_body, HOOKSIG_SIGNATURE_MISMATCH},
    {"verify: body length SIZE_MAX", verify_huge_body, HOOKSIG_INVALID_ARGUMENT},
    {"verify: body length PTRDIFF_MAX + 1", verify_body_over_ptrdiff, HOOKSIG_INVALID_ARGUMENT},
    {"verify: body not UTF-8", verify_not_utf8_body, HOOKSIG_SIGNATURE_MISMATCH},
    {"verify: NULL headers, count 2", verify_null_headers, HOOKSIG_INVALID_ARGUMENT},
    {"verify: no headers", verify_no_headers, HOOKSIG_MISSING_HEADER},
    {"verify: SIZE_MAX / 2 headers", verify_huge_header_count, HOOKSIG_INVALID_ARGUMENT},
    {"verify: NULL header name", verify_null_header_name, HOOKSIG_INVALID_ARGUMENT},
    {"verify: NULL header value", verify_null_header_value, HOOKSIG_INVALID_ARGUMENT},
    {"verify: header value length SIZE_MAX", verify_huge_header_value, HOOKSIG_INVALID_ARGUMENT},
    {"verify: empty NULL header", verify_empty_header_name, HOOKSIG_MISSING_HEADER},
    {"verify: signature not UTF-8", verify_not_utf8_header_value, HOOKSIG_MALFORMED_HEADER},
    {"verify: NUL inside a header value", verify_nul_in_header_value, HOOKSIG_MALFORMED_HEADER},
    {"verify: timestamp twice, different values", verify_duplicate_timestamp, HOOKSIG_MALFORMED_HEADER},
    {"verify: 40 headers", verify_forty_headers, HOOKSIG_OK},
    {"verify: 40 headers, a NULL name among them", verify_forty_headers_null_name, HOOKSIG_INVALID_ARGUMENT},
    {"verify: HOOKSIG_NOW is the system clock", verify_unchecked_clock, HOOKSIG_TIMESTAMP_TOO_OLD},
    {"verify: now = INT64_MIN + 1", verify_min_plus_one_clock, HOOKSIG_TIMESTAMP_IN_FUTURE},
    {"verify: now = INT64_MAX", verify_max_clock, HOOKSIG_TIMESTAMP_TOO_OLD},
    {"diagnose: NULL out-parameter", diagnose_null_out, HOOKSIG_INVALID_ARGUMENT},
    {"diagnose: NULL verifier", diagnose_null_verifier, HOOKSIG_INVALID_ARGUMENT},
    {"diagnose: body length SIZE_MAX", diagnose_huge_body, HOOKSIG_INVALID_ARGUMENT},
    {"sign: NULL scheme", sign_null_scheme, HOOKSIG_INVALID_ARGUMENT},
    {"sign: NULL secret", sign_null_secret, HOOKSIG_INVALID_ARGUMENT},
    {"sign: empty secret", sign_empty_secret, HOOKSIG_INVALID_SECRET},
    {"sign: secret not UTF-8", sign_secret_not_utf8, HOOKSIG_INVALID_SECRET},
    {"sign: NULL body, length 3", sign_null_body, HOOKSIG_INVALID_ARGUMENT},
    {"sign: NULL body, length 0", sign_null_empty_body, HOOKSIG_OK},
    {"sign: body length SIZE_MAX", sign_huge_body, HOOKSIG_INVALID_ARGUMENT},
    {"sign: webhook id not UTF-8", sign_id_not_utf8, HOOKSIG_INVALID_ARGUMENT},
    {"sign: event type not UTF-8", sign_event_not_utf8, HOOKSIG_INVALID_ARGUMENT},
    {"sign: NULL out-parameter", sign_null_out, HOOKSIG_INVALID_ARGUMENT},
};

static void run_bad_input(void) {
    hooksig_sign_options at = {SIGNED_AT, NULL, NULL};
    if (hooksig_verifier_new("quiltt", ONE_SECRET, 1, 300, &quiltt, NULL) != HOOKSIG_OK ||
        hooksig_sign("quiltt", ONE_SECRET[0], BODY, strlen(BODY), &at, &quiltt_signed, NULL) !=
            HOOKSIG_OK) {
        fprintf(stderr, "cannot set up the bad-input table\n");
        exit(2);
    }
    for (size_t i = 0; i < sizeof BAD_INPUT / sizeof BAD_INPUT[0]; i++) {
        hooksig_status status = BAD_INPUT[i].call();
        check(status == BAD_INPUT[i].expect, BAD_INPUT[i].name, "got %s, expected %s",
              hooksig_status_code((int)status), hooksig_status_code((int)BAD_INPUT[i].expect));
    }

    /* Accessors and frees accept NULL. */
    check(strcmp(hooksig_error_code(NULL), "invalid_argument") == 0 && strcmp(hooksig_error_message(NULL), "") == 0 &&
              hooksig_error_status(NULL) == HOOKSIG_INVALID_ARGUMENT && !hooksig_error_is_verification_error(NULL),
          "error accessors", "NULL error");
    int64_t untouched = 42;
    check(hooksig_verified_key_index(NULL) == 0 && !hooksig_verified_timestamp(NULL, &untouched) && untouched == 42 &&
              hooksig_verified_webhook_id(NULL) == NULL && !hooksig_verified_id_signed(NULL),
          "verified accessors", "NULL result");
    check(hooksig_headers_len(NULL) == 0 && hooksig_headers_items(NULL) == NULL, "headers accessors", "NULL list");
    hooksig_error_free(NULL);
    hooksig_verified_free(NULL);
    hooksig_headers_free(NULL);
    hooksig_verifier_free(NULL);
    hooksig_string_free(NULL);

    /* A result whose timestamp out-parameter is NULL. */
    hooksig_verified *verified = NULL;
    hooksig_verify(quiltt, hooksig_headers_items(quiltt_signed), hooksig_headers_len(quiltt_signed),
                   BODY, strlen(BODY), SIGNED_AT, &verified, NULL);
    check(verified && !hooksig_verified_timestamp(verified, NULL), "verified timestamp", "NULL out-parameter");
    hooksig_verified_free(verified);

    /* Status codes and the version. */
    check(strcmp(hooksig_status_code(HOOKSIG_SIGNATURE_MISMATCH), "signature_mismatch") == 0 &&
              strcmp(hooksig_status_code(HOOKSIG_OK), "ok") == 0 &&
              strcmp(hooksig_status_code(-1), "unknown") == 0 && strcmp(hooksig_status_code(14), "unknown") == 0 &&
              strcmp(hooksig_status_code(HOOKSIG_REPLAYED), "replayed") == 0,
          "status codes", "names of statuses, known and unknown");
    check(strlen(hooksig_version()) >= 5, "version", "'%s' is not a version", hooksig_version());

    /* An error message names the problem but never the secret or the signature. */
    hooksig_error *error = NULL;
    hooksig_verifier *other = NULL;
    const char *secrets[] = {"other-secret-value"};
    hooksig_verifier_new("quiltt", secrets, 1, 300, &other, NULL);
    const hooksig_header *items = hooksig_headers_items(quiltt_signed);
    hooksig_verify(other, items, hooksig_headers_len(quiltt_signed), BODY, strlen(BODY), SIGNED_AT,
                   NULL, &error);
    const char *message = hooksig_error_message(error);
    check(strstr(message, "Quiltt-Signature") && !strstr(message, "other-secret-value") &&
              !strstr(message, items[1].value),
          "error message", "'%s' should name the header and nothing secret", message);
    hooksig_error_free(error);
    hooksig_verifier_free(other);
}

/* ---- event types, matcher, Tratta payloads ----------------------------------------- */

static hooksig_status matcher_with(const char *const *patterns, size_t n) {
    hooksig_matcher *matcher = NULL;
    hooksig_error *error = NULL;
    hooksig_status status = hooksig_matcher_new(patterns, n, true, &matcher, &error);
    if ((status == HOOKSIG_OK) != (matcher != NULL) || (status == HOOKSIG_OK) != (error == NULL))
        status = HOOKSIG_INTERNAL_ERROR;
    hooksig_matcher_free(matcher);
    hooksig_error_free(error);
    return status;
}

static void run_routing_and_decryption(void) {
    /* Matching. */
    const char *patterns[] = {"connection", "card*", "account.verified"};
    hooksig_matcher *matcher = NULL;
    check(hooksig_matcher_new(patterns, 3, true, &matcher, NULL) == HOOKSIG_OK, "matcher", "compiles");
    bool matched = false;
    size_t indexes[3] = {9, 9, 9}, count = 9;
    check(hooksig_matcher_matches(matcher, "connection.synced.successful", &matched, NULL) == HOOKSIG_OK && matched,
          "matcher", "scope: a parent type matches its children");
    check(hooksig_matcher_matches(matcher, "connections.synced", &matched, NULL) == HOOKSIG_OK && !matched, "matcher",
          "scope stops at segment boundaries");
    check(hooksig_matcher_matches(matcher, "conn\xff", &matched, NULL) == HOOKSIG_OK && !matched, "matcher",
          "a type that is not UTF-8 matches nothing");
    check(hooksig_matcher_matching(matcher, "cardholder.updated", indexes, 3, &count, NULL) == HOOKSIG_OK &&
              count == 1 && indexes[0] == 1,
          "matcher", "card* matches cardholder.updated: count %zu, first %zu", count, indexes[0]);
    check(hooksig_matcher_matching(matcher, "account.verified", NULL, 0, &count, NULL) == HOOKSIG_OK && count == 1,
          "matcher", "counting without an array");
    check(hooksig_matcher_matching(matcher, "account.verified", NULL, 1, &count, NULL) == HOOKSIG_INVALID_ARGUMENT,
          "matcher", "a NULL array with a capacity");
    check(hooksig_matcher_matches(matcher, "x", NULL, NULL) == HOOKSIG_INVALID_ARGUMENT &&
              hooksig_matcher_matches(NULL, "x", &matched, NULL) == HOOKSIG_INVALID_ARGUMENT &&
              hooksig_matcher_matches(matcher, NULL, &matched, NULL) == HOOKSIG_INVALID_ARGUMENT &&
              hooksig_matcher_matching(matcher, "x", indexes, 3, NULL, NULL) == HOOKSIG_INVALID_ARGUMENT &&
              hooksig_matcher_matching(matcher, "x", indexes, SIZE_MAX, &count, NULL) == HOOKSIG_INVALID_ARGUMENT,
          "matcher", "NULL and impossible arguments");
    hooksig_unknown_patterns *unknown = NULL;
    check(hooksig_matcher_unknown_patterns(matcher, "acme", &unknown, NULL) == HOOKSIG_INVALID_SCHEME && unknown == NULL &&
              hooksig_matcher_unknown_patterns(NULL, "quiltt", &unknown, NULL) == HOOKSIG_INVALID_ARGUMENT &&
              hooksig_matcher_unknown_patterns(matcher, NULL, &unknown, NULL) == HOOKSIG_INVALID_ARGUMENT &&
              hooksig_matcher_unknown_patterns(matcher, "quiltt", NULL, NULL) == HOOKSIG_INVALID_ARGUMENT &&
              hooksig_unknown_patterns_len(NULL) == 0 && hooksig_unknown_patterns_items(NULL) == NULL,
          "unknown patterns", "bad arguments");
    hooksig_unknown_patterns_free(NULL);
    hooksig_matcher_free(matcher);
    const char *bad_pattern[] = {"Card Created!"};
    const char *not_utf8_pattern[] = {"card.\xc3"};
    const char *null_pattern[] = {NULL};
    check(matcher_with(bad_pattern, 1) == HOOKSIG_INVALID_PATTERN && matcher_with(not_utf8_pattern, 1) == HOOKSIG_INVALID_PATTERN &&
              matcher_with(null_pattern, 1) == HOOKSIG_INVALID_ARGUMENT && matcher_with(NULL, 2) == HOOKSIG_INVALID_ARGUMENT &&
              matcher_with(NULL, 0) == HOOKSIG_OK && hooksig_matcher_new(patterns, 3, false, NULL, NULL) == HOOKSIG_INVALID_ARGUMENT,
          "matcher", "bad patterns and arguments");

    /* Event types. */
    static const char QUILTT_BODY[] =
        "{\"events\":[{\"type\":\"profile.created\"},{\"type\":\"account.verified\"}]}";
    hooksig_strings *types = NULL;
    check(hooksig_event_types("quiltt", NULL, 0, QUILTT_BODY, strlen(QUILTT_BODY), &types, NULL) == HOOKSIG_OK &&
              hooksig_strings_len(types) == 2 && strcmp(hooksig_strings_get(types, 1), "account.verified") == 0 &&
              hooksig_strings_get(types, 2) == NULL,
          "event types", "quiltt: one per event, in order");
    hooksig_strings_free(types);
    hooksig_header github[] = {{"X-GitHub-Event", 14, "pull_request", 12}};
    check(hooksig_event_types("github", github, 1, "{\"action\":\"opened\"}", 19, &types, NULL) == HOOKSIG_OK &&
              hooksig_strings_len(types) == 1 && strcmp(hooksig_strings_get(types, 0), "pull_request.opened") == 0,
          "event types", "github: header and action");
    hooksig_strings_free(types);
    check(hooksig_event_types("quiltt", NULL, 0, "not json", 8, &types, NULL) == HOOKSIG_INVALID_BODY && types == NULL &&
              hooksig_event_types("github", NULL, 0, "{}", 2, &types, NULL) == HOOKSIG_MISSING_HEADER &&
              hooksig_event_types("acme", NULL, 0, "{}", 2, &types, NULL) == HOOKSIG_INVALID_SCHEME &&
              hooksig_event_types("quiltt", NULL, 0, NULL, 2, &types, NULL) == HOOKSIG_INVALID_ARGUMENT &&
              hooksig_event_types("quiltt", NULL, 0, "{}", 2, NULL, NULL) == HOOKSIG_INVALID_ARGUMENT,
          "event types", "bad requests and arguments");
    check(hooksig_strings_len(NULL) == 0 && hooksig_strings_get(NULL, 0) == NULL, "strings accessors", "NULL list");
    hooksig_strings_free(NULL);

    /* Tratta payloads. */
    static const char PLAINTEXT[] = "{\"amount\":1200,\"card\":\"4111\"}";
    const char *secret = "tratta-secret-0123456789";
    char *data = NULL;
    hooksig_bytes *plain = NULL;
    hooksig_error *error = NULL;
    check(hooksig_tratta_encrypt(secret, PLAINTEXT, strlen(PLAINTEXT), &data, NULL) == HOOKSIG_OK && data, "tratta",
          "encrypts");
    check(hooksig_tratta_decrypt(secret, data, strlen(data), &plain, NULL) == HOOKSIG_OK &&
              hooksig_bytes_len(plain) == strlen(PLAINTEXT) && strcmp((const char *)hooksig_bytes_data(plain), PLAINTEXT) == 0,
          "tratta", "decrypts what it encrypted, NUL-terminated");
    hooksig_bytes_free(plain);
    check(hooksig_tratta_decrypt("another-secret-entirely", data, strlen(data), &plain, &error) == HOOKSIG_DECRYPTION_FAILED &&
              plain == NULL && hooksig_error_is_verification_error(error),
          "tratta", "another secret fails");
    hooksig_error_free(error);
    check(hooksig_tratta_decrypt(secret, "bm90IGVub3VnaA==", 16, &plain, NULL) == HOOKSIG_DECRYPTION_FAILED &&
              hooksig_tratta_decrypt(secret, "\xff\xfe", 2, &plain, NULL) == HOOKSIG_DECRYPTION_FAILED &&
              hooksig_tratta_decrypt(secret, NULL, 0, &plain, NULL) == HOOKSIG_DECRYPTION_FAILED &&
              hooksig_tratta_decrypt(secret, NULL, 4, &plain, NULL) == HOOKSIG_INVALID_ARGUMENT &&
              hooksig_tratta_decrypt(NULL, data, strlen(data), &plain, NULL) == HOOKSIG_INVALID_ARGUMENT &&
              hooksig_tratta_decrypt(secret, data, SIZE_MAX, &plain, NULL) == HOOKSIG_INVALID_ARGUMENT &&
              hooksig_tratta_decrypt(secret, data, strlen(data), NULL, NULL) == HOOKSIG_INVALID_ARGUMENT &&
              hooksig_tratta_encrypt(secret, PLAINTEXT, 4, NULL, NULL) == HOOKSIG_INVALID_ARGUMENT,
          "tratta", "bad payloads and arguments");
    check(hooksig_bytes_len(NULL) == 0 && hooksig_bytes_data(NULL) == NULL, "bytes accessors", "NULL bytes");
    hooksig_bytes_free(NULL);
    hooksig_string_free(data);
}

/* ---- one verifier, several threads ---------------------------------------------- */

enum { THREADS = 4, VERIFIES_PER_THREAD = 200 };

static int verify_many(void *unused) {
    (void)unused;
    int ok = 0;
    for (int i = 0; i < VERIFIES_PER_THREAD; i++) ok += verify_signed() == HOOKSIG_OK;
    return ok;
}

static void run_threads(void) {
    thrd_t threads[THREADS];
    int total = 0;
    for (int i = 0; i < THREADS; i++) thrd_create(&threads[i], verify_many, NULL);
    for (int i = 0; i < THREADS; i++) {
        int ok = 0;
        thrd_join(threads[i], &ok);
        total += ok;
    }
    check(total == THREADS * VERIFIES_PER_THREAD, "threads", "%d of %d verified", total,
          THREADS * VERIFIES_PER_THREAD);
}

/* ---- the replay guard ----------------------------------------------------------- */

static hooksig_verifier *github; /* secrets: "github-secret" */

static hooksig_headers *github_signed(const char *body) {
    hooksig_headers *headers = NULL;
    if (hooksig_sign("github", "github-secret", body, strlen(body), NULL, &headers, NULL) != HOOKSIG_OK) {
        fprintf(stderr, "cannot sign\n");
        exit(2);
    }
    return headers;
}

static hooksig_status once(const hooksig_replay_store *store, const hooksig_headers *headers, const char *body,
                           hooksig_verified **result, hooksig_error **error) {
    return hooksig_verify_once(github, store, hooksig_headers_items(headers), hooksig_headers_len(headers), body,
                               strlen(body), HOOKSIG_NOW, result, error);
}

/* A copy is refused with `replayed` and a message saying why (and no secret). */
static void check_replayed(const char *name, const hooksig_replay_store *store, const hooksig_headers *headers,
                           const char *body, const char *why) {
    hooksig_verified *copy = NULL;
    hooksig_error *error = NULL;
    hooksig_status status = once(store, headers, body, &copy, &error);
    const char *message = hooksig_error_message(error);
    check(status == HOOKSIG_REPLAYED && copy == NULL && strcmp(hooksig_error_code(error), "replayed") == 0 &&
              strstr(message, why) && !strstr(message, "github-secret"),
          name, "a copy: %s (%s), expected replayed, \"%s\"", hooksig_status_code((int)status), message, why);
    hooksig_error_free(error);
}

/* Claim, refuse the copy in flight, release, let the retry through, complete,
 * refuse every later copy: the cycle every store must follow. */
static void check_claim_cycle(const char *name, const hooksig_replay_store *store, const char *body) {
    hooksig_headers *headers = github_signed(body);
    hooksig_verified *first = NULL;
    hooksig_error *error = NULL;
    hooksig_status status = once(store, headers, body, &first, &error);
    const char *key = hooksig_verified_replay_key(first);
    check(status == HOOKSIG_OK && key && strncmp(key, "hooksig:replay:", 15) == 0 && strlen(key) == 15 + 64, name,
          "first copy: %s (%s), key %s", hooksig_status_code((int)status), hooksig_error_message(error),
          key ? key : "(null)");
    hooksig_error_free(error);
    check_replayed(name, store, headers, body, "being handled");
    check(hooksig_replay_release(store, first, NULL) == HOOKSIG_OK, name, "release");
    hooksig_verified_free(first);

    hooksig_verified *retry = NULL;
    check(once(store, headers, body, &retry, NULL) == HOOKSIG_OK && retry, name, "the retry after a release");
    check(hooksig_replay_complete(store, retry, NULL) == HOOKSIG_OK, name, "complete");
    hooksig_verified_free(retry);
    check_replayed(name, store, headers, body, "handled before");

    /* A tampered copy fails verification before the store is asked. */
    hooksig_verified *tampered = NULL;
    check(once(store, headers, "{\"tampered\":1}", &tampered, NULL) == HOOKSIG_SIGNATURE_MISMATCH && !tampered, name,
          "a tampered copy is a signature mismatch, not replayed");
    hooksig_headers_free(headers);
}

enum { COPIES = 16 };

struct copy_run {
    const hooksig_replay_store *store;
    const hooksig_headers *headers;
    const char *body;
    atomic_int *gate;
    hooksig_status status;
};

static int verify_copy(void *arg) {
    struct copy_run *run = arg;
    /* All threads wait at the gate, so the claims race rather than queue. */
    while (!atomic_load(run->gate)) thrd_yield();
    hooksig_verified *verified = NULL;
    run->status = once(run->store, run->headers, run->body, &verified, NULL);
    hooksig_verified_free(verified);
    return 0;
}

/* COPIES threads verify the same delivery at once: exactly one is handled,
 * every other copy is replayed (none fails for another reason). */
static void check_concurrent_copies(const char *name, const hooksig_replay_store *store, const char *body) {
    hooksig_headers *headers = github_signed(body);
    atomic_int gate = 0;
    struct copy_run runs[COPIES];
    thrd_t threads[COPIES];
    for (int i = 0; i < COPIES; i++) {
        runs[i] = (struct copy_run){store, headers, body, &gate, HOOKSIG_INTERNAL_ERROR};
        thrd_create(&threads[i], verify_copy, &runs[i]);
    }
    atomic_store(&gate, 1);
    int handled = 0, replayed = 0;
    for (int i = 0; i < COPIES; i++) {
        thrd_join(threads[i], NULL);
        handled += runs[i].status == HOOKSIG_OK;
        replayed += runs[i].status == HOOKSIG_REPLAYED;
    }
    check(handled == 1 && replayed == COPIES - 1, name, "%d concurrent copies: %d handled, %d replayed", COPIES,
          handled, replayed);
    hooksig_headers_free(headers);
}

/* A store of C callbacks: a small table behind a lock, which can be told to fail. */
enum { TABLE = 64 };
struct table {
    mtx_t lock;
    char keys[TABLE][96];
    int states[TABLE];
    size_t n;
    int down;         /* every callback returns 1 */
    uint64_t last_ttl; /* the ttl_ms of the last claim */
};

static int table_find(struct table *t, const char *key) {
    for (size_t i = 0; i < t->n; i++)
        if (strcmp(t->keys[i], key) == 0) return (int)i;
    return -1;
}

static int table_set(struct table *t, const char *key, int state) {
    int i = table_find(t, key);
    if (i < 0) {
        if (t->n == TABLE || strlen(key) >= sizeof t->keys[0]) return 2;
        i = (int)t->n++;
        strcpy(t->keys[i], key);
    }
    t->states[i] = state;
    return 0;
}

static int table_claim(void *ctx, const char *key, uint64_t ttl_ms, int *outcome) {
    struct table *t = ctx;
    mtx_lock(&t->lock);
    int rc = t->down;
    if (!rc) {
        t->last_ttl = ttl_ms;
        int i = table_find(t, key);
        if (i >= 0) {
            *outcome = t->states[i];
        } else {
            rc = table_set(t, key, HOOKSIG_REPLAY_IN_PROGRESS);
            *outcome = HOOKSIG_REPLAY_CLAIMED;
        }
    }
    mtx_unlock(&t->lock);
    return rc;
}

static int table_complete(void *ctx, const char *key, uint64_t ttl_ms) {
    struct table *t = ctx;
    (void)ttl_ms;
    mtx_lock(&t->lock);
    int rc = t->down ? t->down : table_set(t, key, HOOKSIG_REPLAY_COMPLETED);
    mtx_unlock(&t->lock);
    return rc;
}

static int table_release(void *ctx, const char *key) {
    struct table *t = ctx;
    mtx_lock(&t->lock);
    int rc = t->down;
    int i = rc ? -1 : table_find(t, key);
    if (i >= 0) {
        t->n--;
        memcpy(t->keys[i], t->keys[t->n], sizeof t->keys[0]);
        t->states[i] = t->states[t->n];
    }
    mtx_unlock(&t->lock);
    return rc;
}

/* A claim callback that answers 0 but forgets to report an outcome. */
static int silent_claim(void *ctx, const char *key, uint64_t ttl_ms, int *outcome) {
    (void)ctx, (void)key, (void)ttl_ms, (void)outcome;
    return 0;
}

/* The replay runs below reset `error` after each free: C leaves the order in
 * which a call's arguments are evaluated open, so a check's message argument
 * may read `error` before the condition's call has set it. */
static void run_custom_store(void) {
    struct table table = {0};
    mtx_init(&table.lock, mtx_plain);
    hooksig_replay_store_callbacks callbacks = {&table, table_claim, table_complete, table_release};
    hooksig_replay_store *store = NULL;
    check(hooksig_replay_store_custom(&callbacks, 60, &store, NULL) == HOOKSIG_OK && store, "custom store",
          "created");
    check_claim_cycle("custom store", store, "{\"n\":1}");
    check(table.last_ttl == 60000, "custom store", "ttl_ms %llu for a scheme without timestamps, expected the "
          "retention (60 s)", (unsigned long long)table.last_ttl);
    check_concurrent_copies("custom store", store, "{\"n\":2}");

    /* Down: refused with 503's code, never accepted; fail-open accepts unguarded. */
    table.down = 1;
    hooksig_headers *headers = github_signed("{\"n\":3}");
    hooksig_verified *verified = NULL;
    hooksig_error *error = NULL;
    check(once(store, headers, "{\"n\":3}", &verified, &error) == HOOKSIG_REPLAY_STORE_UNAVAILABLE && !verified &&
              strstr(hooksig_error_message(error), "claim callback returned 1"),
          "custom store", "down: %s", hooksig_error_message(error));
    hooksig_error_free(error);
    error = NULL;
    check(hooksig_replay_store_set_fail_open(store, true, NULL) == HOOKSIG_OK &&
              once(store, headers, "{\"n\":3}", &verified, NULL) == HOOKSIG_OK && verified &&
              hooksig_verified_replay_key(verified) == NULL && hooksig_replay_complete(store, verified, NULL) == HOOKSIG_OK &&
              hooksig_replay_release(store, verified, NULL) == HOOKSIG_OK,
          "custom store", "fail-open: accepted unguarded, no key");
    hooksig_verified_free(verified);
    hooksig_replay_store_free(store);

    /* An outcome that is not a hooksig_replay_claim is the store failing, not a claim. */
    hooksig_replay_store_callbacks silent = {&table, silent_claim, table_complete, table_release};
    table.down = 0;
    check(hooksig_replay_store_custom(&silent, 0, &store, NULL) == HOOKSIG_OK &&
              once(store, headers, "{\"n\":3}", &verified, &error) == HOOKSIG_REPLAY_STORE_UNAVAILABLE &&
              strstr(hooksig_error_message(error), "outcome -1"),
          "custom store", "no outcome reported: %s", hooksig_error_message(error));
    hooksig_error_free(error);
    error = NULL;
    hooksig_replay_store_free(store);

    hooksig_replay_store_callbacks incomplete = {&table, table_claim, NULL, table_release};
    store = (hooksig_replay_store *)&table; /* must be reset to NULL */
    check(hooksig_replay_store_custom(&incomplete, 0, &store, &error) == HOOKSIG_INVALID_ARGUMENT && !store &&
              strstr(hooksig_error_message(error), "callbacks->complete is NULL") &&
              hooksig_replay_store_custom(NULL, 0, &store, NULL) == HOOKSIG_INVALID_ARGUMENT &&
              hooksig_replay_store_custom(&callbacks, 0, NULL, NULL) == HOOKSIG_INVALID_ARGUMENT,
          "custom store", "missing callbacks and out-parameter");
    hooksig_error_free(error);
    hooksig_headers_free(headers);
    mtx_destroy(&table.lock);
}

static void run_memory_store(void) {
    hooksig_replay_store *store = NULL;
    check(hooksig_replay_store_memory(0, 0, &store, NULL) == HOOKSIG_OK && store, "memory store", "created");
    check_claim_cycle("memory store", store, "{\"m\":1}");
    check_concurrent_copies("memory store", store, "{\"m\":2}");

    /* A plain verify claims nothing: its result has no key and nothing to complete. */
    hooksig_headers *headers = github_signed("{\"m\":3}");
    hooksig_verified *plain = NULL;
    check(hooksig_verify(github, hooksig_headers_items(headers), hooksig_headers_len(headers), "{\"m\":3}", 7,
                         HOOKSIG_NOW, &plain, NULL) == HOOKSIG_OK &&
              hooksig_verified_replay_key(plain) == NULL && hooksig_replay_complete(store, plain, NULL) == HOOKSIG_OK &&
              hooksig_replay_release(store, plain, NULL) == HOOKSIG_OK,
          "memory store", "a plain verify's result");
    hooksig_verified_free(plain);

    /* Bad arguments: reported, nothing claimed. */
    hooksig_verified *verified = (hooksig_verified *)store; /* must be reset to NULL */
    const hooksig_header *items = hooksig_headers_items(headers);
    size_t n = hooksig_headers_len(headers);
    check(hooksig_verify_once(github, NULL, items, n, "{\"m\":3}", 7, HOOKSIG_NOW, &verified, NULL) ==
                  HOOKSIG_INVALID_ARGUMENT && !verified &&
              hooksig_verify_once(NULL, store, items, n, "{\"m\":3}", 7, HOOKSIG_NOW, &verified, NULL) ==
                  HOOKSIG_INVALID_ARGUMENT &&
              hooksig_verify_once(github, store, items, n, "{\"m\":3}", 7, HOOKSIG_NOW, NULL, NULL) ==
                  HOOKSIG_INVALID_ARGUMENT &&
              hooksig_verify_once(github, store, items, n, NULL, 7, HOOKSIG_NOW, &verified, NULL) ==
                  HOOKSIG_INVALID_ARGUMENT &&
              hooksig_replay_complete(NULL, plain, NULL) == HOOKSIG_INVALID_ARGUMENT &&
              hooksig_replay_complete(store, NULL, NULL) == HOOKSIG_INVALID_ARGUMENT &&
              hooksig_replay_release(store, NULL, NULL) == HOOKSIG_INVALID_ARGUMENT &&
              hooksig_replay_store_memory(0, 0, NULL, NULL) == HOOKSIG_INVALID_ARGUMENT &&
              hooksig_replay_store_set_fail_open(NULL, true, NULL) == HOOKSIG_INVALID_ARGUMENT &&
              hooksig_verified_replay_key(NULL) == NULL,
          "replay arguments", "NULLs are invalid arguments");
    check(once(store, headers, "{\"m\":3}", &verified, NULL) == HOOKSIG_OK, "replay arguments",
          "a call refused for its arguments claimed nothing");
    hooksig_verified_free(verified);
    hooksig_replay_store_free(NULL);
    hooksig_headers_free(headers);
    hooksig_replay_store_free(store);

    /* Bounded: with room for 3, the oldest of 5 deliveries is forgotten, the newest is not. */
    check(hooksig_replay_store_memory(3, 0, &store, NULL) == HOOKSIG_OK, "memory store bound", "created");
    const char *bodies[] = {"{\"e\":0}", "{\"e\":1}", "{\"e\":2}", "{\"e\":3}", "{\"e\":4}"};
    hooksig_headers *signed_bodies[5];
    int handled = 0;
    for (int i = 0; i < 5; i++) {
        signed_bodies[i] = github_signed(bodies[i]);
        hooksig_verified *v = NULL;
        handled += once(store, signed_bodies[i], bodies[i], &v, NULL) == HOOKSIG_OK &&
                   hooksig_replay_complete(store, v, NULL) == HOOKSIG_OK;
        hooksig_verified_free(v);
    }
    check(handled == 5, "memory store bound", "%d of 5 distinct deliveries handled", handled);
    check_replayed("memory store bound", store, signed_bodies[4], bodies[4], "handled before");
    check(once(store, signed_bodies[0], bodies[0], &verified, NULL) == HOOKSIG_OK, "memory store bound",
          "the oldest delivery was evicted to keep 3 entries");
    hooksig_verified_free(verified);
    for (int i = 0; i < 5; i++) hooksig_headers_free(signed_bodies[i]);
    hooksig_replay_store_free(store);
}

/* A redis-server of our own on a free loopback port, killed with this process. */
static pid_t redis_pid;

static int free_port(void) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof address;
    if (fd < 0 || bind(fd, (struct sockaddr *)&address, sizeof address) != 0 ||
        getsockname(fd, (struct sockaddr *)&address, &len) != 0) {
        fprintf(stderr, "no free port\n");
        exit(2);
    }
    close(fd);
    return ntohs(address.sin_port);
}

static int accepts(int port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in address = {
        .sin_family = AF_INET, .sin_port = htons((uint16_t)port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    int ok = connect(fd, (struct sockaddr *)&address, sizeof address) == 0;
    close(fd);
    return ok;
}

/* Starts redis-server (or $HOOKSIG_REDIS_SERVER) and writes its URL; 0 if it does not come up. */
static int redis_start(char *url, size_t size) {
    const char *server = getenv("HOOKSIG_REDIS_SERVER");
    if (!server) server = "redis-server";
    int port = free_port();
    char port_text[16];
    snprintf(port_text, sizeof port_text, "%d", port);
    pid_t parent = getpid();
    redis_pid = fork();
    if (redis_pid == 0) {
        /* Dies with the test, even if the test crashes before stopping it. */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent) _exit(1);
        int null = open("/dev/null", O_WRONLY);
        if (null >= 0) dup2(null, STDOUT_FILENO);
        execlp(server, server, "--port", port_text, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
               (char *)NULL);
        _exit(127);
    }
    snprintf(url, size, "redis://127.0.0.1:%d/0", port);
    for (int i = 0; i < 500; i++) { /* up to 10 s */
        if (accepts(port)) return 1;
        if (waitpid(redis_pid, NULL, WNOHANG) == redis_pid) break;
        thrd_sleep(&(struct timespec){.tv_nsec = 20 * 1000 * 1000}, NULL);
    }
    return 0;
}

static void redis_stop(void) {
    kill(redis_pid, SIGTERM);
    waitpid(redis_pid, NULL, 0);
}

static void run_redis_store(void) {
    char url[64];
    hooksig_replay_store *store = NULL;
    hooksig_error *error = NULL;
    if (!redis_start(url, sizeof url)) {
        check(0, "redis store", "redis-server did not start (apt-get install redis-server)");
        redis_stop();
        return;
    }
    check(hooksig_replay_store_redis(url, 0, 0, &store, &error) == HOOKSIG_OK && store, "redis store", "%s: %s", url,
          hooksig_error_message(error));
    hooksig_error_free(error);
    error = NULL;
    check_claim_cycle("redis store", store, "{\"r\":1}");
    check_concurrent_copies("redis store", store, "{\"r\":2}");

    /* A second store on the same server (another process, in production) sees the same claims. */
    hooksig_replay_store *other = NULL;
    hooksig_headers *headers = github_signed("{\"r\":2}");
    hooksig_replay_store_redis(url, 500, 0, &other, NULL);
    check_replayed("redis store", other, headers, "{\"r\":2}", "being handled");
    hooksig_headers_free(headers);

    /* Stopped mid-run: unavailable, never accepted; completing a claim fails too. */
    headers = github_signed("{\"r\":3}");
    hooksig_verified *claimed = NULL;
    check(once(store, headers, "{\"r\":3}", &claimed, NULL) == HOOKSIG_OK, "redis store", "claim before the stop");
    redis_stop();
    hooksig_verified *verified = NULL;
    hooksig_status status = once(store, headers, "{\"r\":4}", &verified, NULL);
    check(status == HOOKSIG_SIGNATURE_MISMATCH, "redis store down", "a bad request is still %s, got %s",
          "signature_mismatch", hooksig_status_code((int)status));
    hooksig_headers *fresh = github_signed("{\"r\":4}");
    status = once(store, fresh, "{\"r\":4}", &verified, &error);
    check(status == HOOKSIG_REPLAY_STORE_UNAVAILABLE && !verified &&
              strcmp(hooksig_error_code(error), "replay_store_unavailable") == 0 &&
              !strstr(hooksig_error_message(error), "github-secret"),
          "redis store down", "verify_once: %s (%s)", hooksig_status_code((int)status), hooksig_error_message(error));
    hooksig_error_free(error);
    error = NULL;
    check(hooksig_replay_complete(store, claimed, NULL) == HOOKSIG_REPLAY_STORE_UNAVAILABLE &&
              hooksig_replay_release(other, claimed, NULL) == HOOKSIG_REPLAY_STORE_UNAVAILABLE,
          "redis store down", "complete and release report the store down");
    hooksig_verified_free(claimed);
    hooksig_headers_free(fresh);
    hooksig_headers_free(headers);
    hooksig_replay_store_free(other);
    hooksig_replay_store_free(store);

    check(hooksig_replay_store_redis("http://example.com", 0, 0, &store, &error) == HOOKSIG_REPLAY_STORE_UNAVAILABLE &&
              !store && strstr(hooksig_error_message(error), "not a Redis URL") &&
              hooksig_replay_store_redis(NULL, 0, 0, &store, NULL) == HOOKSIG_INVALID_ARGUMENT,
          "redis store", "bad URLs: %s", hooksig_error_message(error));
    hooksig_error_free(error);
}

static void run_replay(void) {
    const char *secrets[] = {"github-secret"};
    if (hooksig_verifier_new("github", secrets, 1, HOOKSIG_DEFAULT_TOLERANCE, &github, NULL) != HOOKSIG_OK) {
        fprintf(stderr, "cannot create the github verifier\n");
        exit(2);
    }
    run_memory_store();
    run_custom_store();
    run_redis_store();
    hooksig_verifier_free(github);
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s VECTORS_DIR\n", argv[0]);
        return 2;
    }
    run_vector_file(argv[1], "verify.json", run_verify_case);
    run_vector_file(argv[1], "header_text.json", run_verify_case);
    run_vector_file(argv[1], "sign.json", run_sign_case);
    run_vector_file(argv[1], "match.json", run_match_case);
    run_vector_file(argv[1], "decrypt.json", run_decrypt_case);
    run_bad_input();
    run_routing_and_decryption();
    run_threads();
    run_replay();
    hooksig_headers_free(quiltt_signed);
    hooksig_verifier_free(quiltt);
    printf("hooksig-c: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
