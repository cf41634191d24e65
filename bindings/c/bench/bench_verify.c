/*
 * Times hooksig_verify through the installed C library on the inputs that
 * examples/bench_core.rs times through the Rust core: a Quiltt request with
 * a 256-byte and a 1 MiB body; then the 256-byte request through the replay
 * guard, with a memory store and (given $HOOKSIG_BENCH_REDIS_URL) Redis.
 * Prints "c <size> <ns per verify>" per size:
 * the best of many short rounds, which on a shared machine is the round that
 * ran undisturbed (bench/run.sh computes the ratios).
 */
#define _POSIX_C_SOURCE 199309L /* clock_gettime */
#include <hooksig.h>

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

static void bench(size_t size, int rounds, int iterations) {
    unsigned char *body = malloc(size);
    for (size_t i = 0; i < size; i++) body[i] = (unsigned char)('a' + i % 26);
    const char *secrets[] = {"quiltt-bench-secret"};
    hooksig_sign_options options = {1700000000, NULL, NULL};
    hooksig_headers *headers = NULL;
    hooksig_verifier *verifier = NULL;
    if (hooksig_sign("quiltt", secrets[0], body, size, &options, &headers, NULL) != HOOKSIG_OK ||
        hooksig_verifier_new("quiltt", secrets, 1, HOOKSIG_DEFAULT_TOLERANCE, &verifier, NULL) != HOOKSIG_OK) {
        fprintf(stderr, "bench setup failed\n");
        exit(1);
    }
    const hooksig_header *items = hooksig_headers_items(headers);
    size_t n = hooksig_headers_len(headers);
    double best = 1e300;
    for (int round = 0; round < rounds; round++) {
        double start = now_ns();
        for (int i = 0; i < iterations; i++) {
            if (hooksig_verify(verifier, items, n, body, size, 1700000000, NULL, NULL) != HOOKSIG_OK) {
                fprintf(stderr, "verify failed\n");
                exit(1);
            }
        }
        double per = (now_ns() - start) / iterations;
        if (per < best) best = per;
    }
    printf("c %zu %.1f\n", size, best);
    hooksig_verifier_free(verifier);
    hooksig_headers_free(headers);
    free(body);
}

/* hooksig_verify_once + hooksig_replay_complete on the 256-byte request, each
 * iteration a distinct delivery (a copy would be refused): what a guarded
 * request costs over a plain one. Prints "c-<label> 256 <ns per request>". */
static void bench_once(const char *label, hooksig_replay_store *store, int rounds, int iterations) {
    enum { SIZE = 256 };
    int total = rounds * iterations;
    unsigned char *bodies = malloc((size_t)total * SIZE);
    hooksig_headers **headers = malloc((size_t)total * sizeof *headers);
    const char *secrets[] = {"quiltt-bench-secret"};
    hooksig_sign_options options = {1700000000, NULL, NULL};
    hooksig_verifier *verifier = NULL;
    if (!bodies || !headers ||
        hooksig_verifier_new("quiltt", secrets, 1, HOOKSIG_DEFAULT_TOLERANCE, &verifier, NULL) != HOOKSIG_OK) {
        fprintf(stderr, "bench setup failed\n");
        exit(1);
    }
    for (int d = 0; d < total; d++) {
        unsigned char *body = bodies + (size_t)d * SIZE;
        for (size_t i = 0; i < SIZE; i++) body[i] = (unsigned char)('a' + i % 26);
        snprintf((char *)body, 12, "%011d", d); /* distinct deliveries, distinct signatures */
        if (hooksig_sign("quiltt", secrets[0], body, SIZE, &options, &headers[d], NULL) != HOOKSIG_OK) exit(1);
    }
    double best = 1e300;
    for (int round = 0, d = 0; round < rounds; round++) {
        double start = now_ns();
        for (int i = 0; i < iterations; i++, d++) {
            hooksig_verified *verified = NULL;
            hooksig_error *error = NULL;
            if (hooksig_verify_once(verifier, store, hooksig_headers_items(headers[d]), hooksig_headers_len(headers[d]),
                                    bodies + (size_t)d * SIZE, SIZE, 1700000000, &verified, &error) != HOOKSIG_OK ||
                hooksig_replay_complete(store, verified, &error) != HOOKSIG_OK) {
                fprintf(stderr, "%s: %s\n", label, hooksig_error_message(error));
                exit(1);
            }
            hooksig_verified_free(verified);
        }
        double per = (now_ns() - start) / iterations;
        if (per < best) best = per;
    }
    printf("c-%s %d %.1f\n", label, SIZE, best);
    for (int d = 0; d < total; d++) hooksig_headers_free(headers[d]);
    free(headers);
    free(bodies);
    hooksig_verifier_free(verifier);
}

int main(void) {
    bench(256, 200, 2000);
    bench(1 << 20, 60, 4);
    hooksig_replay_store *store = NULL;
    if (hooksig_replay_store_memory(0, 0, &store, NULL) != HOOKSIG_OK) return 1;
    bench_once("memory", store, 20, 2000);
    hooksig_replay_store_free(store);
    /* bench/run.sh starts a redis-server of its own and passes its URL. */
    const char *url = getenv("HOOKSIG_BENCH_REDIS_URL");
    if (url) {
        if (hooksig_replay_store_redis(url, 0, 0, &store, NULL) != HOOKSIG_OK) return 1;
        bench_once("redis", store, 10, 300);
        hooksig_replay_store_free(store);
    }
    return 0;
}
