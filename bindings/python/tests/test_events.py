"""EventMatcher, event_types and hooksig.tratta through the installed package."""

from __future__ import annotations

from typing import Any

import pytest

import hooksig
from hooksig import tratta


def test_matcher_semantics() -> None:
    quiltt = hooksig.EventMatcher(["connection.synced", "account.verified"], scope=True)
    assert quiltt.matching("connection.synced.successful.initial") == [0]
    assert quiltt.matches("account.verified") and not quiltt.matches("connections.synced")
    bond = hooksig.EventMatcher(["card*", "kyc.*.success", "*"])
    assert bond.matching("card.created") == [0, 2]
    assert bond.matching("kyc.document.success") == [1, 2]
    exact = hooksig.EventMatcher("invoice.paid")
    assert exact.matches("invoice.paid") and not exact.matches("invoice.paid.late")
    assert (exact.patterns, exact.scope) == (["invoice.paid"], False)
    assert repr(quiltt) == "EventMatcher(['connection.synced', 'account.verified'], scope=True)"


@pytest.mark.parametrize("patterns", [[""], ["Card.created"], ["card..x"], ["card**"], [None], [1], None, 5, ["\ud800"]])
def test_bad_patterns_raise_invalid_pattern(patterns: Any) -> None:
    with pytest.raises(hooksig.InvalidPattern) as raised:
        hooksig.EventMatcher(patterns)
    assert raised.value.code == "invalid_pattern"
    assert not isinstance(raised.value, hooksig.VerificationError)


def test_unknown_patterns_suggest_the_nearest_known_type() -> None:
    matcher = hooksig.EventMatcher(["profile", "connection.synced.sucessful"], scope=True)
    [unknown] = matcher.unknown_patterns("quiltt")
    assert (unknown.index, unknown.pattern, unknown.suggestion) == (
        1,
        "connection.synced.sucessful",
        "connection.synced.successful",
    )
    assert "did you mean" in str(unknown)
    with pytest.raises(hooksig.InvalidScheme):
        matcher.unknown_patterns("acme")


EVENTS = {
    "quiltt": ({}, b'{"events":[{"type":"profile.created"},{"type":"account.verified"}]}', ["profile.created", "account.verified"]),
    "standard": ({}, b'{"type":"invoice.paid","data":{}}', ["invoice.paid"]),
    "stripe": ({}, b'{"type":"customer.created"}', ["customer.created"]),
    "bond": ({}, b'{"event":"card.created"}', ["card.created"]),
    "tratta": ({"X-Tratta-Event-Name": "customer.create"}, b"{}", ["customer.create"]),
    "github": ({"X-GitHub-Event": "pull_request"}, b'{"action":"opened"}', ["pull_request.opened"]),
    "shopify": ({"X-Shopify-Topic": "orders/create"}, b"{}", ["orders.create"]),
}


@pytest.mark.parametrize("scheme", EVENTS)
def test_event_types(scheme: str) -> None:
    headers, body, expected = EVENTS[scheme]
    assert hooksig.event_types(scheme, headers, body) == expected
    verifier = hooksig.Verifier(scheme, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
    assert hooksig.event_types(verifier, list(headers.items()), bytearray(body)) == expected


@pytest.mark.parametrize(
    "scheme, headers, body, error",
    [
        ("quiltt", {}, b"not json", hooksig.InvalidBody),
        ("quiltt", {}, {"events": []}, hooksig.InvalidBody),
        ("tratta", {}, b"{}", hooksig.MissingHeader),
        ("stripe", None, b"{}", hooksig.MalformedHeader),
        ("acme", {}, b"{}", hooksig.InvalidScheme),
    ],
)
def test_event_types_errors(scheme: str, headers: Any, body: Any, error: type[Exception]) -> None:
    with pytest.raises(error):
        hooksig.event_types(scheme, headers, body)


SECRET = "tratta-secret-0123"


@pytest.mark.parametrize("plaintext", [b"", b'{"amount":4200}', "é" * 100, bytes(range(256)) * 10])
def test_tratta_round_trip(plaintext: Any) -> None:
    data = tratta.encrypt(SECRET, plaintext)
    raw = plaintext.encode() if isinstance(plaintext, str) else plaintext
    assert tratta.decrypt(SECRET, data) == raw
    assert tratta.decrypt(SECRET.encode(), data.encode()) == raw
    assert tratta.encrypt(SECRET, plaintext) != data  # fresh salt and IV each time


@pytest.mark.parametrize(
    "secret, data",
    [
        ("another-secret-99", None),
        (SECRET, "not base64!"),
        (SECRET, "c2hvcnQ="),
        (SECRET, None),
        (SECRET, 42),
        (None, "c2hvcnQ="),
        (SECRET, {"data": "x"}),
    ],
)
def test_tratta_failures_are_decryption_failed(secret: Any, data: Any) -> None:
    if data is None and secret == "another-secret-99":
        data = tratta.encrypt(SECRET, b"{}")
    with pytest.raises(hooksig.DecryptionFailed) as raised:
        tratta.decrypt(secret, data)
    assert raised.value.code == "decryption_failed"
    assert isinstance(raised.value, hooksig.VerificationError)
