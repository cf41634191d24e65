"""Interop both ways with the helpers hooksig replaces: standardwebhooks, svix and stripe from PyPI."""

from __future__ import annotations

import json
import time
from datetime import datetime, timezone
from typing import Any

import pytest
import standardwebhooks.webhooks
import stripe
import svix.webhooks

import hooksig

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
BODY = b'{"type":"invoice.paid","data":{"id":"inv_7Qm2","amount":4200}}'

STANDARD_LIBRARIES = {
    "standardwebhooks": standardwebhooks.webhooks.Webhook,
    "svix": svix.webhooks.Webhook,
}


@pytest.mark.parametrize("library", STANDARD_LIBRARIES)
def test_they_verify_what_hooksig_signs(library: str) -> None:
    headers = hooksig.sign("standard", SECRET, BODY, webhook_id="msg_interop")
    STANDARD_LIBRARIES[library](SECRET).verify(BODY, headers)  # raises on a bad signature
    with pytest.raises(Exception, match="(?i)signature"):
        STANDARD_LIBRARIES[library](SECRET).verify(BODY + b" ", headers)


@pytest.mark.parametrize("library", STANDARD_LIBRARIES)
@pytest.mark.parametrize("prefix", ["webhook", "svix"])
def test_hooksig_verifies_what_they_sign(library: str, prefix: str) -> None:
    now = datetime.now(tz=timezone.utc).replace(microsecond=0)
    signature = STANDARD_LIBRARIES[library](SECRET).sign("msg_theirs", now, BODY.decode())
    headers = {f"{prefix}-id": "msg_theirs", f"{prefix}-timestamp": str(int(now.timestamp())), f"{prefix}-signature": signature}
    verified = hooksig.Verifier("standard", SECRET).verify(headers, BODY)
    assert (verified.webhook_id, verified.timestamp) == ("msg_theirs", int(now.timestamp()))
    with pytest.raises(hooksig.SignatureMismatch):
        hooksig.Verifier("standard", SECRET).verify(headers, BODY + b" ")


def test_standard_key_without_whsec_prefix_is_the_same_key() -> None:
    bare = SECRET.removeprefix("whsec_") if hasattr(str, "removeprefix") else SECRET[6:]
    headers = hooksig.sign("standard", bare, BODY)
    assert standardwebhooks.webhooks.Webhook(SECRET).verify(BODY, headers) == json.loads(BODY)


STRIPE_SECRET = "whsec_test_secret_for_interop"


def _stripe_header(timestamp: int, body: bytes, *signatures: str) -> str:
    return ",".join([f"t={timestamp}"] + [f"v1={s}" for s in signatures])


def _stripe_signature(timestamp: int, body: bytes) -> Any:
    # stripe-python's own signing routine (the one its verify_header compares against).
    return stripe.WebhookSignature._compute_signature(f"{timestamp}.{body.decode()}", STRIPE_SECRET)


def test_stripe_verifies_what_hooksig_signs() -> None:
    body = b'{"id":"evt_1","object":"event","type":"customer.created","data":{"object":{}}}'
    header = hooksig.sign("stripe", STRIPE_SECRET, body)["Stripe-Signature"]
    event = stripe.Webhook.construct_event(body.decode(), header, STRIPE_SECRET)
    assert event["type"] == "customer.created"
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(body.decode() + " ", header, STRIPE_SECRET)


def test_hooksig_verifies_what_stripe_signs_including_several_v1() -> None:
    now = int(time.time())
    good = _stripe_signature(now, BODY)
    verifier = hooksig.Verifier("stripe", STRIPE_SECRET)
    assert verifier.verify({"Stripe-Signature": _stripe_header(now, BODY, good)}, BODY).timestamp == now
    # Stripe sends one v1 per active secret during a rotation; any may match.
    assert verifier.verify({"Stripe-Signature": _stripe_header(now, BODY, "00" * 32, good)}, BODY).key_index == 0
    with pytest.raises(hooksig.SignatureMismatch):
        verifier.verify({"Stripe-Signature": _stripe_header(now, BODY, good)}, BODY + b" ")


def test_stripe_and_hooksig_agree_on_the_window() -> None:
    old = int(time.time()) - 301
    header = _stripe_header(old, BODY, _stripe_signature(old, BODY))
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.WebhookSignature.verify_header(BODY.decode(), header, STRIPE_SECRET, tolerance=300)
    with pytest.raises(hooksig.TimestampTooOld):
        hooksig.Verifier("stripe", STRIPE_SECRET).verify({"Stripe-Signature": header}, BODY)


def test_v1a_agrees_with_pyca_cryptography_on_random_messages() -> None:
    """Ed25519 is deterministic: hooksig's v1a signature of a message must be
    the one pyca/cryptography makes with the same seed, and each library must
    verify the other's."""
    import base64
    import os

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    raw = serialization.Encoding.Raw
    for _ in range(50):
        seed = os.urandom(32)
        theirs = Ed25519PrivateKey.from_private_bytes(seed)
        public = theirs.public_key().public_bytes(raw, serialization.PublicFormat.Raw)
        body = os.urandom(int.from_bytes(os.urandom(1), "big"))
        msg_id = "msg_" + os.urandom(6).hex()
        timestamp = 1_700_000_000 + int.from_bytes(os.urandom(2), "big")
        headers = hooksig.sign("standard", "whsk_" + base64.b64encode(seed).decode(), body, timestamp=timestamp, webhook_id=msg_id)
        entry = headers["webhook-signature"]
        assert entry.startswith("v1a,")
        message = f"{msg_id}.{timestamp}.".encode() + body
        assert base64.b64decode(entry[4:]) == theirs.sign(message)
        theirs.public_key().verify(base64.b64decode(entry[4:]), message)  # raises when invalid
        verifier = hooksig.Verifier("standard", ["whpk_" + base64.b64encode(public).decode()])
        assert verifier.verify(headers, body, now=timestamp).key_index == 0
