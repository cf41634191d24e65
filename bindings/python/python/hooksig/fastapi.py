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

from typing import Awaitable, Callable

from starlette.exceptions import HTTPException
from starlette.requests import Request

from ._native import VerificationError, Verifier
from ._webhook import Webhook

__all__ = ["Webhook", "verify_webhook"]


def verify_webhook(verifier: Verifier) -> Callable[[Request], Awaitable[Webhook]]:
    """A dependency that reads the raw body, verifies it and returns the :class:`Webhook`.

    A rejected request raises ``HTTPException`` with 401 (signature,
    timestamp, missing header) or 400 (malformed header or body) and the error
    code as its detail (FastAPI answers ``{"detail": code}``, Starlette the
    code as plain text).
    """

    async def verified_webhook(request: Request) -> Webhook:
        body = await request.body()
        try:
            verified = verifier.verify(request.headers, body)
        except VerificationError as error:
            raise HTTPException(status_code=error.http_status, detail=error.code) from None
        return Webhook(verifier, verified, request.headers, body)

    return verified_webhook
