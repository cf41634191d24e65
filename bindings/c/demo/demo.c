/*
 * For each built-in scheme: sign a sample event, verify it through the C
 * library, tamper with the body, and print the rejection code and the
 * diagnose sentence. Run by bindings/c/demo.sh.
 */
#include <hooksig.h>

#include <stdio.h>
#include <string.h>

static const char *const SCHEMES[] = {"quiltt", "standard", "bond", "tratta", "stripe", "github", "shopify", "slack"};
static const char SECRET[] = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

int main(void) {
    char body[] = "{\"type\":\"sample.event\",\"data\":{\"id\":\"obj_1\",\"amount\":4200}}";
    const char *secrets[] = {SECRET};
    int failures = 0;
    for (size_t i = 0; i < sizeof SCHEMES / sizeof SCHEMES[0]; i++) {
        const char *scheme = SCHEMES[i];
        hooksig_headers *headers = NULL;
        hooksig_verifier *verifier = NULL;
        hooksig_verified *verified = NULL;
        hooksig_error *error = NULL;
        char *why = NULL;
        if (hooksig_sign(scheme, SECRET, body, strlen(body), NULL, &headers, &error) != HOOKSIG_OK ||
            hooksig_verifier_new(scheme, secrets, 1, HOOKSIG_DEFAULT_TOLERANCE, &verifier, &error) != HOOKSIG_OK) {
            printf("C  %-8s setup failed: %s\n", scheme, hooksig_error_message(error));
            failures++;
        } else {
            const hooksig_header *items = hooksig_headers_items(headers);
            size_t n = hooksig_headers_len(headers);
            hooksig_status status = hooksig_verify(verifier, items, n, body, strlen(body), HOOKSIG_NOW, &verified, &error);
            printf("C  %-8s signed   -> %s (key %zu, %zu headers)\n", scheme, hooksig_status_code((int)status),
                   hooksig_verified_key_index(verified), n);
            failures += status != HOOKSIG_OK;
            hooksig_error_free(error);
            error = NULL;

            body[strlen(body) - 4]++; /* 4200 -> 4300: still valid JSON, no longer what was signed */
            status = hooksig_verify(verifier, items, n, body, strlen(body), HOOKSIG_NOW, NULL, &error);
            hooksig_diagnose(verifier, items, n, body, strlen(body), HOOKSIG_NOW, &why, NULL);
            printf("C  %-8s tampered -> %s: %s\n", scheme, hooksig_error_code(error), why ? why : "");
            failures += status == HOOKSIG_OK;
            body[strlen(body) - 4]--;
        }
        hooksig_string_free(why);
        hooksig_error_free(error);
        hooksig_verified_free(verified);
        hooksig_verifier_free(verifier);
        hooksig_headers_free(headers);
    }
    return failures ? 1 : 0;
}
