"""Verify, sign and route webhooks: one constant-time Rust core for every provider.

>>> import hooksig
>>> body = b'{"events": [{"type": "account.verified"}]}'
>>> headers = hooksig.sign("quiltt", "my-secret", body, timestamp=1700000000)
>>> verifier = hooksig.Verifier("quiltt", ["new-secret", "my-secret"])
>>> verifier.verify(headers, body, now=1700000060)
Verified(key_index=1, timestamp=1700000000, webhook_id=None, id_signed=False)
>>> try:
...     verifier.verify(headers, b"{}", now=1700000060)
... except hooksig.VerificationError as e:
...     print(e.code)
signature_mismatch

Routing by event type:

>>> routes = hooksig.EventMatcher(["connection", "account.verified"], scope=True)
>>> [routes.matching(t) for t in hooksig.event_types(verifier, headers, body)]
[[1]]

Framework adapters: :mod:`hooksig.flask`, :mod:`hooksig.fastapi` (Starlette
too) and :mod:`hooksig.django`; Tratta's encrypted payloads: :mod:`hooksig.tratta`.
"""

from ._native import (
    BUILT_IN_SCHEMES,
    DecryptionFailed,
    EventMatcher,
    HooksigError,
    InvalidBody,
    InvalidPattern,
    InvalidScheme,
    InvalidSecret,
    MalformedHeader,
    MissingHeader,
    NoSupportedSignature,
    Replayed,
    ReplayStore,
    ReplayStoreUnavailable,
    SignatureMismatch,
    TimestampInFuture,
    TimestampTooOld,
    UnknownPattern,
    VerificationError,
    Verified,
    Verifier,
    __version__,
    event_types,
    sign,
)
from . import tratta
from ._webhook import Webhook

__all__ = [
    "BUILT_IN_SCHEMES",
    "DecryptionFailed",
    "EventMatcher",
    "HooksigError",
    "InvalidBody",
    "InvalidPattern",
    "InvalidScheme",
    "InvalidSecret",
    "MalformedHeader",
    "MissingHeader",
    "NoSupportedSignature",
    "Replayed",
    "ReplayStore",
    "ReplayStoreUnavailable",
    "SignatureMismatch",
    "TimestampInFuture",
    "TimestampTooOld",
    "UnknownPattern",
    "VerificationError",
    "Verified",
    "Verifier",
    "Webhook",
    "__version__",
    "event_types",
    "sign",
    "tratta",
]
