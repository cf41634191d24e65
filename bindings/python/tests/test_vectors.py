"""Every case of tests/vectors/*.json (verify, sign, match, decrypt), through the installed package."""

from __future__ import annotations

import base64
from typing import Any

import pytest

import hooksig
from hooksig import tratta

from conftest import case_body, load_cases

# header_text.json holds verify cases whose header text is not ASCII.
VERIFY = load_cases("verify") + load_cases("header_text")
SIGN = load_cases("sign")
KEYED = [case for case in VERIFY if case["expect"]["ok"]]


def _verify(case: dict[str, Any], headers: Any) -> Any:
    verifier = hooksig.Verifier(case["scheme"], case["secrets"], tolerance=case.get("tolerance", 300))
    return verifier.verify(headers, case_body(case), now=case["now"])


def _check(case: dict[str, Any], headers: Any) -> None:
    expect = case["expect"]
    if expect["ok"]:
        verified = _verify(case, headers)
        assert (verified.key_index, verified.timestamp, verified.webhook_id, verified.id_signed) == (
            expect["key_index"],
            expect["timestamp"],
            expect["webhook_id"],
            expect["id_signed"],
        )
    else:
        with pytest.raises(hooksig.HooksigError) as raised:
            _verify(case, headers)
        assert raised.value.code == expect["code"]
        assert isinstance(raised.value, hooksig.VerificationError) == (
            expect["code"] not in ("invalid_secret", "invalid_scheme", "invalid_pattern")
        )


@pytest.mark.parametrize("case", VERIFY, ids=[c["name"] for c in VERIFY])
def test_verify_with_pairs(case: dict[str, Any]) -> None:
    _check(case, [tuple(pair) for pair in case["headers"]])


DICT_CASES = [c for c in VERIFY if len({n.lower() for n, _ in c["headers"]}) == len(c["headers"])]


@pytest.mark.parametrize("case", DICT_CASES, ids=[c["name"] for c in DICT_CASES])
def test_verify_with_dict(case: dict[str, Any]) -> None:
    _check(case, dict(case["headers"]))


@pytest.mark.parametrize("case", KEYED, ids=[c["name"] for c in KEYED])
def test_replay_key(case: dict[str, Any]) -> None:
    """The replay guard's store key is the vector's: the same in every binding."""
    store = hooksig.ReplayStore.memory()
    verifier = hooksig.Verifier(case["scheme"], case["secrets"], tolerance=case.get("tolerance", 300), replay=store)
    verified = verifier.verify([tuple(pair) for pair in case["headers"]], case_body(case), now=case["now"])
    assert verified.replay_key == case["expect"]["replay_key"]


@pytest.mark.parametrize("case", SIGN, ids=[c["name"] for c in SIGN])
def test_sign(case: dict[str, Any]) -> None:
    def sign() -> dict[str, str]:
        return hooksig.sign(
            case["scheme"],
            case["secret"],
            case_body(case),
            timestamp=case["timestamp"],
            webhook_id=case["webhook_id"],
            event_type=case["event_type"],
        )

    expect = case["expect"]
    if "headers" in expect:
        assert list(sign().items()) == [tuple(pair) for pair in expect["headers"]]
    else:
        with pytest.raises(hooksig.HooksigError) as raised:
            sign()
        assert raised.value.code == expect["code"]


MATCH = load_cases("match")


@pytest.mark.parametrize("case", MATCH, ids=[c["name"] for c in MATCH])
def test_match(case: dict[str, Any]) -> None:
    expect = case["expect"]
    if not expect["ok"]:
        with pytest.raises(hooksig.InvalidPattern) as raised:
            hooksig.EventMatcher(case["patterns"], scope=case["scope"])
        assert raised.value.code == expect["code"]
        return
    matcher = hooksig.EventMatcher(case["patterns"], scope=case["scope"])
    for lookup in expect["lookups"]:
        assert matcher.matching(lookup["type"]) == lookup["matching"], lookup["type"]
        assert matcher.matches(lookup["type"]) == bool(lookup["matching"])
    if case.get("catalog"):
        unknown = [
            {"index": u.index, "pattern": u.pattern, "suggestion": u.suggestion}
            for u in matcher.unknown_patterns(case["catalog"])
        ]
        assert unknown == expect["unknown"]


DECRYPT = load_cases("decrypt")


@pytest.mark.parametrize("case", DECRYPT, ids=[c["name"] for c in DECRYPT])
def test_decrypt(case: dict[str, Any]) -> None:
    expect = case["expect"]
    if expect["ok"]:
        plaintext = (
            base64.b64decode(expect["plaintext_base64"])
            if "plaintext_base64" in expect
            else expect["plaintext"].encode()
        )
        assert tratta.decrypt(case["secret"], case["data"]) == plaintext
    else:
        with pytest.raises(hooksig.DecryptionFailed) as raised:
            tratta.decrypt(case["secret"], case["data"])
        assert raised.value.code == expect["code"]
