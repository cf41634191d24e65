"""What the framework adapters hand a handler, and how they answer a rejected request."""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any, Callable

from ._native import (
    HooksigError,
    InvalidBody,
    Replayed,
    ReplayStoreUnavailable,
    VerificationError,
    Verified,
    Verifier,
    event_types,
)

if TYPE_CHECKING:
    from ._native import _Headers

#: The largest body an adapter reads unless told otherwise (``max_body=``),
#: as Express's ``raw()`` has it. Larger gets 413 ``invalid_body``.
DEFAULT_MAX_BODY = 5 * 1024 * 1024

#: The adapters read the body in pieces this large, so that a body past the
#: cap is refused after at most this much more.
READ_SIZE = 64 * 1024

#: The adapters answer a refused body with the error code alone, as every other
#: rejection; the full message (the cap and how to raise it, the fix for a
#: consumed body) is logged here: at WARNING for the receiver's own mistakes
#: (a body something else consumed, a cap the server cannot enforce), at INFO
#: for what a client did (too large, aborted).
logger = logging.getLogger("hooksig")


def read_capped(
    read: Callable[[int], bytes],
    cap: int | None,
    declared: int | None,
    too_big: Callable[[int], InvalidBody],
    disconnected: tuple[type[BaseException], ...] = (OSError,),
) -> bytes:
    """Reads a WSGI-style body with ``read(n)`` in ``READ_SIZE`` pieces.

    A ``declared`` length (Content-Length) over ``cap`` is refused before a
    byte is read; a body without one (chunked) at the first piece past the
    cap; ``too_big(cap)`` is the error for both. A read that fails with one of ``disconnected``, or a body shorter
    than it declared, is an aborted upload.
    """
    if cap is not None and declared is not None and declared > cap:
        raise too_big(cap)
    chunks: list[bytes] = []
    received = 0
    try:
        while True:
            size = READ_SIZE if cap is None else min(READ_SIZE, cap + 1 - received)
            chunk = read(size)
            if not chunk:
                break
            received += len(chunk)
            if cap is not None and received > cap:
                raise too_big(cap)
            chunks.append(chunk)
    except disconnected:
        raise aborted(received, declared) from None
    if declared is not None and received < declared:
        raise aborted(received, declared)
    return b"".join(chunks)


def check_max_body(max_body: int | None) -> int | None:
    """``max_body`` as given to an adapter, checked at decoration time."""
    if max_body is None:
        return None
    if isinstance(max_body, bool) or not isinstance(max_body, int) or max_body < 0:
        raise ValueError(f"max_body must be a number of bytes (an int >= 0) or None, got {max_body!r}")
    return max_body


def _size(n: int) -> str:
    for unit, scale in (("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= scale and n % scale == 0:
            return f"{n // scale} {unit}"
    return f"{n} bytes"


def body_error(message: str, status: int = 400) -> InvalidBody:
    """An ``invalid_body`` error answered with ``status`` (400, 411 or 413)."""
    error = InvalidBody(message)
    error.code = "invalid_body"
    error.http_status = status
    return error


RAISE_MAX_BODY = "verify_webhook(verifier, max_body=...), or max_body=None for no cap"


def too_large(max_body: int, how: str = RAISE_MAX_BODY) -> InvalidBody:
    """413: the body is past the cap; the message names the cap and how to raise it."""
    size = _size(max_body)
    cap = f"{size} cap" if size.endswith("bytes") else f"{size} cap ({max_body} bytes)"
    return body_error(f"the request body is larger than the {cap}; raise it with {how}", 413)


def declared_length(value: str | None) -> int | None:
    """The Content-Length header as a number (``None`` when absent); 400 when it is not one."""
    if value is None or value == "":
        return None
    text = value.strip()
    if not text.isdigit() or not text.isascii():
        raise body_error(f"the Content-Length header is not a number of bytes: {value[:40]!r}")
    return int(text)


def aborted(received: int, declared: int | None) -> InvalidBody:
    """400: the client stopped sending before the end of its body."""
    expected = f" of the {declared} its Content-Length announced" if declared is not None else ""
    return body_error(f"the client closed the connection after sending {received} bytes{expected}")


def consumed(message: str) -> InvalidBody:
    """400: the body was read by something else first (the receiver's bug: logged at WARNING)."""
    error = body_error(f"the request body was consumed before hooksig could read it: {message}")
    error.receiver_bug = True  # type: ignore[attr-defined]
    return error


def unframed(server: str) -> InvalidBody:
    """411: a chunked body the server hands over as empty (no Content-Length)."""
    error = body_error(
        f"the request has no Content-Length (Transfer-Encoding: chunked) and {server} reads no "
        "body without one, so it cannot be verified; the sender must send a Content-Length",
        411,
    )
    error.receiver_bug = True  # type: ignore[attr-defined]
    return error


def log_rejection(error: InvalidBody) -> None:
    """Logs why a body was refused, with the message the response leaves out."""
    level = logging.WARNING if getattr(error, "receiver_bug", False) else logging.INFO
    logger.log(level, "webhook rejected with %s %s: %s", error.http_status, error.code, error)


#: What an adapter answers instead of calling the handler: a request that
#: fails verification, a copy of a delivery (``Replayed``), a replay store that
#: cannot be reached.
REFUSED = (VerificationError, ReplayStoreUnavailable)


def refusal(error: HooksigError) -> tuple[int, str]:
    """The status and body (the error code) an adapter answers a refused request with.

    A copy of a delivery that was handled to completion is answered 200, so
    that the sender stops retrying it; a copy of one still being handled 409,
    so that it retries later (the first may yet fail and be released).
    """
    if isinstance(error, InvalidBody):
        log_rejection(error)
    elif isinstance(error, ReplayStoreUnavailable):
        logger.warning("webhook refused with 503 %s: %s", error.code, error)
    if isinstance(error, Replayed) and error.completed:
        return 200, error.code
    return error.http_status, error.code


def store_blocks(verifier: Verifier) -> bool:
    """Whether ``verifier``'s replay store waits on I/O (Redis, a store written in
    Python): the async adapters then verify and settle in a worker thread. A
    memory store answers in about a microsecond, less than the hand-off costs."""
    store = verifier.replay
    return store is not None and store.kind != "memory"


def handled(status: int) -> bool:
    """Whether a handler's answer means the delivery was handled (2xx): only then
    is it completed; any other answer releases it, so the sender's retry runs the
    handler again."""
    return 200 <= status < 300


def settle(verifier: Verifier, verified: Verified, done: bool) -> None:
    """Completes (``done``) or releases a claimed delivery once its handler ran.

    A store that fails now is logged, not raised: the handler's answer stands.
    An unsettled claim lapses with its TTL; until then copies are answered 409.
    """
    try:
        if done:
            verifier.complete(verified)
        else:
            verifier.release(verified)
    except ReplayStoreUnavailable as error:
        step = "complete" if done else "release"
        logger.warning("could not %s the webhook's replay claim: %s", step, error)


def is_chunked(transfer_encoding: str | None) -> bool:
    return transfer_encoding is not None and "chunked" in transfer_encoding.lower()


class Webhook:
    """A request that passed verification.

    ``verified`` says which secret matched and the signed timestamp and id;
    ``body`` is the raw body that was verified; ``event_types`` lists the
    request's event types (read from the body or headers the first time it is
    used) for routing with :class:`hooksig.EventMatcher`.
    """

    __slots__ = ("_event_types", "_headers", "_verifier", "body", "verified")

    def __init__(self, verifier: Verifier, verified: Verified, headers: _Headers, body: bytes) -> None:
        self.verified = verified
        self.body = body
        self._verifier = verifier
        self._headers = headers
        self._event_types: tuple[str, ...] | None = None

    @property
    def event_types(self) -> tuple[str, ...]:
        """The event types the request carries, in payload order (several for a Quiltt batch).

        Raises ``InvalidBody`` or ``MissingHeader`` when the request does not say.
        """
        if self._event_types is None:
            self._event_types = tuple(event_types(self._verifier, self._headers, self.body))
        return self._event_types

    def json(self) -> Any:
        """The body parsed as JSON (after verification, never before)."""
        return json.loads(self.body)

    def __repr__(self) -> str:
        return f"Webhook({self.verified!r}, body=<{len(self.body)} bytes>)"
