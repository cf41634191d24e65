"""Verify, sign and route webhooks: one constant-time Rust core for every provider.

>>> import hooksig
>>> body = b'{"events": [{"type": "account.verified"}]}'
>>> headers = hooksig.sign("quiltt", "my-secret", body, timestamp=1700000000)
>>> verifier = hooksig.Verifier("quiltt", ["new-secret", "my-secret"])
>>> verifier.verify(headers, body, now=1700000060)
Verified(key_index=1, timestamp=1700000000, webhook_id=None)
>>> try:
...     verifier.verify(headers, b"{}", now=1700000060)
... except hooksig.VerificationError as e:
...     print(e.code)
signature_mismatch

Framework adapters: :mod:`hooksig.flask`, :mod:`hooksig.fastapi` (Starlette
too) and :mod:`hooksig.django`.
"""

from ._native import (
    BUILT_IN_SCHEMES,
    DecryptionFailed,
    HooksigError,
    InvalidBody,
    InvalidPattern,
    InvalidScheme,
    InvalidSecret,
    MalformedHeader,
    MissingHeader,
    NoSupportedSignature,
    SignatureMismatch,
    TimestampInFuture,
    TimestampTooOld,
    VerificationError,
    Verified,
    Verifier,
    __version__,
    sign,
)

__all__ = [
    "BUILT_IN_SCHEMES",
    "DecryptionFailed",
    "HooksigError",
    "InvalidBody",
    "InvalidPattern",
    "InvalidScheme",
    "InvalidSecret",
    "MalformedHeader",
    "MissingHeader",
    "NoSupportedSignature",
    "SignatureMismatch",
    "TimestampInFuture",
    "TimestampTooOld",
    "VerificationError",
    "Verified",
    "Verifier",
    "__version__",
    "sign",
]
