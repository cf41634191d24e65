"""The public surface: error tree and codes, reprs that never show a secret, sign, diagnose."""

from __future__ import annotations

import pickle

import pytest

import hooksig

SECRET = "quiltt-secret-that-must-not-leak"
BODY = b'{"events":[{"type":"account.verified","record":{"id":"acct_1"}}]}'
NOW = 1_700_000_000

VERIFICATION_CODES = {
    "MissingHeader": "missing_header",
    "MalformedHeader": "malformed_header",
    "TimestampTooOld": "timestamp_too_old",
    "TimestampInFuture": "timestamp_in_future",
    "NoSupportedSignature": "no_supported_signature",
    "SignatureMismatch": "signature_mismatch",
    "InvalidBody": "invalid_body",
    "DecryptionFailed": "decryption_failed",
    "Replayed": "replayed",
}
CONFIGURATION_CODES = {
    "InvalidSecret": "invalid_secret",
    "InvalidPattern": "invalid_pattern",
    "InvalidScheme": "invalid_scheme",
    "ReplayStoreUnavailable": "replay_store_unavailable",
}


@pytest.mark.parametrize("name", VERIFICATION_CODES)
def test_verification_errors(name: str) -> None:
    cls = getattr(hooksig, name)
    assert issubclass(cls, hooksig.VerificationError)
    assert cls.code == VERIFICATION_CODES[name]
    assert cls.__module__ == "hooksig"
    assert cls.__doc__


@pytest.mark.parametrize("name", CONFIGURATION_CODES)
def test_configuration_errors_sit_beside_verification_error(name: str) -> None:
    cls = getattr(hooksig, name)
    assert issubclass(cls, hooksig.HooksigError)
    assert not issubclass(cls, hooksig.VerificationError)
    assert cls.code == CONFIGURATION_CODES[name]


HTTP_STATUS = {
    "missing_header": 401,
    "timestamp_too_old": 401,
    "timestamp_in_future": 401,
    "no_supported_signature": 401,
    "signature_mismatch": 401,
    "malformed_header": 400,
    "invalid_body": 400,
    "decryption_failed": 400,
    "invalid_secret": 500,
    "invalid_pattern": 500,
    "invalid_scheme": 500,
    "replayed": 409,
    "replay_store_unavailable": 503,
}


@pytest.mark.parametrize("name", [*VERIFICATION_CODES, *CONFIGURATION_CODES])
def test_errors_carry_the_core_http_status(name: str) -> None:
    cls = getattr(hooksig, name)
    assert cls.http_status == HTTP_STATUS[cls.code]
    assert cls("made in Python").http_status == HTTP_STATUS[cls.code]


def test_error_classes_are_the_core_table() -> None:
    from hooksig import _native

    table = _native.ERROR_CODES
    assert {code for _, code, _, _ in table} == {*VERIFICATION_CODES.values(), *CONFIGURATION_CODES.values()}
    for name, code, status, verification in table:
        cls = getattr(hooksig, name)
        assert name in hooksig.__all__
        assert cls.__name__ == name
        assert cls.code == code
        assert cls.http_status == status
        assert issubclass(cls, hooksig.VerificationError) == verification
        assert issubclass(cls, hooksig.HooksigError)
    exported = {
        name
        for name in hooksig.__all__
        if isinstance(getattr(hooksig, name), type)
        and issubclass(getattr(hooksig, name), hooksig.HooksigError)
    }
    assert exported == {name for name, _, _, _ in table} | {"HooksigError", "VerificationError"}


def test_error_tree_root() -> None:
    assert issubclass(hooksig.VerificationError, hooksig.HooksigError)
    assert issubclass(hooksig.HooksigError, Exception)


def test_raised_errors_carry_code_message_and_pickle() -> None:
    verifier = hooksig.Verifier("quiltt", SECRET)
    headers = hooksig.sign("quiltt", SECRET, BODY, timestamp=NOW)
    with pytest.raises(hooksig.TimestampTooOld) as raised:
        verifier.verify(headers, BODY, now=NOW + 301)
    error = raised.value
    assert error.code == "timestamp_too_old"
    assert error.http_status == 401
    assert "301 s" in str(error) and "300 s" in str(error)
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is hooksig.TimestampTooOld and str(copy) == str(error)


def test_reprs_show_the_scheme_never_the_secret() -> None:
    verifier = hooksig.Verifier("quiltt", [SECRET, "older-secret"], tolerance=60)
    assert repr(verifier) == "Verifier(scheme='quiltt', secrets=2, tolerance=60)"
    assert (verifier.scheme, verifier.tolerance) == ("quiltt", 60)
    headers = hooksig.sign("quiltt", SECRET, BODY, timestamp=NOW)
    verified = verifier.verify(headers, BODY, now=NOW)
    assert repr(verified) == "Verified(key_index=0, timestamp=1700000000, webhook_id=None, id_signed=False)"
    for text in (repr(verifier), str(verifier), repr(verified)):
        assert SECRET not in text
    with pytest.raises(hooksig.SignatureMismatch) as raised:
        verifier.verify(headers, BODY + b" ", now=NOW)
    assert SECRET not in str(raised.value) and headers["Quiltt-Signature"] not in str(raised.value)


def test_verifier_is_immutable() -> None:
    verifier = hooksig.Verifier("github", "s")
    with pytest.raises(AttributeError):
        verifier.tolerance = 5  # type: ignore[misc]


def test_key_rotation_reports_the_matching_secret() -> None:
    headers = hooksig.sign("quiltt", "old-secret", BODY, timestamp=NOW)
    verified = hooksig.Verifier("quiltt", ["new-secret", "old-secret"]).verify(headers, BODY, now=NOW)
    assert verified.key_index == 1
    assert verified == hooksig.Verifier("quiltt", ("x", "old-secret")).verify(headers, BODY, now=NOW)
    assert len({verified, verified}) == 1


def test_system_clock_is_the_default() -> None:
    headers = hooksig.sign("slack", "slack-secret", b"token=x")
    assert hooksig.Verifier("slack", "slack-secret").verify(headers, b"token=x").timestamp is not None


def test_sign_returns_headers_in_order() -> None:
    headers = hooksig.sign("tratta", "tratta-secret-0123", b"{}", event_type="customer.create", webhook_id="w1")
    assert list(headers) == ["X-Tratta-Webhook-ID", "X-Tratta-Signature-256", "X-Tratta-Event-Name"]
    assert headers["X-Tratta-Event-Name"] == "customer.create"


def test_diagnose_names_the_mistake_or_says_nothing() -> None:
    verifier = hooksig.Verifier("quiltt", SECRET)
    headers = hooksig.sign("quiltt", SECRET, BODY, timestamp=NOW)
    assert verifier.diagnose(headers, BODY, now=NOW) is None
    sentence = verifier.diagnose(headers, BODY + b"\n", now=NOW)
    assert sentence and "newline" in sentence
    assert SECRET not in sentence and headers["Quiltt-Signature"] not in sentence


def test_built_in_schemes() -> None:
    assert hooksig.BUILT_IN_SCHEMES == ("quiltt", "standard", "bond", "tratta", "stripe", "github", "shopify", "slack")
    for name in hooksig.BUILT_IN_SCHEMES:
        assert hooksig.Verifier(name, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").scheme == name
    assert hooksig.Verifier("svix", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").scheme == "standard"


@pytest.mark.parametrize(
    "secret",
    ["whsec_c2hvcnQtc2VjcmV0", "whsec_not-base64!-leaked-secret", b"standard-secret-\xff-leaked"],
    ids=["too short", "bad base64", "non-UTF-8 bytes"],
)
def test_invalid_secret_errors_never_show_the_secret(secret: str | bytes) -> None:
    with pytest.raises(hooksig.InvalidSecret) as raised:
        hooksig.Verifier("standard", ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", secret])
    shown = str(raised.value) + repr(raised.value)
    text = secret.decode("latin-1") if isinstance(secret, bytes) else secret
    assert text.removeprefix("whsec_") not in shown and "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" not in shown
    assert isinstance(secret, bytes) or "secret #1" in shown


def test_id_signed_says_whether_the_id_may_be_used_for_deduplication() -> None:
    body = b'{"type":"invoice.paid"}'
    standard = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    headers = hooksig.sign("standard", standard, body, timestamp=NOW, webhook_id="msg_1")
    verified = hooksig.Verifier("standard", standard).verify(headers, body, now=NOW)
    assert (verified.webhook_id, verified.id_signed) == ("msg_1", True)
    assert repr(verified) == "Verified(key_index=0, timestamp=1700000000, webhook_id='msg_1', id_signed=True)"
    # GitHub's delivery id is a header outside the signature: still reported, never signed.
    headers = {**hooksig.sign("github", "gh-secret", body), "X-GitHub-Delivery": "delivery-1"}
    verified = hooksig.Verifier("github", "gh-secret").verify(headers, body)
    assert (verified.webhook_id, verified.id_signed) == ("delivery-1", False)
    # An empty id header is no id.
    headers = {**hooksig.sign("github", "gh-secret", body), "X-GitHub-Delivery": ""}
    verified = hooksig.Verifier("github", "gh-secret").verify(headers, body)
    assert (verified.webhook_id, verified.id_signed) == (None, False)
