"""For each built-in scheme: sign a sample event, verify it, then tamper and show the rejection."""

from __future__ import annotations

import time

import hooksig

SAMPLES = {
    "quiltt": ("quiltt-demo-secret", b'{"eventTypes":["connection.synced.successful"],"events":[{"type":"connection.synced.successful","record":{"id":"conn_1"}}]}'),
    "standard": ("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", b'{"type":"invoice.paid","data":{"id":"inv_7Qm2","amount":4200}}'),
    "bond": ("whsec_bond-demo-secret", b'{"event":"card.created","data":{"card_id":"9f2c3b1e"}}'),
    "tratta": ("tratta-demo-secret-16", b'{"data":{"id":"ccd912ca","name":"Test customer"}}'),
    "stripe": ("whsec_stripe-demo-secret", b'{"id":"evt_1","object":"event","type":"customer.created","data":{"object":{}}}'),
    "github": ("github-demo-secret", b'{"ref":"refs/heads/main","repository":{"full_name":"octo-org/hello-world"}}'),
    "shopify": ("shopify-demo-secret", b'{"id":820982911946154508,"total_price":"403.00"}'),
    "slack": ("slack-demo-secret", b"token=xyz&team_id=T1DC2JH3J&command=%2Fwebhook-collect&text=hello"),
}


def main() -> None:
    for scheme in hooksig.BUILT_IN_SCHEMES:
        secret, body = SAMPLES[scheme]
        verifier = hooksig.Verifier(scheme, secret)
        headers = hooksig.sign(scheme, secret, body)
        verified = verifier.verify(headers, body)
        when = f", signed {time.time() - verified.timestamp:.0f} s ago" if verified.timestamp is not None else ""
        tampered = body.replace(b"1", b"2", 1) if b"1" in body else body + b" "
        try:
            verifier.verify(headers, tampered)
            rejection = "ACCEPTED (bug!)"
        except hooksig.VerificationError as error:
            rejection = f"{error.code}: {verifier.diagnose(headers, tampered)}"
        print(f"python: {scheme:<8} verified (secret #{verified.key_index}{when}); tampered -> {rejection}")


if __name__ == "__main__":
    main()
