/*
 * verify_request: verifies one HTTP webhook request read from stdin and
 * answers it on stdout, so the same program checks a saved request
 * (`./verify_request < request.http`) and serves a port inetd-style
 * (`socat TCP-LISTEN:8000,reuseaddr,fork EXEC:./verify_request`).
 *
 * Configuration: WEBHOOK_SCHEME (a hooksig scheme name, default "quiltt")
 * and WEBHOOK_SECRET. Answers 204 to a verified request and 401 with the
 * error code to any other; logs the reason (hooksig_diagnose) on stderr.
 * Exit status: 0 verified, 1 rejected, 2 unusable input or configuration.
 */
#include <hooksig.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_HEADERS = 64, MAX_HEAD = 64 * 1024, MAX_BODY = 16 * 1024 * 1024 };

typedef struct {
    char head[MAX_HEAD];
    hooksig_header headers[MAX_HEADERS];
    size_t n_headers;
    char *body;
    size_t body_len;
} request;

static void respond(int status, const char *reason, const char *text) {
    printf("HTTP/1.1 %d %s\r\nContent-Type: text/plain\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n%s",
           status, reason, strlen(text), text);
    fflush(stdout);
}

static int header_is(const hooksig_header *h, const char *name) {
    size_t len = strlen(name);
    if (h->name_len != len) return 0;
    for (size_t i = 0; i < len; i++)
        if (tolower((unsigned char)h->name[i]) != tolower((unsigned char)name[i])) return 0;
    return 1;
}

/* Reads the head (an optional request line, then "Name: value" lines up
 * to a blank line), then exactly Content-Length bytes of body, or everything
 * up to EOF without one: a client on a socket waits for the answer and never
 * sends EOF. */
static int read_request(request *r) {
    size_t used = 0;
    int first = 1;
    while (used < sizeof r->head - 1 && fgets(r->head + used, (int)(sizeof r->head - used), stdin)) {
        char *line = r->head + used;
        size_t len = strcspn(line, "\r\n");
        if (line[len] == '\0' && !feof(stdin)) return 0; /* longer than the space left */
        line[len] = '\0';
        used += len + 1;
        if (first && strstr(line, " HTTP/")) { /* "POST /path HTTP/1.1" */
            first = 0;
            continue;
        }
        first = 0;
        if (len == 0) break;
        char *colon = strchr(line, ':');
        if (!colon || r->n_headers == MAX_HEADERS) return 0;
        char *value = colon + 1;
        while (*value == ' ' || *value == '\t') value++;
        r->headers[r->n_headers++] = (hooksig_header){line, (size_t)(colon - line), value, strlen(value)};
    }

    long content_length = -1;
    for (size_t i = 0; i < r->n_headers; i++)
        if (header_is(&r->headers[i], "Content-Length")) content_length = strtol(r->headers[i].value, NULL, 10);
    if (content_length > MAX_BODY) return 0;
    size_t capacity = content_length >= 0 ? (size_t)content_length : 4096;
    r->body = malloc(capacity + 1);
    while (r->body && (content_length < 0 || r->body_len < (size_t)content_length)) {
        if (r->body_len == capacity) {
            if (capacity >= MAX_BODY) return 0;
            capacity *= 2;
            char *grown = realloc(r->body, capacity + 1);
            if (!grown) return 0;
            r->body = grown;
        }
        size_t n = fread(r->body + r->body_len, 1, capacity - r->body_len, stdin);
        if (n == 0) break;
        r->body_len += n;
    }
    return r->body && (content_length < 0 || r->body_len == (size_t)content_length);
}

int main(void) {
    const char *scheme = getenv("WEBHOOK_SCHEME") ? getenv("WEBHOOK_SCHEME") : "quiltt";
    const char *secrets[] = {getenv("WEBHOOK_SECRET")};
    if (!secrets[0]) {
        fprintf(stderr, "verify_request: set WEBHOOK_SECRET (and WEBHOOK_SCHEME)\n");
        respond(500, "Internal Server Error", "receiver not configured\n");
        return 2;
    }

    /* One verifier serves every request; a server would keep it for its lifetime. */
    hooksig_verifier *verifier = NULL;
    hooksig_error *error = NULL;
    if (hooksig_verifier_new(scheme, secrets, 1, HOOKSIG_DEFAULT_TOLERANCE, &verifier, &error) != HOOKSIG_OK) {
        fprintf(stderr, "verify_request: %s\n", hooksig_error_message(error));
        hooksig_error_free(error);
        respond(500, "Internal Server Error", "receiver not configured\n");
        return 2;
    }

    static request r;
    int exit_status = 2;
    if (!read_request(&r)) {
        respond(400, "Bad Request", "unreadable request\n");
    } else if (hooksig_verify(verifier, r.headers, r.n_headers, r.body, r.body_len, HOOKSIG_NOW, NULL, &error) ==
               HOOKSIG_OK) {
        fprintf(stderr, "verify_request: verified %zu-byte %s webhook\n", r.body_len, scheme);
        respond(204, "No Content", "");
        exit_status = 0;
    } else {
        char *explanation = NULL;
        hooksig_diagnose(verifier, r.headers, r.n_headers, r.body, r.body_len, HOOKSIG_NOW, &explanation, NULL);
        fprintf(stderr, "verify_request: rejected (%s): %s\n", hooksig_error_code(error),
                explanation ? explanation : hooksig_error_message(error));
        char text[64];
        snprintf(text, sizeof text, "%s\n", hooksig_error_code(error));
        respond(401, "Unauthorized", text);
        hooksig_string_free(explanation);
        hooksig_error_free(error);
        exit_status = 1;
    }
    free(r.body);
    hooksig_verifier_free(verifier);
    return exit_status;
}
