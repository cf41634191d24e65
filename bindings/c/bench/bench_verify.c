/*
 * Times hooksig_verify through the installed C library on the inputs that
 * examples/bench_core.rs times through the Rust core: a Quiltt request with
 * a 256-byte and a 1 MiB body. Prints "c <size> <ns per verify>" per size:
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

int main(void) {
    bench(256, 200, 2000);
    bench(1 << 20, 60, 4);
    return 0;
}
