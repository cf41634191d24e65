"""Headers and bodies in every shape Python code has them, and the bad-input table."""

from __future__ import annotations

import email.message
from typing import Any

import pytest

import hooksig

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
BODY = b'{"type":"invoice.paid","data":{"id":"inv_1"}}'
NOW = 1_700_000_000
HEADERS = hooksig.sign("standard", SECRET, BODY, timestamp=NOW, webhook_id="msg_1")
VERIFIER = hooksig.Verifier("standard", SECRET)


def verify(headers: Any, body: Any = BODY) -> hooksig.Verified:
    return VERIFIER.verify(headers, body, now=NOW)


def _werkzeug(headers: dict[str, str]) -> Any:
    from werkzeug.datastructures import EnvironHeaders

    environ = {"HTTP_" + name.upper().replace("-", "_"): value for name, value in headers.items()}
    return EnvironHeaders(environ)


def _starlette(headers: dict[str, str]) -> Any:
    from starlette.datastructures import Headers

    return Headers(raw=[(n.lower().encode("latin-1"), v.encode("latin-1")) for n, v in headers.items()])


def _django(headers: dict[str, str]) -> Any:
    from django.http.request import HttpHeaders

    return HttpHeaders({"HTTP_" + n.upper().replace("-", "_"): v for n, v in headers.items()})


def _message(headers: dict[str, str]) -> Any:
    message = email.message.Message()
    for name, value in headers.items():
        message[name] = value
    return message


HEADER_FORMS = {
    "dict": dict,
    "upper-case dict": lambda h: {n.upper(): v for n, v in h.items()},
    "bytes dict": lambda h: {n.encode(): v.encode() for n, v in h.items()},
    "list of tuples": lambda h: list(h.items()),
    "list of lists": lambda h: [[n, v] for n, v in h.items()],
    "tuple of tuples": lambda h: tuple(h.items()),
    "generator of pairs": lambda h: ((n, v) for n, v in h.items()),
    "list values": lambda h: {n: [v] for n, v in h.items()},
    "werkzeug EnvironHeaders": _werkzeug,
    "starlette Headers": _starlette,
    "django HttpHeaders": _django,
    "email.message.Message": _message,
}


@pytest.mark.parametrize("form", HEADER_FORMS)
def test_header_forms(form: str) -> None:
    verified = verify(HEADER_FORMS[form](HEADERS))
    assert (verified.key_index, verified.timestamp, verified.webhook_id) == (0, NOW, "msg_1")


@pytest.mark.parametrize(
    "body", [BODY, bytearray(BODY), memoryview(BODY), BODY.decode(), memoryview(b"xx" + BODY)[2:]], ids=type
)
def test_body_forms(body: Any) -> None:
    assert verify(HEADERS, body).key_index == 0


def test_svix_header_names() -> None:
    svix = {name.replace("webhook-", "svix-"): value for name, value in HEADERS.items()}
    assert verify(svix).webhook_id == "msg_1"


def test_repeated_header_with_one_value_is_fine_and_with_two_is_malformed() -> None:
    pairs = list(HEADERS.items())
    assert verify(pairs + [pairs[0]]).key_index == 0
    with pytest.raises(hooksig.MalformedHeader):
        verify(pairs + [(pairs[0][0], "msg_other")])
    with pytest.raises(hooksig.MalformedHeader):
        verify({**HEADERS, "webhook-id": ["msg_1", "msg_2"]})


def test_latin1_decoded_header_is_encoded_back() -> None:
    # WSGI hands header bytes over decoded as Latin-1; the signed id must survive the round trip.
    wire_id = "msg_é".encode()
    headers = hooksig.sign("standard", SECRET, BODY, timestamp=NOW, webhook_id="msg_é")
    # sign hands the value out as that same text, ready to send and to verify as it is.
    assert headers["webhook-id"] == wire_id.decode("latin-1")
    assert verify(headers).webhook_id == "msg_é"
    assert verify({**headers, "webhook-id": wire_id}).webhook_id == "msg_é"
    # Typed by hand, "é" is the byte 0xE9 a server would have decoded it from.
    with pytest.raises(hooksig.SignatureMismatch):
        verify({**headers, "webhook-id": "msg_é"})
    # Text beyond Latin-1 (no server produces it) is taken as UTF-8.
    beyond = hooksig.sign("standard", SECRET, BODY, timestamp=NOW, webhook_id="msg_č")
    assert verify({**beyond, "webhook-id": "msg_č"}).webhook_id == "msg_č"


def test_header_values_may_be_str_bytes_like_or_int() -> None:
    # One rule: str (by the header-text rule), bytes / bytearray / memoryview as
    # they are, int (Slack's SDK passes its timestamp so) as its decimal text.
    for timestamp in (str(NOW), str(NOW).encode(), bytearray(str(NOW).encode()), memoryview(str(NOW).encode()), NOW):
        assert verify({**HEADERS, "webhook-timestamp": timestamp}).timestamp == NOW
    assert verify({**HEADERS, "webhook-id": memoryview(b"msg_1")}).webhook_id == "msg_1"
    assert verify([(n, [v]) for n, v in {**HEADERS, "webhook-timestamp": NOW}.items()]).timestamp == NOW


def test_int_header_value_is_read_as_a_number_not_through_str() -> None:
    import enum

    class Stamp(enum.IntEnum):
        NOW = NOW

    assert verify({**HEADERS, "webhook-timestamp": Stamp.NOW}).timestamp == NOW
    slack = hooksig.Verifier("slack", "slack-signing-secret")
    headers = hooksig.sign("slack", "slack-signing-secret", BODY, timestamp=NOW)
    as_slack_sdk = {**headers, "X-Slack-Request-Timestamp": NOW}
    assert slack.verify(as_slack_sdk, BODY, now=NOW).timestamp == NOW
    # A negative or signed number is its decimal text too, which the scheme then judges.
    with pytest.raises(hooksig.VerificationError):
        slack.verify({**headers, "X-Slack-Request-Timestamp": -NOW}, BODY, now=NOW)


def test_bool_and_wide_int_header_values_say_what_is_wrong() -> None:
    with pytest.raises(hooksig.MalformedHeader, match="the value is bool, expected str, bytes-like or int"):
        verify({**HEADERS, "webhook-timestamp": True})
    with pytest.raises(hooksig.MalformedHeader, match="more than 128 bits"):
        verify({**HEADERS, "webhook-timestamp": 1 << 200})


def test_parsed_json_body_says_how_to_get_the_raw_body() -> None:
    for parsed in ({"type": "invoice.paid"}, [1, 2]):
        with pytest.raises(hooksig.InvalidBody) as raised:
            verify(HEADERS, parsed)
        message = str(raised.value)
        assert "request.get_data()" in message  # Flask
        assert "await request.body()" in message  # FastAPI / Starlette
        assert "request.body" in message  # Django
        assert raised.value.code == "invalid_body"


class _ExplodingItems:
    def items(self) -> Any:
        raise RuntimeError("boom")


class _ExplodingIterator:
    def __iter__(self) -> Any:
        yield ("webhook-id", "msg_1")
        raise ValueError("boom")


class _Unprintable:
    def __str__(self) -> str:
        raise RuntimeError("no")


HUGE = "x" * (8 << 20)

BAD_HEADERS: dict[str, Any] = {
    "None": None,
    "int": 42,
    "str": "webhook-id: msg_1",
    "bytes": b"webhook-id: msg_1",
    "set of names": {"webhook-id"},
    "list of str": ["webhook-id"],
    "list of triples": [("a", "b", "c")],
    "list with None": [None],
    "None value": {**HEADERS, "webhook-signature": None},
    "bool value": {**HEADERS, "webhook-timestamp": True},
    "float value": {**HEADERS, "webhook-timestamp": float(NOW)},
    "int wider than 128 bits": {**HEADERS, "webhook-timestamp": 1 << 200},
    "int id": {**HEADERS, "webhook-id": 1},
    "object value": {**HEADERS, "webhook-id": _Unprintable()},
    "None name": {None: "x", **HEADERS},
    "int name": {1: "x"},
    "list with None value": {**HEADERS, "webhook-id": [None]},
    "nested list value": {**HEADERS, "webhook-id": [["msg_1"]]},
    "lone surrogate value": {**HEADERS, "webhook-id": "msg_\ud800"},
    "lone surrogate name": {"webhook-\ud800": "x", **HEADERS},
    "non-UTF-8 bytes value": {**HEADERS, "webhook-id": b"msg_\xff\xfe"},
    "non-UTF-8 bytes signature": {**HEADERS, "webhook-signature": b"v1,\xff\xfe"},
    "non-ASCII timestamp": {**HEADERS, "webhook-timestamp": "١٧٠٠٠٠٠٠٠٠"},
    "huge signature": {**HEADERS, "webhook-signature": "v1," + HUGE},
    "huge timestamp": {**HEADERS, "webhook-timestamp": "9" * 100_000},
    "huge header count": {**{f"x-{i}": "y" for i in range(100_000)}},
    "empty": {},
    "items() raises": _ExplodingItems(),
    "iterator raises": _ExplodingIterator(),
}


@pytest.mark.parametrize("headers", BAD_HEADERS.values(), ids=BAD_HEADERS.keys())
def test_bad_headers_raise_verification_errors_only(headers: Any) -> None:
    with pytest.raises(hooksig.VerificationError) as raised:
        verify(headers)
    assert raised.value.code in ("malformed_header", "missing_header", "signature_mismatch")


BAD_BODIES: dict[str, Any] = {
    "None": None,
    "int": 1,
    "float": 1.5,
    "dict": {"type": "invoice.paid"},
    "list": [BODY],
    "tuple": (BODY,),
    "set": {BODY},
    "object": object(),
    "lone surrogate str": "\ud800",
}


@pytest.mark.parametrize("body", BAD_BODIES.values(), ids=BAD_BODIES.keys())
def test_bad_bodies_raise_invalid_body(body: Any) -> None:
    with pytest.raises(hooksig.InvalidBody):
        verify(HEADERS, body)
    with pytest.raises(hooksig.InvalidBody):
        VERIFIER.diagnose(HEADERS, body, now=NOW)
    with pytest.raises(hooksig.InvalidBody):
        hooksig.sign("standard", SECRET, body)


@pytest.mark.parametrize(
    "body", [b"", b"\xff\xfe\x00 not UTF-8", HUGE.encode(), "é" * 1000], ids=["empty", "binary", "huge", "non-ASCII"]
)
def test_odd_bodies_verify_when_signed(body: Any) -> None:
    raw = body.encode() if isinstance(body, str) else body
    headers = hooksig.sign("standard", SECRET, raw, timestamp=NOW)
    assert verify(headers, body).key_index == 0
    with pytest.raises(hooksig.SignatureMismatch):
        verify(headers, raw + b"!")


BAD_SECRETS: dict[str, Any] = {
    "None": None,
    "int": 5,
    "empty": "",
    "empty list": [],
    "list with None": [SECRET, None],
    "non-UTF-8 bytes": b"\xff\xfe",
    "lone surrogate": "whsec_\ud800",
    "not base64": "whsec_###",
}


@pytest.mark.parametrize("secrets", BAD_SECRETS.values(), ids=BAD_SECRETS.keys())
def test_bad_secrets_raise_invalid_secret(secrets: Any) -> None:
    with pytest.raises(hooksig.InvalidSecret) as raised:
        hooksig.Verifier("standard", secrets)
    assert not isinstance(raised.value, hooksig.VerificationError)


@pytest.mark.parametrize("scheme", [None, 3, "acme", "", "{not json", {"signature_header": 5}, {"x": object()}])
def test_bad_schemes_raise_invalid_scheme(scheme: Any) -> None:
    with pytest.raises(hooksig.InvalidScheme):
        hooksig.Verifier(scheme, SECRET)


def test_scheme_as_json_text_and_as_dict() -> None:
    definition = {
        "signature_header": "X-Sig",
        "signature_prefix": "sha256=",
        "timestamp_header": "X-Ts",
        "message": "{timestamp}.{body}",
        "encoding": "hex",
    }
    import json

    for scheme in (definition, json.dumps(definition)):
        headers = hooksig.sign(scheme, "acme-secret", BODY, timestamp=NOW)
        verifier = hooksig.Verifier(scheme, "acme-secret")
        assert verifier.scheme == "custom"
        assert verifier.verify(headers, BODY, now=NOW).timestamp == NOW
