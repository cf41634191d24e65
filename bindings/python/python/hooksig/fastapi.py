"""FastAPI (and Starlette) adapter: a dependency that verifies the raw request body.

>>> import hooksig
>>> from fastapi import Depends, FastAPI
>>> from fastapi.testclient import TestClient
>>> from hooksig.fastapi import Webhook, verify_webhook
>>> app = FastAPI()
>>> verified = verify_webhook(hooksig.Verifier("standard", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"))
>>> @app.post("/webhooks")
... async def receive(webhook: Webhook = Depends(verified)) -> dict[str, object]:
...     return {"types": list(webhook.event_types), "id": webhook.verified.webhook_id}
>>> body = b'{"type": "invoice.paid", "data": {}}'
>>> headers = hooksig.sign("standard", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", body, webhook_id="msg_1")
>>> TestClient(app).post("/webhooks", content=body, headers=headers).json()
{'types': ['invoice.paid'], 'id': 'msg_1'}
>>> TestClient(app).post("/webhooks", content=b"{}", headers=headers).status_code
401

In plain Starlette, call the dependency yourself: ``webhook = await verified(request)``.
"""

from __future__ import annotations

from typing import Any, AsyncIterator, Callable

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request

from ._native import Verified, Verifier
from ._webhook import (
    DEFAULT_MAX_BODY,
    REFUSED,
    Webhook,
    aborted,
    check_max_body,
    consumed,
    declared_length,
    refusal,
    settle,
    store_blocks,
    too_large,
)

__all__ = ["DEFAULT_MAX_BODY", "OFFLOAD_BODY", "Webhook", "verify_webhook"]

#: Bodies at least this large are verified in a worker thread
#: (``run_in_threadpool``), so that the event loop goes on serving other
#: requests meanwhile; the native verify releases the GIL from 16 KiB on.
#: Where that starts to pay (2 shared cores with SHA-NI, CPython 3.11, anyio
#: 4.16): handing a verify to the thread pool costs the event-loop thread
#: about 100-115 µs of CPU whatever the size, verifying inline 45 µs at
#: 64 KiB, 90 µs at 128 KiB, 180 µs at 256 KiB (0.7 µs per KiB). Below
#: 128 KiB the hand-off costs the loop more than the hashing it would spare.
OFFLOAD_BODY = 128 * 1024

_CONSUMED = (
    "the body stream was read by another dependency or middleware (request.stream(), "
    "await request.form() or a Form/File parameter); let verify_webhook read it first, or read "
    "it with await request.body(), which keeps a copy hooksig can verify"
)


async def _read_body(request: Request, max_body: int | None) -> bytes:
    cached: bytes | None = getattr(request, "_body", None)  # await request.body() ran already
    if cached is not None:
        if max_body is not None and len(cached) > max_body:
            raise too_large(max_body)
        return cached
    declared = declared_length(request.headers.get("content-length"))
    if max_body is not None and declared is not None and declared > max_body:
        raise too_large(max_body)  # before reading a byte of it
    chunks: list[bytes] = []
    received = 0
    try:
        async for chunk in request.stream():
            received += len(chunk)
            if max_body is not None and received > max_body:
                raise too_large(max_body)  # a chunked body: stop reading at the cap
            if chunk:
                chunks.append(chunk)
    except RuntimeError as error:
        if "consumed" not in str(error):
            raise
        raise consumed(_CONSUMED) from None
    except ClientDisconnect:
        raise aborted(received, declared) from None
    if declared is not None and received < declared:
        raise aborted(received, declared)
    # One piece (a test client, a small request) is used as it is: joining copies.
    body = chunks[0] if len(chunks) == 1 else b"".join(chunks)
    request._body = body  # what await request.body() keeps: the handler may read it again
    return body


def verify_webhook(verifier: Verifier, *, max_body: int | None = DEFAULT_MAX_BODY) -> Callable[[Request], Any]:
    """A dependency that reads the raw body, verifies it and returns the :class:`Webhook`.

    A rejected request raises ``HTTPException`` with 401 (signature,
    timestamp, missing header) or 400 (malformed header or body) and the error
    code as its detail (FastAPI answers ``{"detail": code}``, Starlette the
    code as plain text).

    The body is read up to ``max_body`` bytes (5 MiB; ``None`` for no cap): a
    larger one gets 413 ``invalid_body`` as soon as its Content-Length, or the
    part of a chunked body read so far, says so. A body stream something else
    consumed, and an upload the client abandoned, get 400 ``invalid_body``;
    the reason is logged on the ``hooksig`` logger. Bodies of 128 KiB and more
    are verified in a worker thread, not on the event loop.

    With a replay store on the verifier (``Verifier(..., replay=store)``) the
    dependency is a ``yield`` dependency: the delivery is claimed before the
    handler runs, completed when the handler returns and released when it
    raises (an ``HTTPException`` too; FastAPI shows a dependency no status
    code, so raise rather than return an error response). A copy is answered
    409 ``replayed`` while the first is handled, 200 ``replayed`` (without
    calling the handler) once it was, and a store that cannot be reached 503
    ``replay_store_unavailable``. Unless the store is in memory, claiming and
    settling run in a worker thread. Without a store it is a coroutine
    function: in plain Starlette, ``webhook = await verified(request)``.
    """
    cap = check_max_body(max_body)
    blocks = store_blocks(verifier)

    async def verified_webhook(request: Request) -> Webhook:
        try:
            body = await _read_body(request, cap)
            verified: Verified
            if blocks or len(body) >= OFFLOAD_BODY:
                verified = await run_in_threadpool(verifier.verify, request.headers, body)
            else:
                verified = verifier.verify(request.headers, body)
        except REFUSED as error:
            status, code = refusal(error)
            raise HTTPException(status_code=status, detail=code) from None
        return Webhook(verifier, verified, request.headers, body)

    if verifier.replay is None:
        return verified_webhook

    async def settle_claim(verified: Verified, done: bool) -> None:
        if blocks:
            await run_in_threadpool(settle, verifier, verified, done)
        else:
            settle(verifier, verified, done)

    async def claimed_webhook(request: Request) -> AsyncIterator[Webhook]:
        webhook = await verified_webhook(request)
        if webhook.verified.replay_key is None:  # a fail-open store was down: nothing to settle
            yield webhook
            return
        try:
            yield webhook
        except BaseException:
            await settle_claim(webhook.verified, False)
            raise
        await settle_claim(webhook.verified, True)

    return claimed_webhook
